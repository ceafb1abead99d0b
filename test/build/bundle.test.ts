import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../helpers/run-process.js";

interface Metafile {
  outputs: Record<string, { imports: { path: string; kind: string }[]; inputs: Record<string, unknown> }>;
}

/** Everything `sso-cli --version` / `--help` load: the entry chunk and its static imports. */
async function startupInputs(): Promise<string[]> {
  const meta = JSON.parse(await readFile(`${REPO_ROOT}dist/meta.json`, "utf8")) as Metafile;
  const seen = new Set<string>();
  const walk = (out: string): void => {
    if (seen.has(out) || !meta.outputs[out]) return;
    seen.add(out);
    for (const i of meta.outputs[out].imports) if (i.kind === "import-statement") walk(i.path);
  };
  walk("dist/cli/main.js");
  return [...seen].flatMap((o) => Object.keys(meta.outputs[o]!.inputs));
}

describe("start-up stays small (the bundle built by npm run build)", () => {
  it("loads neither the AWS SDK, nor the emulator, nor prompts for --help and --version", async () => {
    const inputs = await startupInputs();
    expect(inputs.length).toBeGreaterThan(0);
    expect(inputs.some((i) => i.includes("commander"))).toBe(true);
    expect(inputs.filter((i) => /@aws-sdk|@smithy|@aws-crypto|src\/emulator|@inquirer|node_modules\/zod/.test(i))).toEqual([]);
  });
});
