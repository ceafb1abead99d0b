import { describeExitCodes } from "../../errors.js";
import type { LoginInput } from "./login-plan.entry.js";
import { stringValue, type CommandGrammar, type ParsedArgs } from "../../cli/flag-table.entry.js";
import { ALL_FLAG, FORCE_FLAG, PROFILE_FLAG, SIGN_IN_FLAGS, SSO_SESSION_FLAG, flag, signInChoice } from "../../cli/shared-flags.entry.js";
import { expandStartUrl } from "../../lib/start-url.js";

/** `sso-cli login`'s grammar: commander's options and the entry's hot parser both come from here. */
export const LOGIN_GRAMMAR: CommandGrammar = {
  path: ["login"],
  description: "Sign in to IAM Identity Center and write short-lived keys for its profiles into the credentials file",
  args: [
    { name: "start-url", description: "portal start URL, e.g. https://d-1234567890.awsapps.com/start" },
    { name: "region", description: "region of the Identity Center instance (sso_region)" },
  ],
  flags: [
    flag(PROFILE_FLAG, "only this profile (and its sign-in)"),
    flag(SSO_SESSION_FLAG, "this sso-session and all its profiles"),
    flag(ALL_FLAG, "every sso-session and start URL in the config file"),
    ...SIGN_IN_FLAGS,
    flag(FORCE_FLAG, "sign in again and renew keys even if they are still valid"),
    {
      flag: "--keep-fresh",
      key: "keepFresh",
      description: "keep running and renew the keys written before they expire, until Ctrl-C or SIGTERM",
    },
  ],
  // A getter: the text is built when help is shown, not at every start of the entry.
  get help() {
    return `
Without arguments, signs in for AWS_PROFILE, else for the only sign-in in the config file; with
several, the error names them (on a terminal, a picker offers them: type to search).
With a local browser, the sign-in uses the authorization code flow (the browser brings the
answer back); over SSH, without a display, with BROWSER=none or --no-browser, the device flow.

Examples:
  sso-cli login https://d-1234567890.awsapps.com/start eu-north-1
  sso-cli login --profile dev            # that profile's sign-in; no network if still valid
  sso-cli login --sso-session corp       # one of several sign-ins, by its [sso-session corp]
  sso-cli login --all                    # every sign-in in ~/.aws/config
  sso-cli login --no-browser --use-pkce  # browser on another machine: paste back its address
  sso-cli login --keep-fresh --profile dev   # for tools that read only ~/.aws/credentials

--keep-fresh renews the keys it wrote before fewer than 15 minutes remain (short-lived keys at
about half their remaining life, at most once a minute), one locked write for all profiles due,
one line per renewal. It ends with 253 when the sign-in can no longer be renewed without a
browser, and with 0 on Ctrl-C or SIGTERM, the file whole. docs/ has a systemd user unit and a
launchd agent that run it.

${describeExitCodes(["ok", "partial", "usage", "denied", "interrupted", "badValue", "config", "service", "internal"])}`;
  },
};

export function toLoginInput(p: ParsedArgs): LoginInput {
  const { browser, flow } = signInChoice(p.values);
  const input: LoginInput = { browser, force: p.values.force === true, all: p.values.all === true };
  const [startUrl, region] = p.positionals;
  if (startUrl !== undefined) input.startUrl = expandStartUrl(startUrl);
  if (region !== undefined) input.region = region;
  const profile = stringValue(p.values, "profile");
  const ssoSession = stringValue(p.values, "ssoSession");
  if (profile !== undefined) input.profile = profile;
  if (ssoSession !== undefined) input.ssoSession = ssoSession;
  if (flow !== undefined) input.flow = flow;
  if (p.values.keepFresh === true) input.keepFresh = true;
  return input;
}
