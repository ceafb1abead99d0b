import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { runLogin } from "../../../src/commands/login/login-run.js";
import { LoginRequiredError } from "../../../src/errors.js";
import { seedSignIn, useCaseSetups, type UseCaseSetup } from "../../helpers/use-case-setup.js";
import { sessionProfileConfig } from "../../helpers/sso-fixtures.js";

const setUp = useCaseSetups();

const input = { browser: false, force: false, profile: "p", keepFresh: true };

/** The keys the credentials file holds for profile p now, and when the ledger says they expire. */
async function fileKeys(
  s: UseCaseSetup,
): Promise<{ accessKeyId: string; secretAccessKey: string; sessionToken: string; expiresAt: number }> {
  const text = await readFile(s.ctx.paths.credentialsFile, "utf8");
  const get = (k: string) => new RegExp(`^${k} = (.+)$`, "m").exec(text)![1]!;
  const ledger = JSON.parse(await readFile(`${s.ctx.paths.home}/.aws/sso-cli/credentials-ledger.json`, "utf8")) as {
    files: Record<string, Record<string, { expiresAt: string }>>;
  };
  const entry = Object.values(ledger.files)[0]!.p!;
  return {
    accessKeyId: get("aws_access_key_id"),
    secretAccessKey: get("aws_secret_access_key"),
    sessionToken: get("aws_session_token"),
    expiresAt: Date.parse(entry.expiresAt),
  };
}

/**
 * Runs keep-fresh on the fake clock; at every wake-up (the moment keys are oldest) checks the file,
 * and stops it (as Ctrl-C would) once `forMs` have passed.
 */
async function keepFreshFor(s: UseCaseSetup, forMs: number, check: (left: number) => Promise<void>): Promise<void> {
  const { ctx } = s;
  const start = ctx.now().getTime();
  const sleep = ctx.sleep;
  let checking = false;
  ctx.sleep = async (ms, signal) => {
    await sleep(ms, signal);
    if (!checking && ctx.now().getTime() > start + 2_000) {
      checking = true;
      const k = await fileKeys(s);
      await check(k.expiresAt - ctx.now().getTime());
      checking = false;
    }
    if (ctx.now().getTime() - start >= forMs) ctx.interrupt();
  };
  await runLogin(ctx, input);
}

describe("login --keep-fresh", () => {
  it("with 120-second keys, over 150 s the file always holds keys with more than 20 s left that STS accepts, in at most 8 GetRoleCredentials calls", async () => {
    const s = await setUp({ config: (u) => sessionProfileConfig({ startUrl: u }), knobs: { roleTtlS: 120 } });
    await seedSignIn(s.ctx, s.emu, { refreshable: true });
    let checks = 0;
    await keepFreshFor(s, 150_000, async (left) => {
      checks += 1;
      expect(left).toBeGreaterThan(20_000);
      const k = await fileKeys(s);
      const sts = new STSClient({ region: "us-east-1", endpoint: s.emu.url, credentials: k, maxAttempts: 1 });
      const id = await sts.send(new GetCallerIdentityCommand({}));
      sts.destroy();
      expect(id.Account).toBe("100000000001");
    });
    expect(checks).toBeGreaterThanOrEqual(2);
    const calls = s.emu.state.stats.operations.GetRoleCredentials?.calls ?? 0;
    expect(calls).toBeGreaterThanOrEqual(3);
    expect(calls).toBeLessThanOrEqual(8);
    const err = s.ctx.stderrText();
    expect(err.match(/^sso-cli: renewed profile p: keys valid until \d{4}-\d\d-\d\d \d\d:\d\d UTC\.$/gm)?.length).toBe(calls - 1);
    expect(err).toMatch(/sso-cli: stopped after \d+ renewals; the keys written last until .* UTC\.\n$/);
  });

  it("hour-long keys are renewed once, when 15 minutes are left", async () => {
    const s = await setUp({ config: (u) => sessionProfileConfig({ startUrl: u }) });
    await seedSignIn(s.ctx, s.emu, { refreshable: true });
    await keepFreshFor(s, 50 * 60_000, async (left) => {
      expect(left).toBeGreaterThan(14 * 60_000);
    });
    expect(s.emu.state.stats.operations.GetRoleCredentials?.calls, s.ctx.stderrText()).toBe(2);
  });

  it("ends with LoginRequiredError (exit 253) when the sign-in can no longer be renewed without a browser, the file whole", async () => {
    const s = await setUp({ config: (u) => sessionProfileConfig({ startUrl: u }), knobs: { roleTtlS: 3600 } });
    await seedSignIn(s.ctx, s.emu, { expiresInMs: 30 * 60_000 });
    const run = runLogin(s.ctx, input);
    await expect(run).rejects.toBeInstanceOf(LoginRequiredError);
    await expect(run).rejects.toThrow(/run: sso-cli login --keep-fresh --profile p$/);
    const k = await fileKeys(s);
    expect(k.accessKeyId).toMatch(/^ASIA/);
    expect((await readFile(s.ctx.paths.credentialsFile, "utf8")).split("\n").filter((l) => l.startsWith("aws_"))).toHaveLength(3);
  });

  it("SIGTERM while a renewal is under way: the renewal and its write finish, then it stops with the file whole", async () => {
    const s = await setUp({ config: (u) => sessionProfileConfig({ startUrl: u }), knobs: { roleTtlS: 120 } });
    await seedSignIn(s.ctx, s.emu, { refreshable: true });
    const { ctx } = s;
    const sleep = ctx.sleep;
    let heldAtSigterm: string | undefined;
    ctx.sleep = async (ms, signal) => {
      await sleep(ms, signal);
      // The first wake-up renews: the service now answers slowly, and SIGTERM comes mid-call.
      if (heldAtSigterm === undefined && ms >= 30_000) {
        heldAtSigterm = (await fileKeys(s)).accessKeyId;
        s.emu.state.options.latencyMs = 300;
        setTimeout(() => ctx.interrupt(), 100);
      }
    };
    await runLogin(ctx, input);
    const after = await readFile(ctx.paths.credentialsFile, "utf8");
    expect(after.match(/^aws_access_key_id = /gm)).toHaveLength(1);
    const k = await fileKeys(s);
    expect(k.accessKeyId).not.toBe(heldAtSigterm);
    expect(s.emu.state.roleCredentials.has(k.accessKeyId)).toBe(true);
    expect(ctx.stderrText()).toMatch(
      /sso-cli: renewed profile p: .*\nsso-cli: stopped after 1 renewal; the keys written last until .* UTC\.\n$/,
    );
    expect(s.emu.state.stats.operations.GetRoleCredentials?.calls).toBe(2);
  });
});
