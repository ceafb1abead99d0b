import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A throwaway HOME: no test ever touches the real ~/.aws. */
export async function makeTempHome(prefix = "sso-cli-test-"): Promise<{ home: string; cleanup(): Promise<void> }> {
  const home = await mkdtemp(join(tmpdir(), prefix));
  return { home, cleanup: () => rm(home, { recursive: true, force: true }) };
}

/**
 * False for sso-cli's own compiled code in a HOME (`~/.cache/sso-cli`, and `~/.cache` it made for
 * it: src/cli/code-cache.entry.ts), which a check that "nothing else in HOME changed" leaves out.
 * `rel` is relative to HOME, with "/" separators and no leading "/".
 */
export function notCompiledCode(rel: string): boolean {
  return rel !== ".cache" && rel !== ".cache/sso-cli" && !rel.startsWith(".cache/sso-cli/");
}
