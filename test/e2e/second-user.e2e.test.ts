import { randomBytes } from "node:crypto";
import { access, constants, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestEmulator } from "../helpers/emulator.js";
import { runCli, runProcess, startCli, type ProcessResult } from "../helpers/run-process.js";
import { sessionProfileConfig } from "../helpers/sso-fixtures.js";
import { makeTempHome } from "../helpers/temp-home.js";

// Another local user against a sign-in: the attacker runs as uid 65534 (nobody), through setpriv,
// while the victim (this test's user, root) signs in or opens the console against the emulator.
// Needs root and setpriv (util-linux): test/tiers.ts, "second local user".

const FAKE_BROWSER = fileURLToPath(new URL("../helpers/fake-browser.mjs", import.meta.url));
const SETPRIV = "/usr/bin/setpriv";
type Emulator = Awaited<ReturnType<typeof startTestEmulator>>;

/**
 * Runs `script` (an ES module's text) as uid 65534 with `args` in `process.argv.slice(1)`, and
 * reads the JSON it prints. The script comes on the command line (`-e`), so the attacker needs no
 * access to this repository.
 */
async function asAttacker(script: string, args: string[], home: string): Promise<Record<string, unknown>> {
  const r = await runProcess(
    SETPRIV,
    ["--reuid=65534", "--regid=65534", "--clear-groups", process.execPath, "--input-type=module", "-e", script, "--", ...args],
    {
      home,
      cwd: "/",
      timeoutMs: 20_000,
    },
  );
  if (r.code !== 0) throw new Error(`the attacker's script failed (exit ${r.code}):\n${r.stderr}`);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

/** The attacker's requests: plain HTTP GETs (a local process sends what it likes), the status of each, 0 when refused. */
const SEND_CALLBACKS = `
import { get } from "node:http";
const send = (url, headers = {}) => new Promise((resolve) => {
  get(url, { headers }, (res) => { res.resume(); res.on("end", () => resolve(res.statusCode)); }).on("error", () => resolve(0));
});
const redirectUri = process.argv[1];
const uid = process.getuid();
const statuses = {
  noState: await send(redirectUri + "?error=access_denied"),
  wrongStateError: await send(redirectUri + "?error=access_denied&state=00000000-0000-4000-8000-000000000000"),
  wrongStateCode: await send(redirectUri + "?code=forged&state=00000000-0000-4000-8000-000000000000"),
  noCorsError: await send(redirectUri + "?error=access_denied", { "sec-fetch-mode": "no-cors" }),
};
console.log(JSON.stringify({ uid, statuses }));
`;

/**
 * The attacker watches every process's command line (/proc/PID/cmdline, readable by any user) for
 * the victim's browser, named by a marker on its command line, reads it, and reports it; then it
 * races the browser to the address found there (the browser takes 3 s to start).
 */
const READ_BROWSER_CMDLINE = `
import { readdirSync, readFileSync } from "node:fs";
import { get } from "node:http";
const marker = process.argv[1];
const until = Date.now() + 15000;
let found;
while (!found && Date.now() < until) {
  for (const pid of readdirSync("/proc").filter((d) => /^\\d+$/.test(d))) {
    let cmdline;
    try { cmdline = readFileSync("/proc/" + pid + "/cmdline", "utf8").split("\\0").join(" "); } catch { continue; }
    if (cmdline.includes(marker) && !cmdline.includes("--input-type=module")) { found = { pid, cmdline }; break; }
  }
  if (!found) await new Promise((r) => setTimeout(r, 20));
}
const address = found && /http:\\/\\/127\\.0\\.0\\.1:\\d+\\/[0-9a-f]{32}/.exec(found.cmdline)?.[0];
const raced = address && await new Promise((resolve) => {
  get(address, { headers: { "sec-fetch-mode": "navigate" } }, (res) => { res.resume(); res.on("end", () => resolve({ status: res.statusCode, location: res.headers.location })); }).on("error", () => resolve({ status: 0 }));
});
console.log(JSON.stringify({ uid: process.getuid(), found, raced }));
`;

/** The attacker tries an address it read: the status, or 0 when nothing answers. */
const TRY_ADDRESS = `
import { get } from "node:http";
const status = await new Promise((resolve) => {
  get(process.argv[1], { headers: { "sec-fetch-mode": "navigate" } }, (res) => { res.resume(); res.on("end", () => resolve(res.statusCode)); }).on("error", () => resolve(0));
});
console.log(JSON.stringify({ status }));
`;

describe.concurrent("a second local user (uid 65534) against the victim's sign-in and console", () => {
  let emu: Emulator;
  const cleanups: Array<() => Promise<void>> = [];
  beforeAll(async () => {
    // Under CI every tier runs (test/tiers.ts): a missing setpriv, or no root, fails here, clearly.
    await access(SETPRIV, constants.X_OK).catch(() => {
      throw new Error(`setpriv is missing at ${SETPRIV}: apt-get install -y util-linux`);
    });
    if (process.getuid?.() !== 0) throw new Error("these tests run the attacker as uid 65534 through setpriv, which needs root");
    emu = await startTestEmulator({ autoApproveMs: 0 });
  });
  afterAll(async () => {
    await emu?.close();
    for (const c of cleanups) await c();
  });

  async function freshHome(): Promise<string> {
    const { home, cleanup } = await makeTempHome();
    cleanups.push(cleanup);
    await mkdir(join(home, ".aws"), { recursive: true });
    await writeFile(join(home, ".aws", "config"), sessionProfileConfig({ startUrl: emu.startUrl }));
    return home;
  }

  function expectExit(r: ProcessResult, code: number): void {
    expect(r.code, `exit ${r.code}\nstderr:\n${r.stderr}`).toBe(code);
  }

  it("forged callbacks (no state, a wrong state, an error, a no-cors request) are refused, and the real browser's answer still signs in", async () => {
    const home = await freshHome();
    // A browser that shows nothing: the real answer comes later, from the person's browser.
    const run = startCli(["login", "--profile", "p"], { home, env: { ...emu.env, BROWSER: "/bin/true" }, timeoutMs: 30_000 });
    const [, link] = await run.waitForStderr(/^ {2}open {3}(\S+\/authorize\?\S+)$/m);
    const redirectUri = new URL(link!).searchParams.get("redirect_uri")!;
    const attack = await asAttacker(SEND_CALLBACKS, [redirectUri], home);
    expect(attack.uid).toBe(65534);
    expect(attack.statuses).toEqual({ noState: 400, wrongStateError: 400, wrongStateCode: 400, noCorsError: 400 });
    expect(run.exited()).toBe(false);
    // The person's own browser now brings the real answer.
    await runProcess(process.execPath, [FAKE_BROWSER, link!], { home });
    const r = await run.result;
    expectExit(r, 0);
    expect(r.stderr).toMatch(/^Signed in to /m);
    expect(await readFile(join(home, ".aws", "credentials"), "utf8")).toMatch(/aws_access_key_id = ASIA/);
  });

  it.each([
    { command: "login", args: ["login", "--profile", "p"], secrets: /state=|code_challenge|\/authorize/, browserFinishes: true },
    // The emulator approves the device code by itself: the sign-in may end before the browser comes.
    {
      command: "login --use-device-code",
      args: ["login", "--profile", "p", "--use-device-code"],
      secrets: /user_code|\/device/,
      browserFinishes: false,
    },
    { command: "console", args: ["console", "--profile", "p"], secrets: /SigninToken|\/federation/, browserFinishes: true },
  ])("$command: the browser's command line holds only a one-time address, refused to another user, dead after its first use", async (c) => {
    const home = await freshHome();
    if (c.command === "console") expectExit(await runCli(["login", "--profile", "p", "--use-device-code"], { home, env: emu.env }), 0);
    const marker = `victim-browser-${randomBytes(6).toString("hex")}`;
    const log = join(home, "browser.log");
    // The victim's browser takes 3 s to start: long enough for the attacker to read its command line.
    const run = startCli(c.args, {
      home,
      env: {
        ...emu.env,
        BROWSER: `${process.execPath} ${FAKE_BROWSER} %s ${marker}`,
        FAKE_BROWSER_DELAY_MS: "3000",
        FAKE_BROWSER_LOG: log,
      },
      timeoutMs: 30_000,
    });
    const seen = await asAttacker(READ_BROWSER_CMDLINE, [marker], home);
    expect(seen.uid).toBe(65534);
    const found = seen.found as { cmdline: string } | undefined;
    // The attacker did read the browser's command line: what it holds is the one-time address only.
    expect(found, "the attacker found no browser process").toBeDefined();
    expect(found!.cmdline).not.toMatch(c.secrets);
    const address = /http:\/\/127\.0\.0\.1:\d+\/[0-9a-f]{32}(?=\s|$)/.exec(found!.cmdline)?.[0];
    expect(address, found!.cmdline).toBeDefined();
    // Racing the browser to that address gets the attacker nothing: it is not this user's process.
    expect(seen.raced).toEqual({ status: 403 });
    const r = await run.result;
    expectExit(r, 0);
    // The browser followed the address to the real page (it may still be noting so as the command ends).
    let hops = await readFile(log, "utf8");
    for (let i = 0; i < 100 && c.browserFinishes && !c.secrets.test(hops); i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      hops = await readFile(log, "utf8");
    }
    expect(hops.split("\n")[0]).toBe(address);
    if (c.browserFinishes) expect(hops).toMatch(c.secrets);
    // After that first use, the address answers nothing.
    expect(await asAttacker(TRY_ADDRESS, [address!], home)).toEqual({ status: 0 });
  });
});
