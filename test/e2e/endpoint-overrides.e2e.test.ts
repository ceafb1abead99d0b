import { createServer, type Server } from "node:http";
import { mkdir, writeFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { networkInterfaces } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Exit } from "../../src/errors.js";
import { formatTimestamp, formatTokenCacheEntry, tokenCacheFileName } from "../../src/files/token-cache.js";
import { startTestEmulator } from "../helpers/emulator.js";
import { runCli, type ProcessResult } from "../helpers/run-process.js";
import { sessionProfileConfig } from "../helpers/sso-fixtures.js";
import { makeTempHome } from "../helpers/temp-home.js";

// Issue 16, item 3: where tokens and keys may be sent. A plain-HTTP server on this machine's
// network address (not loopback) stands for LocalStack on another host, or anything on the path:
// it records what reaches it. The emulator on 127.0.0.1 keeps working over http://.

type Emulator = Awaited<ReturnType<typeof startTestEmulator>>;
let emu: Emulator;
let recorder: Server;
let foreignUrl: string;
const received: string[] = [];
const homes: Array<() => Promise<void>> = [];

/** This machine's first non-loopback IPv4 address: reachable, yet "another machine" by its name. */
function networkAddress(): string {
  for (const list of Object.values(networkInterfaces()))
    for (const a of list ?? []) if (!a.internal && a.family === "IPv4") return a.address;
  // No network at all: an address nobody answers; the exit code still tells.
  return "192.0.2.1";
}

beforeAll(async () => {
  emu = await startTestEmulator({ accounts: 1, rolesPerAccount: 1 });
  recorder = createServer((req, res) => {
    received.push(`${req.method} ${req.url}`);
    res.writeHead(500).end();
  });
  await new Promise<void>((resolve) => recorder.listen(0, "0.0.0.0", resolve));
  foreignUrl = `http://${networkAddress()}:${(recorder.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await emu?.close();
  await new Promise((resolve) => recorder?.close(resolve));
  for (const c of homes.splice(0)) await c();
});

/** A HOME with profile a and a live cached token the emulator knows. */
async function home(): Promise<string> {
  const { home: h, cleanup } = await makeTempHome("sso-cli-e2e-endpoints-");
  homes.push(cleanup);
  await mkdir(join(h, ".aws", "sso", "cache"), { recursive: true });
  await writeFile(join(h, ".aws", "config"), sessionProfileConfig({ startUrl: emu.startUrl, profile: "a" }));
  const client = emu.state.registerClient({ clientName: "e2e", scopes: ["sso:account:access"], grantTypes: [], redirectUris: [] });
  const { accessToken } = emu.state.issueTokens(emu.state.startSession(client.clientId));
  const expiresAt = formatTimestamp(new Date(Date.now() + 8 * 3600_000));
  await writeFile(
    join(h, ".aws", "sso", "cache", tokenCacheFileName({ ssoSession: "s", startUrl: emu.startUrl })),
    formatTokenCacheEntry({ startUrl: emu.startUrl, region: "us-east-1", accessToken, expiresAt }),
  );
  return h;
}

/** Exits `code` with one `sso-cli:` line naming the variable and the fix, and nothing more. */
function expectRefusal(r: ProcessResult, variable: string): void {
  expect(r.code, r.stderr).toBe(Exit.badValue);
  expect(r.stderr).toBe(
    `sso-cli: ${variable} is http:// to another machine: sso-cli sends tokens and keys only over https:// (http:// only to 127.0.0.1, ::1 or localhost); set it to an https:// URL, or unset it.\n`,
  );
}

describe("tokens and keys never go in cleartext to another machine", () => {
  it.each([
    ["AWS_ENDPOINT_URL_SSO_OIDC", ["login", "--profile", "a", "--force", "--no-browser"]],
    ["AWS_ENDPOINT_URL_SSO", ["export", "--profile", "a"]],
    ["AWS_ENDPOINT_URL_SIGNIN", ["console", "--profile", "a", "--print"]],
  ])("%s=http://<network address>: refused before anything is sent", async (variable, args) => {
    const before = received.length;
    const r = await runCli(args, { home: await home(), env: { ...emu.env, [variable]: foreignUrl, SSO_CLI_CONNECT_TIMEOUT: "2" } });
    expectRefusal(r, variable);
    expect(received.slice(before)).toEqual([]);
  });

  it("AWS_ENDPOINT_URL=http://<network address> (LocalStack elsewhere): refused for the SDK services, naming it", async () => {
    const before = received.length;
    const r = await runCli(["login", "--profile", "a", "--force", "--no-browser"], {
      home: await home(),
      env: { AWS_ENDPOINT_URL: foreignUrl, SSO_CLI_CONNECT_TIMEOUT: "2" },
    });
    expectRefusal(r, "AWS_ENDPOINT_URL");
    expect(received.slice(before)).toEqual([]);
  });

  it("the console sign-in endpoint ignores AWS_ENDPOINT_URL: the role keys do not go to a generic override", async () => {
    const before = received.length;
    const emuFederations = emu.state.stats.operations.GetSigninToken?.calls ?? 0;
    // Everything else at the emulator; the generic override at the recorder. The real sign-in
    // endpoint is then used, through a proxy that refuses at once, so no test reaches AWS.
    const { AWS_ENDPOINT_URL_SIGNIN: _signin, ...rest } = emu.env;
    const r = await runCli(["console", "--profile", "a", "--print"], {
      home: await home(),
      env: { ...rest, AWS_ENDPOINT_URL: foreignUrl, HTTPS_PROXY: "http://127.0.0.1:1", SSO_CLI_CONNECT_TIMEOUT: "2" },
    });
    expect(r.code, r.stderr).toBe(Exit.service);
    expect(r.stderr).toMatch(/^sso-cli: Could not reach the AWS console sign-in endpoint https:\/\/signin\.aws\.amazon\.com\/federation /);
    expect(received.slice(before)).toEqual([]);
    expect(emu.state.stats.operations.GetSigninToken?.calls ?? 0).toBe(emuFederations);
  });

  it("http:// to this machine keeps working (the emulator on 127.0.0.1, and localhost)", async () => {
    const r = await runCli(["console", "--profile", "a", "--print"], {
      home: await home(),
      env: { ...emu.env, AWS_ENDPOINT_URL_SIGNIN: emu.url.replace("127.0.0.1", "localhost") },
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^http:\/\/localhost:\d+\/federation\?Action=login&/);
  });
});
