import { UsageError } from "../errors.js";

/**
 * Every setting of the emulator, once. Each entry gives the flag as typed, its value's type,
 * default and bounds, a description, and whether POST /_admin/config may change it while the
 * emulator runs (`runtime`). Built from this table: the `sso-cli emulator` flags (commands/emulator/emulator-command.ts),
 * the checks of POST /_admin/config (parseKnobs), the settings a running emulator holds
 * (EmulatorSettings) and the README's flag table (`npm run docs:emulator`).
 *
 * This module is loaded with the command tree, before anyone asks for the emulator: it imports
 * nothing heavy.
 */

interface SpecBase {
  /** The flag as typed. A boolean that is on by default is spelled `--no-…`; its value is the positive. */
  flag: `--${string}`;
  /** The value's placeholder in --help (`<s>`); booleans take none. */
  arg?: `<${string}>`;
  /** One line for --help. */
  description: string;
  /** More for the README, where there is room. */
  more?: string;
  /** POST /_admin/config may change it while the emulator runs. */
  runtime: boolean;
  /** Other names POST /_admin/config accepts, besides the setting's own and its flag's. */
  aliases?: readonly string[];
  /** How to show a default that is computed rather than fixed. */
  defaultText?: string;
}
export interface IntSpec extends SpecBase {
  kind: "int";
  min?: number;
  max?: number;
  default?: number;
}
export interface NumberSpec extends SpecBase {
  kind: "number";
  min?: number;
  max?: number;
  default?: number;
}
export interface StringSpec extends SpecBase {
  kind: "string";
  default?: string;
}
export interface ListSpec extends SpecBase {
  kind: "list";
  /** On the command line: one flag with commas (`a,b`), or one value per flag, repeated. */
  form: "comma" | "repeat";
  default?: readonly string[];
  /** What each item must look like, when not any text, and how the error messages name it. */
  item?: { pattern: RegExp; name: string };
}
export interface BoolSpec extends SpecBase {
  kind: "bool";
  default: boolean;
}
export type SettingSpec = IntSpec | NumberSpec | StringSpec | ListSpec | BoolSpec;

/** An IAM role name (IAM User Guide, IAM quotas: 64 characters of letters, digits and +=,.@_-). */
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
/** ROLE:ID, ID as the STS model's externalIdType (2–1224 of letters, digits and +=,.@:/_-). */
const ROLE_EXTERNAL_ID = /^[\w+=,.@-]{1,64}:[\w+=,.@:/-]{2,1224}$/;

