import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestProxy, type TestProxy } from "../helpers/connect-proxy.js";
import { startTestEmulator } from "../helpers/emulator.js";
import { runCli, type ProcessResult } from "../helpers/run-process.js";
import { sessionProfileConfig } from "../helpers/sso-fixtures.js";
import { makeTempHome } from "../helpers/temp-home.js";

// Corporate networks and hung servers, with the built binary (issue #12): a real CONNECT proxy in
// front of the emulator serving HTTPS with a certificate of its own CA; the CA trusted through
// AWS_CA_BUNDLE or the profile's ca_bundle, or not at all; NO_PROXY; and a server that never answers.

type Emulator = Awaited<ReturnType<typeof startTestEmulator>>;

let emu: Emulator;
let proxy: TestProxy;
let caFile: string;
let work: { home: string; cleanup(): Promise<void> };

beforeAll(async () => {
  [emu, proxy, work] = await Promise.all([
    startTestEmulator({ tls: true, accounts: 1, rolesPerAccount: 1 }),
    startTestProxy(),
    makeTempHome("sso-cli-network-"),
  ]);
  caFile = join(work.home, "emulator-ca.pem");
  await writeFile(caFile, emu.caPem!);
});
afterAll(async () => {
  await Promise.all([emu?.close(), proxy?.close()]);
  await work?.cleanup();
});

/** A fresh HOME with one sso-session profile; `extra` lines go into the profile's section. */
async function home(extra: string[] = []): Promise<{ home: string; credentials(): Promise<string | undefined>; cleanup(): Promise<void> }> {
  const h = await makeTempHome();
  await mkdir(join(h.home, ".aws"), { recursive: true });
  const config = sessionProfileConfig({ startUrl: emu.startUrl }).replace(
    "[profile p]\n",
    `[profile p]\n${extra.map((l) => `${l}\n`).join("")}`,
  );
  await writeFile(join(h.home, ".aws", "config"), config);
  return { ...h, credentials: () => readFile(join(h.home, ".aws", "credentials"), "utf8").catch(() => undefined) };
}

function expectExit(r: ProcessResult, code: number): void {
  expect(r.code, `exit ${r.code}\nstderr:\n${r.stderr}`).toBe(code);
}

