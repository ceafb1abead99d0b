/**
 * Random hex digits, for temporary names and lock tokens. node:crypto is loaded on the first call,
 * not with the module: it pulls in Node's stream modules, and the commands that only read
 * (credential-process, an up-to-date login) never need it.
 */
export async function randomHex(bytes: number): Promise<string> {
  const { randomBytes } = await import("node:crypto");
  return randomBytes(bytes).toString("hex");
}
