import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestEmulator } from "../helpers/emulator.js";
import { REPO_ROOT, runProcess, type ProcessResult } from "../helpers/run-process.js";
import { makeTempHome } from "../helpers/temp-home.js";

// What a user gets from `npm install -g sso-cli-*.tgz`: the project packed as npm would publish
// it (from the dist/ that `npm run build` left), installed into an empty prefix with no network,
// and the whole journey run from that prefix's bin/ against the emulator.

const MB = 1_000_000;

interface PackReport {
  filename: string;
  unpackedSize: number;
  files: { path: string }[];
}

/** Fails with everything the process said, so a red test explains itself. */
function expectExit(r: ProcessResult, code: number): void {
  expect(r.code, `exit ${r.code}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`).toBe(code);
}

async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += (await stat(join(entry.parentPath, entry.name))).size;
  }
  return total;
}

describe("the packed tarball, installed into an empty prefix", () => {
  let home: string;
  let cleanup: () => Promise<void>;
  let emu: Awaited<ReturnType<typeof startTestEmulator>>;
  let pack: PackReport;
  let install: ProcessResult;
  let bin: string;
  let env: Record<string, string>;
  const prefix = () => join(home, "prefix");

  beforeAll(async () => {
    ({ home, cleanup } = await makeTempHome("sso-cli-package-"));
    emu = await startTestEmulator({ accounts: 1, rolesPerAccount: 1, autoApproveMs: 0 });
    // --ignore-scripts: pack the dist/ this test run is using, without rebuilding it under the other tests.
    const packed = await runProcess("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", home], {
      home,
      cwd: REPO_ROOT,
      timeoutMs: 120_000,
    });
    expectExit(packed, 0);
    pack = (JSON.parse(packed.stdout) as PackReport[])[0]!;
    // --offline: the package must need nothing from the registry.
    install = await runProcess(
      "npm",
      ["install", "--global", "--prefix", prefix(), "--offline", "--no-audit", "--no-fund", join(home, pack.filename)],
      { home, timeoutMs: 120_000 },
    );
    expectExit(install, 0);
    bin = join(prefix(), "bin", "sso-cli");
    env = { ...emu.env, BROWSER: "none" };
  }, 240_000);

  afterAll(async () => {
    await emu?.close();
    await cleanup?.();
  });

  it("ships bin/ and dist/ without source maps or build metadata, unpacking to at most 3 MB", () => {
    const paths = pack.files.map((f) => f.path);
    expect(paths).toContain("dist/cli/entry.cjs");
    expect(paths.filter((p) => /\.map$|meta\.json$|\.cache$|^src\/|^test\/|^scripts\//.test(p))).toEqual([]);
    expect(pack.unpackedSize).toBeLessThanOrEqual(3 * MB);
  });

  it("installs as one package of at most 8 MB, runs no install script and warns of nothing", async () => {
    expect(install.stderr).toBe("");
    expect(install.stdout).toMatch(/added 1 package/);
    expect(await readdir(join(prefix(), "lib", "node_modules"))).toEqual(["sso-cli"]);
    await expect(stat(join(prefix(), "lib", "node_modules", "sso-cli", "node_modules"))).rejects.toThrow(/ENOENT/);
    expect(await folderBytes(prefix())).toBeLessThanOrEqual(8 * MB);
  });

  it("runs the journey from the installed bin: configure, login, credential-process, export, exec, logout", async () => {
    const run = (args: string[]) => runProcess(bin, args, { home, env });
    expectExit(await run(["--version"]), 0);
    expectExit(
      await run([
        "configure",
        "profile",
        "dev",
        "--sso-start-url",
        emu.startUrl,
        "--sso-region",
        "us-east-1",
        "--account-id",
        "100000000001",
        "--role-name",
        "AdministratorAccess",
      ]),
      0,
    );

    const login = await run(["login", "--profile", "dev"]);
    expectExit(login, 0);
    expect(login.stderr).toContain("Wrote keys for 1 of 1 profile");
    const again = await run(["login", "--profile", "dev"]);
    expectExit(again, 0);
    expect(again.stderr).toMatch(/^Already signed in/);

    const proc = await run(["credential-process", "--profile", "dev"]);
    expectExit(proc, 0);
    const keys = JSON.parse(proc.stdout) as { Version: number; AccessKeyId: string };
    expect(keys).toMatchObject({ Version: 1, AccessKeyId: expect.stringMatching(/^ASIA/) });
    const exported = await run(["export", "--profile", "dev", "--format", "env-no-export"]);
    expectExit(exported, 0);
    expect(exported.stdout).toContain(`AWS_ACCESS_KEY_ID=${keys.AccessKeyId}\n`);

    const exec = await run([
      "exec",
      "--profile",
      "dev",
      "--",
      process.execPath,
      "-e",
      "process.stdout.write(process.env.AWS_ACCESS_KEY_ID ?? '')",
    ]);
    expectExit(exec, 0);
    expect(exec.stdout).toBe(keys.AccessKeyId);

    expectExit(await run(["logout", "--profile", "dev"]), 0);
    expect(await readFile(join(home, ".aws", "credentials"), "utf8").catch(() => "")).not.toContain(keys.AccessKeyId);
    const after = await run(["credential-process", "--profile", "dev"]);
    expect(after.code).toBe(253);
  });
});
