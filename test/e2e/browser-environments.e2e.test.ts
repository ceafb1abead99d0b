import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestEmulator } from "../helpers/emulator.js";
import { runOnTerminal } from "../helpers/pty.js";
import { BIN, runCli, runProcess, startCli, type ProcessResult } from "../helpers/run-process.js";
import { sessionProfileConfig } from "../helpers/sso-fixtures.js";
import { makeTempHome } from "../helpers/temp-home.js";

// The environments users sign in from: a desktop (DISPLAY, WAYLAND_DISPLAY, BROWSER), SSH, a
// script with no browser at all. Every run must end signed in, or with a clear non-zero exit:
// never a silent 0. A suite that only ever ran headless once shipped a `login` that exited 0
// having signed in nothing on every desktop.

const FAKE_BROWSER = fileURLToPath(new URL("../helpers/fake-browser.mjs", import.meta.url));
type Emulator = Awaited<ReturnType<typeof startTestEmulator>>;

function expectExit(r: ProcessResult, code: number): void {
  expect(r.code, `exit ${r.code}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`).toBe(code);
}

/**
 * A folder for PATH that makes this machine a desktop whose default browser is `browser`: the
 * platform opener (xdg-open) finds no desktop-specific handler (xdg-mime answers nothing) and
 * falls back to x-www-browser, as on a plain X11 or Wayland session.
 */
async function desktopPath(dir: string, browser: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, "x-www-browser"), `#!/bin/sh\nexec ${JSON.stringify(browser)} "$@"\n`);
  await writeFile(join(dir, "xdg-mime"), "#!/bin/sh\nexit 4\n");
  await chmod(join(dir, "x-www-browser"), 0o755);
  await chmod(join(dir, "xdg-mime"), 0o755);
  return `${dir}:${process.env.PATH ?? "/usr/bin:/bin"}`;
}

interface Case {
  name: string;
  /** Environment of the run (besides the emulator's endpoints); PATH is given the desktop folder when `desktop`. */
  env: Record<string, string>;
  desktop?: boolean;
  args?: string[];
  /** The sign-in that runs by default, and whether the browser is started. */
  flow: "pkce" | "device";
  browser: boolean;
}

const CASES: Case[] = [
  { name: "DISPLAY (X11 desktop, platform opener)", env: { DISPLAY: ":99" }, desktop: true, flow: "pkce", browser: true },
  {
    name: "WAYLAND_DISPLAY (Wayland desktop, platform opener)",
    env: { WAYLAND_DISPLAY: "wayland-9" },
    desktop: true,
    flow: "pkce",
    browser: true,
  },
  { name: "BROWSER=command", env: { BROWSER: FAKE_BROWSER }, flow: "pkce", browser: true },
  {
    name: "SSH_CONNECTION (even with a display and BROWSER)",
    env: { SSH_CONNECTION: "10.0.0.1 50000 10.0.0.2 22", DISPLAY: ":99", BROWSER: FAKE_BROWSER },
    flow: "device",
    browser: false,
  },
  { name: "BROWSER=none (with a display)", env: { BROWSER: "none", DISPLAY: ":99" }, desktop: true, flow: "device", browser: false },
  {
    name: "--no-browser (with a display and BROWSER)",
    env: { DISPLAY: ":99", BROWSER: FAKE_BROWSER },
    args: ["--no-browser"],
    flow: "device",
    browser: false,
  },
  { name: "none of them (headless)", env: {}, flow: "device", browser: false },
];