/** setTimeout's longest delay; a longer one fires at once (Node warns TimeoutOverflowWarning). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** In the order --help and the README list them. */
export const EMULATOR_SETTINGS = {
  port: {
    kind: "int",
    flag: "--port",
    arg: "<n>",
    min: 0,
    max: 65535,
    default: 0,
    runtime: false,
    description: "port to listen on (0 picks a free one)",
  },
  portFile: {
    kind: "string",
    flag: "--port-file",
    arg: "<file>",
    runtime: false,
    description: "write the chosen port to this file once listening",
  },
  region: {
    kind: "string",
    flag: "--region",
    arg: "<region>",
    default: "us-east-1",
    runtime: true,
    description: "region the emulator pretends to be",
  },
  startUrl: {
    kind: "string",
    flag: "--start-url",
    arg: "<url>",
    default: "https://d-0000000000.awsapps.com/start",
    runtime: true,
    description: "start URL of the emulated instance",
  },
  accounts: {
    kind: "int",
    flag: "--accounts",
    arg: "<n>",
    min: 1,
    default: 3,
    runtime: true,
    description: "number of accounts",
    more: "ids `100000000001`, `100000000002`, …; 5,000 accounts × 10 roles cost nothing until listed",
  },
  rolesPerAccount: {
    kind: "int",
    flag: "--roles-per-account",
    arg: "<n>",
    min: 1,
    default: 2,
    runtime: true,
    description: "roles in each account",
  },
  accountNames: {
    kind: "list",
    form: "comma",
    flag: "--account-names",
    arg: "<names>",
    runtime: true,
    defaultText: "account-1, account-2, …",
    description: "comma-separated account names (in order)",
  },
  roleNames: {
    kind: "list",
    form: "comma",
    flag: "--role-names",
    arg: "<names>",
    runtime: true,
    defaultText: "AdministratorAccess, ReadOnlyAccess, …",
    description: "comma-separated role names (in order)",
  },
  user: {
    kind: "string",
    flag: "--user",
    arg: "<name>",
    default: "alice@example.com",
    runtime: true,
    description: "the signed-in user's name",
  },
  forbid: {
    kind: "list",
    form: "repeat",
    flag: "--forbid",
    arg: "<account:role>",
    default: [],
    runtime: true,
    description: "list this role but refuse its credentials (403); repeatable",
    item: { pattern: /^\d{12}:([\w+=,.@-]{1,64}|\*)$/, name: "ACCOUNT:ROLE items (12-digit account id; ROLE or *)" },
    more: "`ACCOUNT:*` forbids a whole account",
  },
  assumableRoles: {
    kind: "list",
    form: "comma",
    flag: "--assumable-roles",
    arg: "<names>",
    runtime: true,
    defaultText: "any name",
    item: { pattern: ROLE_NAME, name: "IAM role names" },
    description: "the only role names STS AssumeRole grants; any other is AccessDenied",
    more: "the role ARN's account must be one of the emulator's either way; an empty list is any name",
  },
  externalIds: {
    kind: "list",
    form: "repeat",
    flag: "--external-id",
    arg: "<role:id>",
    default: [],
    runtime: true,
    item: { pattern: ROLE_EXTERNAL_ID, name: "ROLE:EXTERNAL_ID items" },
    description: "AssumeRole of role ROLE needs ExternalId ID, else AccessDenied; repeatable",
    more: "in every account; a role without one accepts any or none",
  },
  stsDisabledRegions: {
    kind: "list",
    form: "comma",
    flag: "--sts-disabled-regions",
    arg: "<regions>",
    default: [],
    runtime: true,
    item: { pattern: /^[a-z0-9-]{1,64}$/, name: "region names" },
    description: "AssumeRole signed for these regions answers RegionDisabledException (403)",
  },
  autoApproveMs: {
    kind: "int",
    flag: "--auto-approve-ms",
    arg: "<ms>",
    min: -1,
    default: 0,
    runtime: true,
    description: "approve sign-ins by itself after this many ms (-1 = never)",
    more: "-1: only a person at the sign-in page or `POST /_admin/approve` decides",
  },
  latencyMs: {
    kind: "int",
    flag: "--latency-ms",
    arg: "<ms>",
    min: 0,
    max: MAX_TIMER_MS,
    default: 0,
    runtime: true,
    description: "delay every answer",
  },
  throttleRps: {
    kind: "number",
    flag: "--throttle-rps",
    arg: "<n>",
    min: 0,
    default: 0,
    runtime: true,
    description: "requests per second per operation before 429 (0 = off)",
  },
  throttleBurst: {
    kind: "int",
    flag: "--throttle-burst",
    arg: "<n>",
    min: 1,
    runtime: true,
    defaultText: "rps rounded up",
    description: "token-bucket burst size",
  },
  tokenTtlS: {
    kind: "int",
    flag: "--token-ttl",
    arg: "<s>",
    min: 1,
    default: 8 * 3600,
    runtime: true,
    description: "access token lifetime, seconds",
  },
  roleTtlS: {
    kind: "int",
    flag: "--role-ttl",
    arg: "<s>",
    min: 1,
    default: 3600,
    runtime: true,
    description: "role credential lifetime, seconds",
  },
  deviceTtlS: {
    kind: "int",
    flag: "--device-ttl",
    arg: "<s>",
    min: 1,
    default: 600,
    runtime: true,
    description: "device code lifetime, seconds",
  },
  intervalS: {
    kind: "int",
    flag: "--interval",
    arg: "<s>",
    min: 1,
    default: 1,
    runtime: true,
    description: "device polling interval, seconds",
  },
  refresh: { kind: "bool", flag: "--no-refresh", default: true, runtime: true, description: "issue no refresh tokens" },
  pageSize: {
    kind: "int",
    flag: "--page-size",
    arg: "<n>",
    min: 1,
    default: 20,
    runtime: true,
    description: "server page size for list operations",
  },
  clockSkewS: {
    kind: "number",
    flag: "--clock-skew-s",
    arg: "<s>",
    default: 0,
    runtime: true,
    aliases: ["clockSkew"],
    description: "the emulator's clock runs this many seconds ahead",
    more: "negative: behind",
  },
  inject: {
    kind: "list",
    form: "repeat",
    flag: "--inject",
    arg: "<op:status:error:count>",
    default: [],
    runtime: false,
    description: "fail the next COUNT calls of OP (e.g. GetRoleCredentials:500:InternalServerException:2); repeatable",
    more: "`timeout` and `reset` fail the connection; while running: `POST /_admin/inject`",
  },
  awsDataPath: {
    kind: "string",
    flag: "--aws-data-path",
    arg: "<dir>",
    runtime: false,
    description: "write endpoint rule sets here that point the AWS CLI v2 < 2.13 (which ignores AWS_ENDPOINT_URL_*) at the emulator",
    more: "then `export AWS_DATA_PATH=DIR`",
  },
  tls: {
    kind: "bool",
    flag: "--tls",
    default: false,
    runtime: false,
    description: "serve HTTPS with a certificate signed by a CA made at start-up",
    more: "for testing proxies and `AWS_CA_BUNDLE`; clients trust it only through `--ca-file`",
  },
  caFile: {
    kind: "string",
    flag: "--ca-file",
    arg: "<file>",
    runtime: false,
    description: "with --tls: write the CA certificate (PEM) here, for AWS_CA_BUNDLE",
  },
  quiet: { kind: "bool", flag: "--quiet", default: false, runtime: true, description: "log nothing per request" },
} as const satisfies Record<string, SettingSpec>;

