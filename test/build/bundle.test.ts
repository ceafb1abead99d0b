import { cp, mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compileCacheDirectory } from "../../src/cli/code-cache.entry.js";
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
  const meta = JSON.parse(await readFile(`${REPO_ROOT}.build/meta.json`, "utf8")) as Metafile;
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
      const script = `import { main, createRealContext } from ${JSON.stringify(`${REPO_ROOT}dist/cli/main.js`)}; process.exitCode = await main([${JSON.stringify(flag)}], createRealContext((s) => import(new URL(s, ${JSON.stringify(`file://${REPO_ROOT}dist/cli/`)}).href)));`;
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
    const meta = JSON.parse(await readFile(`${REPO_ROOT}.build/entry-meta.json`, "utf8")) as Metafile;
    const inputs = Object.values(meta.outputs).flatMap((o) => Object.keys(o.inputs));
    expect(inputs.some((i) => i.endsWith("src/commands/login/login-plan.entry.ts"))).toBe(true);
    // zod's set-up would run at every start of the hot commands: their files are checked by hand (src/files/json-fields.ts).
    expect(
      inputs.filter((i) => /@aws-sdk|@smithy|src\/emulator|@inquirer|node_modules\/commander|node_modules\/zod|src\/sso\/clients/.test(i)),
    ).toEqual([]);
  });

  it("holds, of src/, only entry files (*.entry.ts, the start-up files), files/, lib/, context.ts and errors.ts", async () => {
    // The suffix is the boundary's name: a file the entry reaches without it would escape the lint rules for entry files.
    const meta = JSON.parse(await readFile(`${REPO_ROOT}.build/entry-meta.json`, "utf8")) as Metafile;
    const ours = Object.values(meta.outputs)
      .flatMap((o) => Object.keys(o.inputs))
      .filter((i) => i.startsWith("src/"));
    const startUp = [
      "src/cli/entry.ts",
      "src/cli/hot-login.ts",
      "src/cli/hot-credentials.ts",
      "src/cli/hot-remembered.ts",
      "src/context.ts",
      "src/errors.ts",
    ];
    expect(ours.filter((i) => !i.endsWith(".entry.ts") && !/^src\/(files|lib)\//.test(i) && !startUp.includes(i))).toEqual([]);
    expect(ours).toContain("src/commands/login/login-grammar.entry.ts");
    // The whole Context (streams, signals, browser, children) is made from the main bundle.
    expect(ours).not.toContain("src/cli/real-context.ts");
  });

  it("has a copy for the hot commands that holds only the answers remembered from the files", async () => {
    const file = (name: string) => readFile(`${REPO_ROOT}dist/cli/${name}`, "utf8");
    const [all, remembered] = await Promise.all([file("entry.cjs"), file("entry-remembered.cjs")]);
    const holds = (code: string, module: string) => code.includes(`// ${module}\n`);
    expect(all).toContain("Usage: sso-cli");
    expect(holds(all, "src/cli/hot-login.ts") && holds(all, "src/cli/hot-credentials.ts")).toBe(true);
    expect(remembered).not.toContain("Usage: sso-cli");
    expect(holds(remembered, "src/cli/hot-remembered.ts")).toBe(true);
    // No ini reader, no resolving, no login plan: those are the whole entry's.
    for (const left of [
      "src/cli/hot-credentials.ts",
      "src/cli/hot-login.ts",
      "src/role-keys/role-chain.entry.ts",
      "src/commands/login/login-plan.entry.ts",
    ])
      expect(holds(remembered, left), left).toBe(false);
    expect(remembered).not.toMatch(/IniScanner = class|function resolveSsoProfile|function resolveCredentialProfile/);
    expect(remembered.length).toBeLessThan(all.length * 0.5);
  });

  it("reads the user's ini files with the read-only scanner, without the editor's code", async () => {
    // The hot commands only read ~/.aws/config and credentials: the editor (ini-editor.ts) is loaded by the commands that write.
    const entry = await readFile(`${REPO_ROOT}dist/cli/entry.cjs`, "utf8");
    expect(entry).toMatch(/IniScanner = class/);
    expect(entry).not.toMatch(/IniEditor = class|cannot edit \[|setKeys\(/);
  });

  it("answers an up-to-date login with bin/sso-cli, its launcher and the entry, without the main bundle", async () => {
    const emu = await startTestEmulator({ accounts: 1, rolesPerAccount: 1 });
    const { home, cleanup } = await makeTempHome();
    try {
      await mkdir(join(home, ".aws"), { recursive: true });
      await writeFile(join(home, ".aws", "config"), sessionProfileConfig({ startUrl: emu.startUrl }));
      const first = await runCli(["login", "--profile", "p"], { home, env: emu.env });
      expect(first.code, first.stderr).toBe(0);
      // A copy of the program with no dist/cli/main.js: only the entry can answer.
      const copy = join(home, "copy");
      await cp(`${REPO_ROOT}bin`, join(copy, "bin"), { recursive: true });
      await mkdir(join(copy, "dist", "cli"), { recursive: true });
      for (const file of ["entry.cjs", "entry-remembered.cjs"]) await cp(`${REPO_ROOT}dist/cli/${file}`, join(copy, "dist", "cli", file));
      // Twice: the second run compiles the entry from the code cache the first one left.
      // With --debug too: the entry reads the command's arguments, and the program's own flag, once.
      for (const args of [
        ["login", "--profile", "p"],
        ["login", "--profile", "p"],
        ["login", "--debug", "--profile", "p"],
      ]) {
        const again = await runProcess(process.execPath, [join(copy, "bin", "sso-cli"), ...args], { home, env: emu.env });
        expect(again.code, again.stderr).toBe(0);
        expect(again.stderr).toMatch(/^Already signed in; keys for 1 profile valid until .+\. \(--force renews them\.\)\n$/);
      }
      // With work to do it hands over to the main bundle (missing here, so it says so).
      const forced = await runProcess(process.execPath, [join(copy, "bin", "sso-cli"), "login", "--profile", "p", "--force"], {
        home,
        env: emu.env,
      });
      expect(forced.code).toBe(255);
      expect(forced.stderr).toMatch(/cannot load dist\//);
    } finally {
      await cleanup();
      await emu.close();
    }
  });
});

describe("compiled code is kept in the user's own cache home (test/e2e/code-cache.e2e.test.ts runs it)", () => {
  it("uses XDG_CACHE_HOME when set, NODE_COMPILE_CACHE over both, and nothing with NODE_DISABLE_COMPILE_CACHE", () => {
    expect(compileCacheDirectory({ HOME: "/home/u" })).toBe("/home/u/.cache/sso-cli/compile-cache");
    expect(compileCacheDirectory({ HOME: "/home/u", XDG_CACHE_HOME: "/c" })).toBe("/c/sso-cli/compile-cache");
    expect(compileCacheDirectory({ HOME: "/home/u", XDG_CACHE_HOME: "relative" })).toBe("/home/u/.cache/sso-cli/compile-cache");
    expect(compileCacheDirectory({ HOME: "/home/u", NODE_COMPILE_CACHE: "/n" })).toBe("/n");
    expect(compileCacheDirectory({ HOME: "/home/u", NODE_DISABLE_COMPILE_CACHE: "1" })).toBeUndefined();
    expect(compileCacheDirectory({})).toBeUndefined();
  });

  it.each(["entry.cjs", "entry-remembered.cjs"])(
    "%s never calls import() itself: code compiled from a cache cannot, on Node 20",
    async (name) => {
      const entry = await readFile(`${REPO_ROOT}dist/cli/${name}`, "utf8");
      expect(entry).not.toMatch(/\bimport\s*\(/);
    },
  );
});

describe("dist/ is what the package ships", () => {
  it("holds no source maps and no build metadata", async () => {
    const files = (await readdir(`${REPO_ROOT}dist`, { recursive: true })).map(String);
    expect(files.some((f) => f.endsWith("entry.cjs"))).toBe(true);
    expect(files.filter((f) => /\.map$|meta\.json$|\.cache$/.test(f))).toEqual([]);
  });
});
