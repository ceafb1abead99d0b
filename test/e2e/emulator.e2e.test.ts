import { spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { get as httpsGet } from "node:https";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BIN } from "../helpers/run-process.js";
import { makeTempHome } from "../helpers/temp-home.js";

/** Starts `sso-cli emulator` as a user would and collects what it prints. */
function startEmulatorProcess(args: string[], home: string) {
  const child = spawn(process.execPath, [BIN, "emulator", ...args], { env: { PATH: process.env.PATH ?? "", HOME: home, NO_COLOR: "1" } });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
  const url = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL printed: ${stdout} ${stderr}`)), 10_000);
    child.stdout.on("data", () => {
      const m = /listening on (https?:\/\/127\.0\.0\.1:\d+)/.exec(stdout);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
  });
  return { child, url, exited, out: () => stdout, err: () => stderr };
}

const json = { "content-type": "application/json" };

describe("sso-cli emulator (the command)", () => {
  it("a port in use: one line and exit 252 (a bad value, not a usage error); its index page's title says its name once (#18, help and wording)", async () => {
    const { home, cleanup } = await makeTempHome();
    try {
      const first = startEmulatorProcess(["--port", "0"], home);
      const url = await first.url;
      const page = await (await fetch(`${url}/`)).text();
      expect(page).toContain("<title>sso-cli emulator</title>");
      const second = startEmulatorProcess(["--port", new URL(url).port], home);
      expect(await second.exited).toBe(252);
      expect(second.err()).toBe(
        `sso-cli: Port ${new URL(url).port} is already in use.\n  Pick another with --port, or --port 0 for a free one.\n`,
      );
      first.child.kill("SIGTERM");
      await first.exited;
    } finally {
      await cleanup();
    }
  });

  it("prints its URL and the export lines, writes the port file, and stops cleanly on SIGTERM", async () => {
    const { home, cleanup } = await makeTempHome();
    try {
      const portFile = join(home, "port");
      const emu = startEmulatorProcess(["--port", "0", "--port-file", portFile, "--accounts", "4"], home);
      const url = await emu.url;
      expect(emu.out()).toContain(`export AWS_ENDPOINT_URL_SSO=${url}`);
      expect(emu.out()).toContain(`export AWS_ENDPOINT_URL_SSO_OIDC=${url}`);
      expect(emu.out()).toContain(`export AWS_ENDPOINT_URL_STS=${url}`);
      expect(url).toBe(`http://127.0.0.1:${(await readFile(portFile, "utf8")).trim()}`);
      const health = (await (await fetch(`${url}/_admin/health`)).json()) as { status: string };
      expect(health.status).toBe("ok");
      const config = (await (await fetch(`${url}/_admin/config`)).json()) as { accounts: number };
      expect(config.accounts).toBe(4);
      emu.child.kill("SIGTERM");
      expect(await emu.exited).toBe(0);
    } finally {
      await cleanup();
    }
  });

  it("--tls serves HTTPS that only its CA (written to --ca-file) vouches for", async () => {
    const { home, cleanup } = await makeTempHome();
    try {
      const caFile = join(home, "ca.pem");
      const emu = startEmulatorProcess(["--port", "0", "--tls", "--ca-file", caFile], home);
      const url = await emu.url;
      expect(url).toMatch(/^https:\/\//);
      expect(emu.out()).toContain(`export AWS_CA_BUNDLE=${caFile}`);
      const ca = await readFile(caFile, "utf8");
      expect(ca).toMatch(/^-----BEGIN CERTIFICATE-----/);
      const health = (ca?: string) =>
        new Promise<number>((resolve, reject) =>
          httpsGet(`${url}/_admin/health`, { ...(ca ? { ca } : {}) }, (res) => resolve(res.resume().statusCode ?? 0)).on("error", reject),
        );
      expect(await health(ca)).toBe(200);
      await expect(health()).rejects.toMatchObject({ code: "SELF_SIGNED_CERT_IN_CHAIN" });
      emu.child.kill("SIGTERM");
      expect(await emu.exited).toBe(0);
    } finally {
      await cleanup();
    }
  });

  it("stops on SIGINT too", async () => {
    const { home, cleanup } = await makeTempHome();
    try {
      const emu = startEmulatorProcess(["--port", "0"], home);
      await emu.url;
      emu.child.kill("SIGINT");
      expect(await emu.exited).toBe(0);
    } finally {
      await cleanup();
    }
  });

  it("logs each request without tokens, keys or query strings", async () => {
    const { home, cleanup } = await makeTempHome();
    try {
      const emu = startEmulatorProcess(["--port", "0", "--inject", "ListAccounts:500:InternalServerException:1"], home);
      const url = await emu.url;
      const post = async (path: string, body: unknown) =>
        (await (await fetch(url + path, { method: "POST", headers: json, body: JSON.stringify(body) })).json()) as Record<string, string>;
      // With the sso:account:access scope, so that a refresh token is issued and checked below.
      const reg = await post("/client/register", { clientName: "t", clientType: "public", scopes: ["sso:account:access"] });
      const dev = await post("/device_authorization", {
        clientId: reg.clientId,
        clientSecret: reg.clientSecret,
        startUrl: "https://d-0000000000.awsapps.com/start",
      });
      const tok = await post("/token", {
        clientId: reg.clientId,
        clientSecret: reg.clientSecret,
        deviceCode: dev.deviceCode,
        grantType: "urn:ietf:params:oauth:grant-type:device_code",
      });
      expect(tok.refreshToken).toMatch(/^aor/);
      const bearer = { "x-amz-sso_bearer_token": tok.accessToken! };
      expect((await fetch(`${url}/assignment/accounts`, { headers: bearer })).status).toBe(500);
      const creds = (await (
        await fetch(`${url}/federation/credentials?account_id=100000000001&role_name=AdministratorAccess`, { headers: bearer })
      ).json()) as {
        roleCredentials: Record<string, string>;
      };
      emu.child.kill("SIGTERM");
      await emu.exited;
      const log = emu.err();
      expect(log).toMatch(/GET \/federation\/credentials 200 GetRoleCredentials/);
      expect(log).toMatch(/GET \/assignment\/accounts 500 ListAccounts InternalServerException/);
      for (const secret of [
        reg.clientSecret,
        dev.deviceCode,
        tok.accessToken,
        tok.refreshToken,
        creds.roleCredentials.secretAccessKey,
        creds.roleCredentials.sessionToken,
        creds.roleCredentials.accessKeyId,
      ]) {
        expect(log).not.toContain(secret!);
      }
      expect(log).not.toContain("account_id=");
    } finally {
      await cleanup();
    }
  });

  it.each([
    [["--port", "abc"], /--port must be an integer/],
    [["--inject", "nonsense"], /--inject nonsense: expected OPERATION:STATUS:ERROR/],
    [["--auto-approve-ms", "-5"], /--auto-approve-ms must be an integer ≥ -1/],
  ])("rejects %j with a usage error", async (args, message) => {
    const { home, cleanup } = await makeTempHome();
    try {
      const emu = startEmulatorProcess(args, home);
      const code = await emu.exited;
      expect(code).toBe(2);
      expect(emu.err()).toMatch(message);
      expect(emu.err()).not.toMatch(/\n\s+at /);
    } finally {
      await cleanup();
    }
  });
});
