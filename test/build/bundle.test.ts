import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import pkg from "../../package.json" with { type: "json" };
import { REPO_ROOT, runCli, runProcess } from "../helpers/run-process.js";
import { makeTempHome } from "../helpers/temp-home.js";

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
  it("loads neither the AWS SDK, the emulator, prompts, zod nor commander before a command is known", async () => {
    const inputs = await startupInputs();
    expect(inputs.some((i) => i.endsWith("src/cli/main.ts"))).toBe(true);
    expect(inputs.filter((i) => /@aws-sdk|@smithy|@aws-crypto|src\/emulator|@inquirer|node_modules\/(zod|commander)/.test(i))).toEqual([]);
  });
});

describe("bin/sso-cli answers --help and --version without loading the bundle", () => {
  it.each([["--help"], ["-h"], ["--version"], ["-V"]])("prints for %s exactly what commander prints", async (flag) => {
    const { home, cleanup } = await makeTempHome();
    try {
      const fromBin = await runCli([flag], { home });
      const script = `import { main, createRealContext } from ${JSON.stringify(`${REPO_ROOT}dist/cli/main.js`)}; process.exitCode = await main([${JSON.stringify(flag)}], createRealContext());`;
      const fromCommander = await runProcess(process.execPath, ["--input-type=module", "-e", script], { home, env: { COLUMNS: "80" } });
      expect(fromBin.code).toBe(0);
      expect(fromBin.stdout).toBe(fromCommander.stdout);
      if (flag === "--version" || flag === "-V") expect(fromBin.stdout).toBe(`${pkg.version}\n`);
    } finally {
      await cleanup();
    }
  });
});
