import type { Context } from "../../context.js";
import { formatExpiry } from "../../lib/progress.js";
import { login, type LoginInput, type PreparedLogin } from "./login.js";
import { formatUpToDate, loginFailure, writeLoginReport } from "./login-report.entry.js";
import { withTargetPicker } from "../../targets/pick-target.js";

/** `sso-cli login` once its input is known: runs the use case and says how it went. */
export async function runLogin(ctx: Context, input: LoginInput, prepared?: PreparedLogin): Promise<void> {
  // Several sign-ins and none named: on a terminal, the person picks one.
  const r = await withTargetPicker(ctx, input, (i) => login(ctx, i, i === input ? prepared : undefined));
  if (r.upToDate) {
    ctx.stderr.write(formatUpToDate(r));
  } else {
    writeLoginReport(ctx.stderr, r);
    const failure = loginFailure(r);
    if (failure) throw failure;
  }
  if (input.keepFresh) {
    const { keepFresh } = await import("./keep-fresh.js");
    ctx.stderr.write("sso-cli: keeping these keys fresh until Ctrl-C.\n");
    const stopped = await keepFresh(ctx, input);
    ctx.stderr.write(
      `sso-cli: stopped after ${stopped.renewals} renewal${stopped.renewals === 1 ? "" : "s"}${stopped.validUntil ? `; the keys written last until ${formatExpiry(stopped.validUntil)}` : ""}.\n`,
    );
  }
}