type Table = typeof EMULATOR_SETTINGS;
export type SettingName = keyof Table;
type ValueOf<S extends SettingSpec> = S["kind"] extends "int" | "number"
  ? number
  : S["kind"] extends "bool"
    ? boolean
    : S["kind"] extends "string"
      ? string
      : string[];
type Resolved<S extends SettingSpec> = S extends { default: unknown } ? ValueOf<S> : ValueOf<S> | undefined;

/** Everything `sso-cli emulator` was started with, defaults filled in. */
export type EmulatorFlags = { -readonly [K in SettingName]: Resolved<Table[K]> };
/** The names POST /_admin/config may change. */
export type RuntimeSettingName = { [K in SettingName]: Table[K]["runtime"] extends true ? K : never }[SettingName];
/** What a running emulator holds and GET /_admin/config shows. */
export type EmulatorSettings = Pick<EmulatorFlags, RuntimeSettingName>;

const NAMES = Object.keys(EMULATOR_SETTINGS) as SettingName[];
const spec = (name: SettingName): SettingSpec => EMULATOR_SETTINGS[name];

/** `--token-ttl` → `tokenTtl`, `no-refresh` → `noRefresh`, `token_ttl` → `tokenTtl`. */
function camelCase(name: string): string {
  return name.replace(/^-+/, "").replace(/[-_]([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** The key commander stores a flag's value under: `--clock-skew-s` → clockSkewS, `--no-refresh` → refresh. */
export function flagKey(s: SettingSpec): string {
  return camelCase(s.flag.replace(/^--no-/, "--"));
}

function defaultOf(name: SettingName): EmulatorFlags[SettingName] {
  const d = spec(name).default;
  return Array.isArray(d) ? [...(d as readonly string[])] : (d as EmulatorFlags[SettingName]);
}

function pick<K extends SettingName>(names: readonly K[], value: (name: K) => unknown): Pick<EmulatorFlags, K> {
  // The one place a value leaves the table's loose type: each came from parseValue for its own spec.
  return Object.fromEntries(names.map((n) => [n, value(n)])) as Pick<EmulatorFlags, K>;
}

export const RUNTIME_SETTING_NAMES = NAMES.filter((n): n is RuntimeSettingName => spec(n).runtime);

export const DEFAULT_EMULATOR_SETTINGS: Readonly<EmulatorSettings> = Object.freeze(pick(RUNTIME_SETTING_NAMES, defaultOf));

type Parsed = { ok: true; value: number | boolean | string | string[] } | { ok: false; message: string };

/** "an integer ≥ 1", "a number", …: what a value must be, as the error messages say it. */
export function describeValues(s: SettingSpec): string {
  switch (s.kind) {
    case "int":
    case "number": {
      const what = s.kind === "int" ? "an integer" : "a number";
      if (s.min !== undefined && s.max !== undefined) return `${what} ≥ ${s.min} and ≤ ${s.max}`;
      if (s.min !== undefined) return `${what} ≥ ${s.min}`;
      if (s.max !== undefined) return `${what} ≤ ${s.max}`;
      return what;
    }
    case "bool":
      return "true or false";
    case "string":
      return "a non-empty string";
    case "list":
      return `a list of ${s.item?.name ?? "strings"}`;
  }
}

/** Checks one value against its spec. Text is accepted for every kind (flags and hand-written JSON carry text). */
export function parseValue(s: SettingSpec, value: unknown, label: string): Parsed {
  const fail: Parsed = { ok: false, message: `${label} must be ${describeValues(s)}` };
  switch (s.kind) {
    case "int":
    case "number": {
      const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
      if (typeof n !== "number" || !Number.isFinite(n) || (s.kind === "int" && !Number.isInteger(n))) return fail;
      if ((s.min !== undefined && n < s.min) || (s.max !== undefined && n > s.max)) return fail;
      return { ok: true, value: n };
    }
    case "bool":
      if (typeof value === "boolean") return { ok: true, value };
      if (value === "true" || value === "false") return { ok: true, value: value === "true" };
      return fail;
    case "string":
      return typeof value === "string" && value.trim() !== "" ? { ok: true, value } : fail;
    case "list": {
      const items =
        typeof value === "string"
          ? splitList(value)
          : Array.isArray(value) && value.every((v) => typeof v === "string")
            ? [...value]
            : undefined;
      if (items === undefined) return fail;
      const bad = s.item === undefined ? undefined : items.find((v) => !s.item?.pattern.test(v));
      return bad === undefined
        ? { ok: true, value: items }
        : { ok: false, message: `${label} must be ${describeValues(s)}, not "${bad.slice(0, 100)}"` };
    }
  }
}

const splitList = (text: string): string[] =>
  text
    .split(",")
    .map((v) => v.trim())
    .filter(Boolean);

/**
 * One occurrence of a flag on the command line (commander's argParser). A list adds to what the
 * earlier occurrences gave: `--account-names a,b` splits on commas, while one `--forbid` or
 * `--inject` is one item.
 */
export function parseFlagValue(s: SettingSpec, text: string, previous: unknown): Parsed {
  if (s.kind !== "list") return parseValue(s, text, s.flag);
  const before = Array.isArray(previous) ? previous.filter((v): v is string => typeof v === "string") : [];
  const added = parseValue(s, s.form === "repeat" ? [text.trim()].filter(Boolean) : splitList(text), s.flag);
  return added.ok && Array.isArray(added.value) ? { ok: true, value: [...before, ...added.value] } : added;
}

/**
 * The flags commander parsed (keyed as commander keys them), checked again and typed, defaults
 * filled in. A value commander let through that the table refuses is a usage error naming the flag.
 */
export function readEmulatorFlags(parsed: Record<string, unknown>): EmulatorFlags {
  return pick(NAMES, (name) => {
    const s = spec(name);
    const raw = parsed[flagKey(s)];
    if (raw === undefined) return defaultOf(name);
    const r = parseValue(s, raw, s.flag);
    if (!r.ok) throw new UsageError(`${r.message}.`);
    return r.value;
  });
}

interface Lookup {
  name: SettingName;
  /** The name was the negative flag (`noRefresh`): the value means the opposite. */
  negated: boolean;
}

const LOOKUP: ReadonlyMap<string, Lookup> = new Map(
  NAMES.flatMap((name): [string, Lookup][] => {
    const s = spec(name);
    return [
      [name, { name, negated: false }],
      [flagKey(s), { name, negated: false }],
      [camelCase(s.flag), { name, negated: s.flag.startsWith("--no-") }],
      ...(s.aliases ?? []).map((a): [string, Lookup] => [a, { name, negated: false }]),
    ];
  }),
);

/**
 * Checks a partial update for POST /_admin/config. Knobs are named as settings (`tokenTtlS`), as
 * flags (`token-ttl`, `tokenTtl`, `--no-refresh`) or by an alias; the answer names the first bad one.
 */
export function parseKnobs(
  input: Record<string, unknown>,
): { ok: true; changes: Partial<EmulatorSettings> } | { ok: false; message: string } {
  const changes = new Map<RuntimeSettingName, unknown>();
  for (const [rawName, rawValue] of Object.entries(input)) {
    const found = LOOKUP.get(camelCase(rawName));
    if (!found) return { ok: false, message: `unknown knob "${rawName}"` };
    const s = spec(found.name);
    if (!s.runtime) return { ok: false, message: `${rawName} is fixed when the emulator starts (${s.flag})` };
    const r = parseValue(s, rawValue, rawName);
    if (!r.ok) return r;
    changes.set(found.name as RuntimeSettingName, found.negated ? !r.value : r.value);
  }
  return { ok: true, changes: pick([...changes.keys()], (n) => changes.get(n)) };
}
