import { spawn, type ChildProcess } from "node:child_process";
import { chmod, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openBrowser } from "../../src/cli/open-browser.entry.js";
import { makeTempHome } from "../helpers/temp-home.js";

const SECRET = "http://127.0.0.1:9/authorize?response_type=code&state=secret-state&code_challenge=secret-challenge";
const noOpen = (): Promise<typeof import("open")> => Promise.reject(new Error("the open package is not for this test"));
const LINUX = { wsl: false };
type Open = typeof import("open");

/** An `open` package stand-in: records each address and answers with `child` (a promise it returns). */
function fakeOpen(answer: () => Promise<ChildProcess>): { importOpen: () => Promise<Open>; addresses: string[] } {
  const addresses: string[] = [];
  const open = (target: string): Promise<ChildProcess> => {
    addresses.push(target);
    return answer();
  };
  return { importOpen: async () => ({ default: open }) as unknown as Open, addresses };
}

describe("handing a URL to the browser", () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const c of cleanups) await c();
  });

  async function script(name: string, body: string): Promise<{ path: string; dir: string }> {
    const { home, cleanup } = await makeTempHome();
    cleanups.push(cleanup);
    const path = join(home, name);
    await writeFile(path, `#!/bin/sh\n${body}\n`);
    await chmod(path, 0o755);
    return { path, dir: home };
  }

  it("gives BROWSER's command a one-time local address, never the URL, and that address leads to the URL once", async () => {
    const { path, dir } = await script("browser", `printf '%s\\n' "$@" > "$(dirname "$0")/argv"`);
    const launch = await openBrowser(SECRET, { BROWSER: path }, noOpen, "linux", LINUX);
    try {
      expect(launch).toMatchObject({ opened: true });
      const argv = await readFile(join(dir, "argv"), "utf8");
      expect(argv).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/[0-9a-f]{32}\n$/);
      expect(argv).not.toContain("secret");
      const first = await fetch(argv.trim(), { redirect: "manual" });
      expect(first.status).toBe(303);
      expect(first.headers.get("location")).toBe(SECRET);
      expect(await launch.followed).toBe(true);
      await expect(fetch(argv.trim())).rejects.toThrow();
    } finally {
      await launch.close();
    }
  });

  it.each([
    ["/bin/false", "/bin/false exited with status 1"],
    ["/nonexistent/browser", "/nonexistent/browser could not be run (ENOENT)"],
    ["/nonexistent/browser:/bin/false", "/bin/false exited with status 1"],
  ])("BROWSER=%s: not opened, and why", async (browser, failure) => {
    const launch = await openBrowser(SECRET, { BROWSER: browser }, noOpen, "linux", LINUX);
    await launch.close();
    expect(launch).toMatchObject({ opened: false, failure });
    expect(await launch.followed).toBe(false);
  });

  it("the next command in BROWSER is tried when one fails", async () => {
    const launch = await openBrowser(SECRET, { BROWSER: "/bin/false:/bin/true" }, noOpen, "linux", LINUX);
    await launch.close();
    expect(launch).toMatchObject({ opened: true });
  });

  it("a browser that follows the address and stays up has opened", async () => {
    const { path } = await script(
      "browser",
      `${JSON.stringify(process.execPath)} -e 'fetch(process.argv[1], { redirect: "manual" }).then(() => setTimeout(() => {}, 5000))' "$1"`,
    );
    const launch = await openBrowser(SECRET, { BROWSER: path }, noOpen, "linux", LINUX);
    await launch.close();
    expect(launch).toMatchObject({ opened: true });
    expect(await launch.followed).toBe(true);
  });

  it("the platform opener that cannot be loaded (macOS, Windows, WSL): not opened, and why", async () => {
    const launch = await openBrowser(SECRET, {}, noOpen, "darwin", { wsl: false });
    await launch.close();
    expect(launch).toMatchObject({ opened: false, failure: "open could not be run (the open package is not for this test)" });
  });

  it("WSL known from its kernel alone (sudo: no WSL_DISTRO_NAME): Windows's opener, not xdg-open", async () => {
    const { importOpen, addresses } = fakeOpen(async () => spawn("/bin/true"));
    const launch = await openBrowser(SECRET, {}, importOpen, "linux", { wsl: true, ownUid: 0 });
    await launch.close();
    expect(launch).toMatchObject({ opened: true });
    expect(addresses).toHaveLength(1);
    expect(addresses[0]).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/[0-9a-f]{32}$/);
  });

  it.each([
    ["win32", "win32", false],
    ["WSL", "linux", true],
  ] as const)("on %s, an opener whose PowerShell never returns gives its verdict after the grace period", async (_name, platform, wsl) => {
    const { importOpen, addresses } = fakeOpen(() => new Promise<ChildProcess>(() => {}));
    const launch = await openBrowser(SECRET, {}, importOpen, platform, { wsl, graceMs: 20 });
    await launch.close();
    expect(addresses).toHaveLength(1);
    expect(launch).toMatchObject({ opened: true });
  });

  it("on Windows, an opener that fails before the grace period says why", async () => {
    const { importOpen } = fakeOpen(() => Promise.reject(Object.assign(new Error("spawn powershell.exe ENOENT"), { code: "ENOENT" })));
    const launch = await openBrowser(SECRET, {}, importOpen, "win32", { wsl: false, graceMs: 60_000 });
    await launch.close();
    expect(launch).toMatchObject({ opened: false, failure: "PowerShell could not be run (ENOENT)" });
  });
});
