import { resolve } from "node:path";
import type { Context } from "../context.js";
import { readCaBundle } from "../files/ca-bundle.js";
import { findProfileSection, readConfigFile } from "../files/config-file.js";
import { debugLogFor } from "../lib/debug-log.js";
import { readNetworkLimits, readSdkSettings, ServiceNetwork } from "../sso/network.js";

export type NetworkDeps = Pick<Context, "env" | "paths" | "now" | "stderr" | "debug">;

// One ServiceNetwork per command: keyed by the command's Context, so every client of the command
// (several sign-ins, a renewed one) shares its proxy agents and its clock, which warns once.
const networks = new WeakMap<object, Promise<ServiceNetwork>>();

/**
 * The command's network: proxies from its environment, the CA bundle to trust, its timeouts, the
 * service-clock check and the SDK's settings. The CA bundle is AWS_CA_BUNDLE, else `ca_bundle` of
 * the profile in use (`profile`, else AWS_PROFILE, else `default`), as botocore resolves it; the
 * SDK settings (FIPS, dual-stack, app id) likewise. The first call of a command decides; later
 * ones (with or without `profile`) get the same network.
 */
export function networkFor(deps: NetworkDeps, profile?: string): Promise<ServiceNetwork> {
  let network = networks.get(deps);
  if (!network) {
    network = buildNetwork(deps, profile);
    networks.set(deps, network);
  }
  return network;
}

async function buildNetwork(deps: NetworkDeps, profile: string | undefined): Promise<ServiceNetwork> {
  const debug = debugLogFor(deps);
  const limits = readNetworkLimits(deps.env);
  const fromProfile = await profileSettings(deps, profile);
  const caBundle = await findCaBundle(deps, fromProfile);
  const sdk = readSdkSettings(deps.env, fromProfile);
  debug("network", { ...limits, caBundle: caBundle?.source, ...sdk });
  return new ServiceNetwork({
    env: deps.env,
    caBundle,
    sdk,
    limits,
    now: () => deps.now(),
    warn: (line) => void deps.stderr.write(`sso-cli: ${line}\n`),
    debug: deps.debug ? debug : undefined,
  });
}

interface ProfileSettings {
  (key: string): string | undefined;
  profile: string;
}

/** The keys of the profile in use, from one read of the config. */
async function profileSettings(deps: NetworkDeps, profile: string | undefined): Promise<ProfileSettings> {
  const name = profile ?? (deps.env.AWS_PROFILE || "default");
  const doc = await readConfigFile(deps.paths.configFile, { lazy: true, profile: name });
  const section = findProfileSection(doc, name);
  return Object.assign((key: string) => (section !== undefined ? doc.get(section, key) : undefined), { profile: name });
}

async function findCaBundle(deps: NetworkDeps, fromProfile: ProfileSettings): Promise<{ pem: string; source: string } | undefined> {
  const fromEnv = deps.env.AWS_CA_BUNDLE?.trim();
  if (fromEnv) {
    const file = expandHome(fromEnv, deps.paths.home);
    return { pem: await readCaBundle(file, "AWS_CA_BUNDLE"), source: `AWS_CA_BUNDLE (${file})` };
  }
  const configured = fromProfile("ca_bundle")?.trim();
  if (!configured) return undefined;
  const file = expandHome(configured, deps.paths.home);
  const source = `ca_bundle in profile ${fromProfile.profile}`;
  return { pem: await readCaBundle(file, source), source: `${source} (${file})` };
}

function expandHome(path: string, home: string): string {
  return resolve(path === "~" ? home : path.startsWith("~/") ? `${home}/${path.slice(2)}` : path);
}