/** A failed command's stderr ends with one `sso-cli:` line and its hint; no SDK log line anywhere. */
function expectOneErrorLine(r: ProcessResult, pattern: RegExp): void {
  const lines = r.stderr.split("\n").filter(Boolean);
  const first = lines.findIndex((l) => l.startsWith("sso-cli:"));
  expect(lines.slice(first), r.stderr).toHaveLength(2);
  expect(lines[first]).toMatch(pattern);
  expect(lines[first + 1]).toMatch(/^ {2}\S/);
  expect(r.stderr).not.toMatch(/@smithy|\[WARN\]|\bat \S+ \(/);
}

describe("through a CONNECT proxy to IAM Identity Center over TLS with its own CA", () => {
  it("signs in and writes keys with the CA in AWS_CA_BUNDLE; every call went through the proxy", async () => {
    const h = await home();
    try {
      const before = proxy.tunnels.length;
      const r = await runCli(["login", "--profile", "p"], {
        home: h.home,
        env: { ...emu.env, HTTPS_PROXY: proxy.url, AWS_CA_BUNDLE: caFile },
      });
      expectExit(r, 0);
      expect(await h.credentials()).toMatch(/aws_access_key_id = ASIA/);
      const opened = proxy.tunnels.slice(before);
      expect(opened.length).toBeGreaterThan(0);
      expect(new Set(opened)).toEqual(new Set([`127.0.0.1:${emu.port}`]));
    } finally {
      await h.cleanup();
    }
  });

  it("takes the CA bundle from the profile's ca_bundle, and https_proxy in lower case", async () => {
    const h = await home([`ca_bundle = ${caFile}`]);
    try {
      const before = proxy.tunnels.length;
      const r = await runCli(["login", "--profile", "p"], { home: h.home, env: { ...emu.env, https_proxy: proxy.url } });
      expectExit(r, 0);
      expect(proxy.tunnels.length).toBeGreaterThan(before);
    } finally {
      await h.cleanup();
    }
  });

  it("without the CA: one line naming the certificate problem and AWS_CA_BUNDLE, exit 254, nothing written", async () => {
    const h = await home();
    try {
      const r = await runCli(["login", "--profile", "p"], { home: h.home, env: { ...emu.env, HTTPS_PROXY: proxy.url } });
      expectExit(r, 254);
      expectOneErrorLine(
        r,
        new RegExp(
          `^sso-cli: Could not verify the TLS certificate of https://127\\.0\\.0\\.1:${emu.port} \\(SELF_SIGNED_CERT_IN_CHAIN\\) while registering this client\\.$`,
        ),
      );
      expect(r.stderr).toContain("AWS_CA_BUNDLE");
      expect(await h.credentials()).toBeUndefined();
    } finally {
      await h.cleanup();
    }
  });

  it("goes direct for a host in NO_PROXY", async () => {
    const h = await home();
    try {
      const before = proxy.tunnels.length;
      const r = await runCli(["login", "--profile", "p"], {
        home: h.home,
        env: { ...emu.env, HTTPS_PROXY: proxy.url, NO_PROXY: "localhost,127.0.0.1", AWS_CA_BUNDLE: caFile },
      });
      expectExit(r, 0);
      expect(proxy.tunnels.length).toBe(before);
    } finally {
      await h.cleanup();
    }
  });
});

describe("a proxy that wants credentials", () => {
  it("without them: one line saying the proxy asked (407), exit 254; with them in HTTPS_PROXY: signed in", async () => {
    const guarded = await startTestProxy({ auth: "me:s3cret" });
    const h = await home();
    try {
      const env = { ...emu.env, AWS_CA_BUNDLE: caFile };
      const refused = await runCli(["login", "--profile", "p"], { home: h.home, env: { ...env, HTTPS_PROXY: guarded.url } });
      expectExit(refused, 254);
      expectOneErrorLine(
        refused,
        /^sso-cli: The proxy asked for credentials \(407 Proxy Authentication Required\) on the way to https:\/\/127\.0\.0\.1:\d+ while registering this client\.$/,
      );
      const withAuth = guarded.url.replace("http://", "http://me:s3cret@");
      const ok = await runCli(["login", "--profile", "p", "--debug"], { home: h.home, env: { ...env, HTTPS_PROXY: withAuth } });
      expectExit(ok, 0);
      expect(guarded.tunnels.length).toBeGreaterThan(0);
      // --debug names the proxy, never its password.
      expect(ok.stderr).toContain(`through proxy ${guarded.url.replace("http://", "http://me:<redacted>@")}`);
      expect(ok.stderr).not.toContain("s3cret");
    } finally {
      await guarded.close();
      await h.cleanup();
    }
  });
});

describe("a server that never answers", () => {
  it.each([
    ["RegisterClient", "registering this client"],
    ["GetRoleCredentials", "getting credentials for profile p"],
  ])("a hung %s ends the login with exit 254 and one line, no SDK log line", async (operation, what) => {
    const hung = await startTestEmulator({
      accounts: 1,
      rolesPerAccount: 1,
      injections: [{ operation, status: 500, error: "timeout", count: 99, hangMs: 60_000 }],
    });
    const h = await home();
    try {
      // 0.3 s per call; the retries of GetRoleCredentials stop at twice that.
      const r = await runCli(["login", "--profile", "p"], {
        home: h.home,
        env: { ...hung.env, SSO_CLI_READ_TIMEOUT: "0.3" },
        timeoutMs: 20_000,
      });
      expectExit(r, 254);
      expectOneErrorLine(
        r,
        new RegExp(
          `^sso-cli: IAM Identity Center at ${hung.url.replace(/\./g, "\\.")} did not answer in time \\(ETIMEDOUT\\) while ${what}\\.$`,
        ),
      );
      expect(r.stderr).toMatch(/SSO_CLI_READ_TIMEOUT/);
      const calls = hung.state.stats.operations[operation]?.calls ?? 0;
      expect(calls).toBeGreaterThanOrEqual(1);
      expect(calls).toBeLessThanOrEqual(4);
    } finally {
      await hung.close();
      await h.cleanup();
    }
  });
});
