import { cp, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import pkg from "../../package.json" with { type: "json" };
import { REPO_ROOT, runCli, runProcess } from "../helpers/run-process.js";
import { startTestEmulator } from "../helpers/emulator.js";
import { sessionProfileConfig } from "../helpers/sso-fixtures.js";
import { makeTempHome } from "../helpers/temp-home.js";

interface Metafile {
  outputs: Record<string, { imports: { path: string; kind: string }[]; inputs: Record<string, unknown> }>;
}

/** Everything a command loads before commander knows which one it is: the main chunk and its static imports. */
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

describe("the no-network login runs from dist/cli/entry.cjs alone", () => {
  it("holds none of the SDK, commander, the emulator, prompts or zod", async () => {
    const meta = JSON.parse(await readFile(`${REPO_ROOT}dist/entry-meta.json`, "utf8")) as Metafile;
    const inputs = Object.values(meta.outputs).flatMap((o) => Object.keys(o.inputs));
    expect(inputs.some((i) => i.endsWith("src/use-cases/login-plan.ts"))).toBe(true);
    // zod's set-up was about a tenth of the hot commands' own time: their files are checked by hand (src/files/json-fields.ts).
    expect(inputs.filter((i) => /@aws-sdk|@smithy|src\/emulator|@inquirer|node_modules\/commander|node_modules\/zod|src\/sso\/clients/.test(i))).toEqual([]);
  });

  it("reads the user's ini files with the read-only scanner, without the editor's code", async () => {
    // The hot commands only read ~/.aws/config and credentials: the editor (ini-editor.ts) is loaded by the commands that write.
    const entry = await readFile(`${REPO_ROOT}dist/cli/entry.cjs`, "utf8");
    expect(entry).toMatch(/IniScanner = class/);
    expect(entry).not.toMatch(/IniEditor = class|cannot edit \[|setKeys\(/);
  });

  it("leaves V8's code cache of the entry beside it, and this Node accepts it", async () => {
    // npm install builds: the cache is made by this Node, from runs of the hot commands (scripts/code-cache.mjs).
    const launch = `${REPO_ROOT}dist/cli/launch.cjs`;
    const { home, cleanup } = await makeTempHome();
    try {
      const r = await runProcess(process.execPath, ["-e", `process.stdout.write(JSON.stringify(require(${JSON.stringify(launch)}).loadEntry(${JSON.stringify(`${REPO_ROOT}dist/cli/entry.cjs`)}).cacheAccepted))`], { home });
      expect(r.stdout, r.stderr).toBe("true");
    } finally {
      await cleanup();
    }
  });

  it("answers an up-to-date login with bin/sso-cli, its launcher and the entry, without the main bundle; with or without a usable code cache", async () => {
    const emu = await startTestEmulator({ accounts: 1, rolesPerAccount: 1 });
    const { home, cleanup } = await makeTempHome();
    try {
      await mkdir(join(home, ".aws"), { recursive: true });
      await writeFile(join(home, ".aws", "config"), sessionProfileConfig({ startUrl: emu.startUrl }));
      const first = await runCli(["login", "--profile", "p"], { home, env: emu.env });
      expect(first.code, first.stderr).toBe(0);
      // A copy of the program with no dist/cli/main.js: only the hot bundle can answer.
      const copy = join(home, "copy");
      await cp(`${REPO_ROOT}bin`, join(copy, "bin"), { recursive: true });
      await mkdir(join(copy, "dist", "cli"), { recursive: true });
      for (const file of ["launch.cjs", "entry.cjs", "entry.cjs.cache"]) await cp(`${REPO_ROOT}dist/cli/${file}`, join(copy, "dist", "cli", file));
      const again = await runProcess(process.execPath, [join(copy, "bin", "sso-cli"), "login", "--profile", "p"], { home, env: emu.env });
      expect(again.code, again.stderr).toBe(0);
      expect(again.stderr).toMatch(/^Already signed in; keys for 1 profile valid until .+\. \(--force renews them\.\)\n$/);
      // A cache this Node rejects (here: not a cache at all), then none: compiled from source, same answer.
      await writeFile(join(copy, "dist", "cli", "entry.cjs.cache"), "not a V8 code cache");
      for (let i = 0; i < 2; i++) {
        const uncached = await runProcess(process.execPath, [join(copy, "bin", "sso-cli"), "login", "--profile", "p"], { home, env: emu.env });
        expect(uncached.code, uncached.stderr).toBe(0);
        expect(uncached.stderr).toBe(again.stderr);
        await rm(join(copy, "dist", "cli", "entry.cjs.cache"), { force: true });
      }
      // With work to do it hands over to the main bundle (missing here, so it says so).
      const forced = await runProcess(process.execPath, [join(copy, "bin", "sso-cli"), "login", "--profile", "p", "--force"], { home, env: emu.env });
      expect(forced.code).toBe(255);
      expect(forced.stderr).toMatch(/cannot load dist\//);
    } finally {
      await cleanup();
      await emu.close();
    }
  });
});
