import { access, constants, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Exit } from "../../src/errors.js";
import { startTestEmulator } from "../helpers/emulator.js";
import { runCli, startCli } from "../helpers/run-process.js";
import { sessionProfileConfig } from "../helpers/sso-fixtures.js";
import { makeTempHome } from "../helpers/temp-home.js";

// Sign-in through a real browser: Debian's Chromium, started by sso-cli's own browser launch
// (BROWSER points at a launcher that drives it with playwright-core), clicks Approve or Deny on
// the emulator's sign-in page, for both flows. Needs /usr/bin/chromium (apt-get install -y chromium).

const LAUNCHER = fileURLToPath(new URL("./chromium-launcher.mjs", import.meta.url));
const CHROMIUM = "/usr/bin/chromium";
type Emulator = Awaited<ReturnType<typeof startTestEmulator>>;

interface Seen {
  ok: boolean;
  error?: string;
  /** What sso-cli gave the browser, the page it redirected to, and what the same address said the second time (0: nothing listens). */
  url?: string;
  landedOn?: string;
  again?: number;
  firstTitle?: string;
  finalUrl?: string;
  heading?: string;
  text?: string;
}

describe.concurrent("signing in through a real Chromium", () => {
  let emu: Emulator;
  const cleanups: Array<() => Promise<void>> = [];
  beforeAll(async () => {
    // Under CI every tier runs (test/tiers.ts): a missing browser fails here, at once and clearly.
    await access(CHROMIUM, constants.X_OK).catch(() => {
      throw new Error(`Chromium is missing at ${CHROMIUM}: apt-get install -y chromium`);
    });
    // Nobody approves but the person at the browser.
    emu = await startTestEmulator({ autoApproveMs: -1 });
  });
  afterAll(async () => {
    await emu?.close();
    for (const c of cleanups) await c();
  });

  const cases = [
    {
      flow: "authorization code (default)",
      flags: [] as string[],
      decision: "approve",
      exit: Exit.ok,
      page: /^Signed in$/,
      firstTitle: /Allow access/,
    },
    {
      flow: "authorization code (default)",
      flags: [] as string[],
      decision: "deny",
      exit: Exit.denied,
      page: /^Sign-in failed$/,
      firstTitle: /Allow access/,
    },
    {
      flow: "device code",
      flags: ["--use-device-code"],
      decision: "approve",
      exit: Exit.ok,
      page: /^Request approved$/,
      firstTitle: /Authorize request/,
    },
    {
      flow: "device code",
      flags: ["--use-device-code"],
      decision: "deny",
      exit: Exit.denied,
      page: /^Request denied$/,
      firstTitle: /Authorize request/,
    },
  ];

  async function freshHome(): Promise<string> {
    const { home, cleanup } = await makeTempHome();
    cleanups.push(cleanup);
    await mkdir(join(home, ".aws"), { recursive: true });
    await writeFile(join(home, ".aws", "config"), sessionProfileConfig({ startUrl: emu.startUrl }));
    return home;
  }

  async function launcherRecord(log: string, stderr: string): Promise<Seen> {
    let seen: Seen | undefined;
    // The launcher may still be closing Chromium when sso-cli is done.
    for (let i = 0; i < 100 && !seen; i++) {
      seen = await readFile(log, "utf8")
        .then((t) => JSON.parse(t) as Seen)
        .catch(() => undefined); // absent, or still being written
      if (!seen) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(seen, `the launcher left no record; sso-cli said:\n${stderr}`).toBeDefined();
    expect(seen!.ok, `${seen!.error}\nsso-cli said:\n${stderr}`).toBe(true);
    // Chromium was given the one-time local address, never the real link, and followed it; the
    // address answered nothing the second time.
    expect(seen!.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/[0-9a-f]{32}$/);
    expect(seen!.again).toBe(0);
    return seen!;
  }

  it.each(cases)("$flow: $decision", async (c) => {
    const home = await freshHome();
    const log = join(home, "chromium.json");
    const r = await runCli(["login", "--profile", "p", ...c.flags], {
      home,
      env: { ...emu.env, BROWSER: LAUNCHER, CHROMIUM_DECISION: c.decision, CHROMIUM_LAUNCHER_LOG: log },
      timeoutMs: 60_000,
    });
    const seen = await launcherRecord(log, r.stderr);
    expect(seen.landedOn).toMatch(
      c.flags.includes("--use-device-code") ? /\/device\?user_code=/ : /\/authorize\?.*state=.*code_challenge=/,
    );
    expect(seen.firstTitle).toMatch(c.firstTitle);
    expect(seen.heading).toMatch(c.page);
    expect(r.code, r.stderr).toBe(c.exit);
    expect(r.stderr).toMatch(/^A browser was opened/m);
    const credentials = await readFile(join(home, ".aws", "credentials"), "utf8").catch(() => "");
    if (c.decision === "approve") {
      expect(r.stderr).toMatch(/^Signed in to /m);
      expect(credentials).toMatch(/^\[p\]\naws_access_key_id = ASIA/);
    } else {
      expect(r.stderr).toMatch(/^sso-cli: The sign-in was denied: Deny was chosen on the sign-in page\.$/m);
      expect(credentials).toBe("");
    }
  });

  it("console: Chromium follows the one-time address to the console, signed in as the role", async () => {
    const home = await freshHome();
    // Signed in first, without a browser: the device code approved through the emulator's admin API.
    const login = startCli(["login", "--profile", "p", "--use-device-code"], {
      home,
      env: { ...emu.env, BROWSER: "none" },
      timeoutMs: 60_000,
    });
    const [, userCode] = await login.waitForStderr(/^ {2}code {3}([A-Z]{4}-[A-Z]{4})$/m);
    // This code only: the other cases' sign-ins wait for their Chromium on the same emulator.
    await fetch(`${emu.url}/_admin/approve`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ user_code: userCode }),
    });
    const signIn = await login.result;
    expect(signIn.code, signIn.stderr).toBe(Exit.ok);
    const log = join(home, "chromium.json");
    const r = await runCli(["console", "--profile", "p"], {
      home,
      env: { ...emu.env, BROWSER: LAUNCHER, CHROMIUM_DECISION: "none", CHROMIUM_LAUNCHER_LOG: log },
      timeoutMs: 60_000,
    });
    expect(r.code, r.stderr).toBe(Exit.ok);
    expect(r.stderr).toMatch(/^Opened the AWS console for profile p /m);
    expect(r.stdout).toBe("");
    const seen = await launcherRecord(log, r.stderr);
    expect(seen.landedOn).toMatch(/\/federation\?Action=login&.*SigninToken=/);
    expect(seen.heading).toBe("AWS console (emulated)");
    expect(seen.text).toMatch(/Signed in as AdministratorAccess in account 100000000001/);
  });
});
