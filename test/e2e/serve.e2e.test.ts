import { Exit } from "../../src/errors.js";
import { readFile, stat } from "node:fs/promises";
import { createServer } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startTestEmulator } from "../helpers/emulator.js";
import { runCli } from "../helpers/run-process.js";
import { startServing, stopServers, type ServeProcess } from "../helpers/serve-process.js";
import { makeSessionHome } from "../helpers/session-home.js";

// `sso-cli serve` as a process: where its token shows (nowhere but where asked), what it prints,
// how it ends, the record `status` reads, and its bad input. Another local user against it:
// serve-second-user.e2e.test.ts.

type Emulator = Awaited<ReturnType<typeof startTestEmulator>>;
let emu: Emulator;
let home: string;
let cleanup: () => Promise<void>;
const servers: ServeProcess[] = [];

beforeAll(async () => {
  emu = await startTestEmulator({ accounts: 1, rolesPerAccount: 1, autoApproveMs: 0 });
});
afterAll(async () => {
  await emu.close();
});
beforeEach(async () => {
  ({ home, cleanup } = await makeSessionHome(emu));
  return async () => {
    await stopServers(servers);
    await cleanup();
  };
});

const signIn = async () => {
  const r = await runCli(["login", "--profile", "p"], { home, env: emu.env });
  expect(r.code, r.stderr).toBe(0);
};

async function serving(args: string[] = []): Promise<{ server: ServeProcess; url: string }> {
  const started = await startServing(["serve", "--profile", "p", ...args], { home, env: emu.env });
  servers.push(started.server);
  return started;
}

describe("serve: the token stays secret", () => {
  it("the token is in no argument, and --debug prints none of it; with --token-file not even stdout has it", async () => {
    await signIn();
    const tokenFile = join(home, "token");
    const { server, url } = await serving(["--token-file", tokenFile, "--debug"]);
    const token = (await readFile(tokenFile, "utf8")).trim();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const r = await fetch(url, { headers: { Authorization: token } });
    expect(r.status).toBe(200);
    expect(r.headers.get("cache-control")).toBe("no-store");
    const cmdline = await readFile(`/proc/${server.child.pid}/cmdline`, "utf8");
    expect(cmdline).not.toContain(token);
    server.child.kill("SIGTERM");
    expect(await server.exit).toBe(0);
    expect(server.stdout() + server.stderr()).not.toContain(token);
    expect(server.stdout()).toContain(`export AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=${tokenFile}`);
  });
});

describe("serve: how it runs and ends", () => {
  it("status shows it while it runs; SIGTERM ends it with 0, the token file and the record gone", async () => {
    await signIn();
    const tokenFile = join(home, "token");
    const { server, url } = await serving(["--token-file", tokenFile]);
    const port = new URL(url).port;
    const during = await runCli(["status"], { home, env: emu.env });
    expect(during.stdout).toMatch(
      new RegExp(`^running: sso-cli serve \\(pid ${server.child.pid}\\) for p on 127\\.0\\.0\\.1:${port} since `, "m"),
    );
    const json = JSON.parse((await runCli(["status", "--json"], { home, env: emu.env })).stdout) as {
      running: { command: string; pid: number; profiles: string[] }[];
    };
    expect(json.running).toEqual([expect.objectContaining({ command: "serve", pid: server.child.pid, profiles: ["p"] })]);
    server.child.kill("SIGTERM");
    expect(await server.exit).toBe(0);
    await expect(stat(tokenFile)).rejects.toThrow(/ENOENT/);
    const after = await runCli(["status"], { home, env: emu.env });
    expect(after.stdout).not.toMatch(/running:/);
    await expect(fetch(url)).rejects.toThrow();
  });
});

describe("serve and exec --ecs-server: bad input, one line and a documented exit code", () => {
  it("a port in use: exit 252, as the emulator says it", async () => {
    await signIn();
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const r = await runCli(["serve", "--profile", "p", "--port", String(port)], { home, env: emu.env });
      expect(r.code).toBe(Exit.badValue);
      expect(r.stderr).toBe(
        `sso-cli: Port ${port} on 127.0.0.1 is already in use.\n  Pick another --port, or leave it out for a free one.\n`,
      );
      expect(r.stdout).toBe("");
    } finally {
      blocker.close();
    }
  });

  it.each([
    ["serve", ["serve", "--profile", "p"]],
    ["exec --ecs-server", ["exec", "--ecs-server", "--profile", "p", "--", "true"]],
  ])("%s without a sign-in: exit 253, run: sso-cli login", async (_what, args) => {
    const r = await runCli(args, { home, env: emu.env });
    expect(r.code).toBe(253);
    expect(r.stderr.split("\n")[0]).toMatch(/^sso-cli: No valid sign-in for .*: run: sso-cli login --profile p$/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toBe("");
  });

  it.each([
    ["serve", ["serve", "--profile", "nope"]],
    ["exec --ecs-server", ["exec", "--ecs-server", "--profile", "nope", "--", "true"]],
  ])("%s with a missing profile: exit 253", async (_what, args) => {
    await signIn();
    const r = await runCli(args, { home, env: emu.env });
    expect(r.code).toBe(253);
    expect(r.stderr.split("\n")[0]).toMatch(/^sso-cli: .*nope/);
    expect(r.stdout).toBe("");
  });

  it.each([["0"], ["70000"], ["http"]])("--port %s: exit 2", async (port) => {
    const r = await runCli(["serve", "--profile", "p", "--port", port], { home, env: emu.env });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("sso-cli: --port must be a number from 1 to 65535.\n  Or leave it out for a free port.\n");
  });
});
