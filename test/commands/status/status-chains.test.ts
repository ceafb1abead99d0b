import { describe, expect, it } from "vitest";
import { login } from "../../../src/commands/login/login.js";
import { formatStatusLines } from "../../../src/commands/status/status-command.js";
import { getStatus } from "../../../src/commands/status/status.js";
import { sessionProfileConfig } from "../../helpers/sso-fixtures.js";
import { seedSignIn, useCaseSetups } from "../../helpers/use-case-setup.js";

// Issue 22: status shows each role chain under the sign-in it rests on, hop by hop.

const setUp = useCaseSetups();
const config = (u: string): string =>
  [
    sessionProfileConfig({ startUrl: u, profile: "sso" }),
    "[profile deploy]",
    "role_arn = arn:aws:iam::100000000002:role/Deploy",
    "source_profile = sso",
    "role_session_name = alice",
    "",
    "[profile audit]",
    "role_arn = arn:aws:iam::100000000003:role/Audit",
    "source_profile = deploy",
    "",
  ].join("\n");

describe("status and role chains", () => {
  it("shows the chain and each hop's cached keys; keys login wrote that run out make the next step a refresh", async () => {
    const { ctx, emu } = await setUp({ config });
    await seedSignIn(ctx, emu);
    await login(ctx, { profile: "audit", browser: false, force: false, all: false });
    const r = await getStatus(ctx, { profile: "audit", check: false });
    const audit = r.profiles.find((p) => p.profile === "audit")!;
    expect(audit).toMatchObject({ signIn: "sso-session s", accountId: "100000000003", roleName: "Audit", next: "nothing" });
    expect(audit.chain!.map((h) => [h.profile, h.cacheExpiresAt !== undefined])).toEqual([
      ["deploy", true],
      ["audit", true],
    ]);
    expect(formatStatusLines(r)).toContain("; chain sso-session s → deploy (cached until ");
    ctx.advance(50 * 60_000);
    const later = await getStatus(ctx, { profile: "audit", check: false });
    expect(later.profiles.find((p) => p.profile === "audit")!.next).toBe("refresh");
    expect(later.ok).toBe(false);
  });

  it("status of everything lists every chain on the sign-ins, with no keys yet", async () => {
    const { ctx, emu } = await setUp({ config });
    await seedSignIn(ctx, emu);
    const r = await getStatus(ctx, { check: false });
    expect(r.profiles.map((p) => [p.profile, p.chain?.length ?? 0])).toEqual([
      ["sso", 0],
      ["deploy", 1],
      ["audit", 2],
    ]);
  });
});