describe.concurrent("login in every environment users have: signed in, never a silent 0", () => {
  let emu: Emulator;
  const cleanups: Array<() => Promise<void>> = [];
  beforeAll(async () => {
    emu = await startTestEmulator({ autoApproveMs: 0 });
  });
  afterAll(async () => {
    await emu.close();
    for (const c of cleanups) await c();
  });

  async function freshHome(): Promise<string> {
    const { home, cleanup } = await makeTempHome();
    cleanups.push(cleanup);
    await mkdir(join(home, ".aws"), { recursive: true });
    await writeFile(join(home, ".aws", "config"), sessionProfileConfig({ startUrl: emu.startUrl }));
    return home;
  }

  const matrix = CASES.flatMap((c) => [
    { ...c, variant: "default", extra: [] as string[] },
    { ...c, variant: "--use-device-code", extra: ["--use-device-code"], flow: "device" as const },
  ]);

  it.each(matrix)("$name × $variant", async (c) => {
    const home = await freshHome();
    const log = join(home, "browser.log");
    const env: Record<string, string | undefined> = { ...emu.env, BROWSER: undefined, ...c.env, FAKE_BROWSER_LOG: log };
    if (c.desktop) env.PATH = await desktopPath(join(home, "desktop-bin"), FAKE_BROWSER);
    const r = await runCli(["login", "--profile", "p", ...(c.args ?? []), ...c.extra], { home, env, timeoutMs: 30_000 });
    expectExit(r, 0);
    expect(r.stderr).toMatch(/^Signed in to /m);
    expect(await readFile(join(home, ".aws", "credentials"), "utf8")).toMatch(/^\[p\]\naws_access_key_id = ASIA/);
    expect(r.stderr).toMatch(
      c.flow === "pkce" ? /^ {2}open {3}http:\/\/127\.0\.0\.1:\d+\/authorize\?/m : /^ {2}code {3}[A-Z]{4}-[A-Z]{4}$/m,
    );
    const opened = await readFile(log, "utf8").catch(() => "");
    if (c.browser) {
      expect(opened).toMatch(c.flow === "pkce" ? /\/authorize\?/ : /\/device\?user_code=/);
      expect(r.stderr).toMatch(/^A browser was opened/m);
      expect(r.stderr).toMatch(/^If the browser does not open, open the link above/m);
    } else {
      expect(opened).toBe("");
      expect(r.stderr).toMatch(/^Open the link above on any device/m);
    }
  });

  it("BROWSER=/bin/true (a browser that shows nothing): login waits for the person, then signs in", async () => {
    const home = await freshHome();
    const run = startCli(["login", "--profile", "p"], { home, env: { ...emu.env, BROWSER: "/bin/true" }, timeoutMs: 30_000 });
    const [, link] = await run.waitForStderr(/^ {2}open {3}(\S+)$/m);
    await new Promise((r) => setTimeout(r, 1500));
    expect(run.exited()).toBe(false);
    // The person opens the printed link by hand, as the fallback line tells them to.
    await runProcess(process.execPath, [FAKE_BROWSER, link!], { home });
    const r = await run.result;
    expectExit(r, 0);
    expect(r.stderr).toMatch(/^A browser was opened/m);
    expect(await readFile(join(home, ".aws", "credentials"), "utf8")).toMatch(/aws_access_key_id = ASIA/);
  });

  /**
   * A desktop whose default browser does not start (it is gone, or there is no X server): the
   * desktop names it (xdg-mime), and its command fails. The system's xdg-open then exits 4; the
   * copy bundled with the `open` package exits 0 all the same.
   */
  async function brokenDesktop(home: string): Promise<Record<string, string | undefined>> {
    const dir = join(home, "desktop-bin");
    const path = await desktopPath(dir, "/bin/false");
    await writeFile(join(dir, "xdg-mime"), "#!/bin/sh\necho broken-browser.desktop\n");
    const apps = join(home, ".local", "share", "applications");
    await mkdir(apps, { recursive: true });
    await writeFile(join(apps, "broken-browser.desktop"), "[Desktop Entry]\nType=Application\nName=Broken\nExec=/bin/false %u\n");
    return { BROWSER: undefined, DISPLAY: ":99", PATH: path, XDG_DATA_HOME: join(home, ".local", "share") };
  }

  it("a desktop whose browser does not start: said in one line, and the link opened by hand signs in", async () => {
    const home = await freshHome();
    const run = startCli(["login", "--profile", "p"], { home, env: { ...emu.env, ...(await brokenDesktop(home)) }, timeoutMs: 30_000 });
    const [line] = await run.waitForStderr(/^(No browser could be started|A browser was opened).*$/m);
    expect(line).toBe(
      "No browser could be started (xdg-open exited with status 4). Open the link above in a browser on this computer; to sign in from another device, run the command again with --use-device-code.",
    );
    const [, link] = /^ {2}open {3}(\S+)$/m.exec(run.stderr())!;
    await runProcess(process.execPath, [FAKE_BROWSER, link!], { home });
    const r = await run.result;
    expectExit(r, 0);
    expect(r.stderr).not.toMatch(/A browser was opened/);
    expect(await readFile(join(home, ".aws", "credentials"), "utf8")).toMatch(/aws_access_key_id = ASIA/);
  });

  it("console on a desktop whose browser does not start: said in one line, and the link printed", async () => {
    const home = await freshHome();
    const env = { ...emu.env, ...(await brokenDesktop(home)) };
    expectExit(
      await runCli(["login", "--profile", "p", "--use-device-code"], { home, env: { ...env, BROWSER: "none" }, timeoutMs: 30_000 }),
      0,
    );
    const r = await runCli(["console", "--profile", "p"], { home, env, timeoutMs: 30_000 });
    expectExit(r, 0);
    expect(r.stderr).toMatch(/^Could not open a browser \(xdg-open exited with status 4\)\. Open this link for profile p /m);
    expect(r.stdout).toMatch(/^https?:\/\/\S+SigninToken=\S+$/m);
  });

  it("--no-browser --use-pkce with stdin a pipe left open: the pasted address signs in, and login exits", async () => {
    const home = await freshHome();
    const run = startCli(["login", "--profile", "p", "--no-browser", "--use-pkce"], { home, env: emu.env, timeoutMs: 20_000 });
    const [, link] = await run.waitForStderr(/^ {2}open {3}(\S+\/authorize\?\S+)$/m);
    // The person's browser elsewhere: the sign-in page approves at once, and the browser ends on
    // the loopback address, which the person copies (the page would not load there).
    let at = link!;
    while (!at.includes("/oauth/callback")) at = new URL((await fetch(at, { redirect: "manual" })).headers.get("location")!, at).href;
    run.write(`${at}\n`);
    // stdin is never closed, as with a terminal multiplexer or a wrapper that keeps its pipe.
    const r = await run.result;
    expectExit(r, 0);
    expect(await readFile(join(home, ".aws", "credentials"), "utf8")).toMatch(/aws_access_key_id = ASIA/);
  });

  it("a browser that cannot start is said so, with the link still shown", async () => {
    const home = await freshHome();
    const r = await runCli(["login", "--profile", "p", "--use-device-code"], {
      home,
      env: { ...emu.env, BROWSER: "/nonexistent/browser:/bin/false" },
      timeoutMs: 30_000,
    });
    expectExit(r, 0);
    expect(r.stderr).toMatch(
      /^No browser could be started \(\/bin\/false exited with status 1\)\. Open the link above on any device and check that it shows the code [A-Z]{4}-[A-Z]{4}\.$/m,
    );
    expect(r.stderr).not.toMatch(/A browser was opened/);
  });
});

