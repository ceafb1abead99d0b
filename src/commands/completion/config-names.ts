import type { Context } from "../../context.js";
import { listProfiles, listSsoSessions, readConfigFile } from "../../files/config-file.js";

/** Profile or sso-session names of the config file, in file order (for shell completion). Reads only. */
export async function listConfigNames(deps: Pick<Context, "paths">, kind: "profiles" | "sso-sessions"): Promise<string[]> {
  const doc = await readConfigFile(deps.paths.configFile);
  return kind === "profiles" ? listProfiles(doc) : listSsoSessions(doc);
}
