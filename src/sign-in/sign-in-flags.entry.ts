import type { SignInFlow } from "./cached-sign-in.entry.js";
import type { FlagSpec, ParsedArgs } from "../cli/flag-table.entry.js";

/** How a command that may sign in does it: the same three flags on login and both configure commands. */
export const SIGN_IN_FLAGS: readonly FlagSpec[] = [
  { flag: "--no-browser", key: "browser", negates: true, description: "print the sign-in link instead of opening a browser" },
  { flag: "--use-device-code", key: "useDeviceCode", conflicts: ["usePkce"], description: "sign in with a link and code that work on any device (the default without a local browser)" },
  { flag: "--use-pkce", key: "usePkce", conflicts: ["useDeviceCode"], description: "sign in with the authorization code flow; with --no-browser, paste back the address the browser ends on" },
];

/** What SIGN_IN_FLAGS ask for: whether to open a browser, and the flow if one was chosen. */
export function signInChoice(values: ParsedArgs["values"]): { browser: boolean; flow: SignInFlow | undefined } {
  return { browser: values.browser !== false, flow: values.useDeviceCode === true ? "device" : values.usePkce === true ? "pkce" : undefined };
}