describe.concurrent("the triggers of the silent-0 bug, for login and for configure profile: the command waits for a slow browser", () => {
  let emu: Emulator;
  const cleanups: Array<() => Promise<void>> = [];
  beforeAll(async () => {
    emu = await startTestEmulator({ accounts: 1, rolesPerAccount: 1, autoApproveMs: 0 });
  });
  afterAll(async () => {
    await emu.close();
    for (const c of cleanups) await c();
  });

  const triggers = [
    { trigger: "BROWSER=cmd", env: { BROWSER: FAKE_BROWSER }, desktop: false },
    { trigger: "DISPLAY", env: { DISPLAY: ":99" }, desktop: true },
    { trigger: "WAYLAND_DISPLAY", env: { WAYLAND_DISPLAY: "wayland-9" }, desktop: true },
  ].flatMap((t) => [
    { ...t, flow: "default", flags: [] as string[] },
    { ...t, flow: "device code", flags: ["--use-device-code"] },
  ]);

  async function setUp(t: (typeof triggers)[number], config: boolean) {
    const { home, cleanup } = await makeTempHome();
    cleanups.push(cleanup);
    await mkdir(join(home, ".aws"), { recursive: true });
    if (config) await writeFile(join(home, ".aws", "config"), sessionProfileConfig({ startUrl: emu.startUrl }));
    // The browser takes 1.5 s to show the page: the command must still be waiting by then.
    const env: Record<string, string | undefined> = { ...emu.env, BROWSER: undefined, ...t.env, FAKE_BROWSER_DELAY_MS: "1500" };
    if (t.desktop) env.PATH = await desktopPath(join(home, "desktop-bin"), FAKE_BROWSER);
    return { home, env };
  }

  it.each(triggers)("login with $trigger, $flow flow", async (t) => {
    const { home, env } = await setUp(t, true);
    const r = await runCli(["login", "--profile", "p", ...t.flags], { home, env, timeoutMs: 30_000 });
    expectExit(r, 0);
    expect(await readFile(join(home, ".aws", "credentials"), "utf8")).toMatch(/aws_access_key_id = ASIA/);
  });

  it.each(triggers)("configure profile on a terminal with $trigger, $flow flow", async (t) => {
    const { home, env } = await setUp(t, false);
    const argv = [
      process.execPath,
      BIN,
      "configure",
      "profile",
      "p",
      "--sso-start-url",
      emu.startUrl,
      "--sso-region",
      "us-east-1",
      ...t.flags,
    ];
    const r = await runOnTerminal(
      argv,
      [
        ["Default region for AWS clients", ["\r"]],
        ["AWS CLI output format", ["\r"]],
        ["Assume a role from this profile?", ["\r"]],
      ],
      { home, env, timeoutMs: 25_000 },
    );
    expect(r.code, r.output).toBe(0);
    expect(r.output).toMatch(/Signed in to /);
    expect(r.output).toMatch(/The only AWS account available to you is/);
    expect(await readFile(join(home, ".aws", "config"), "utf8")).toMatch(/^sso_account_id = 100000000001$/m);
  });
});
