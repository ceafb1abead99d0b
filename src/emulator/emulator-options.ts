/** Every knob of the emulator. All but `port` can be changed at run time (POST /_admin/config). */
export interface EmulatorOptions {
  region: string;
  startUrl: string;
  accounts: number;
  rolesPerAccount: number;
  accountNames?: string[] | undefined;
  roleNames?: string[] | undefined;
  user: string;
  forbid: string[];
  /** Sign-ins approve themselves this many ms after they start; -1 = only a person or the admin API. */
  autoApproveMs: number;
  latencyMs: number;
  /** Requests per second per operation before TooManyRequests; 0 = no throttling. */
  throttleRps: number;
  throttleBurst?: number | undefined;
  tokenTtlS: number;
  roleTtlS: number;
  deviceTtlS: number;
  intervalS: number;
  refresh: boolean;
  pageSize: number;
  /** The emulator's clock runs this far ahead of the machine's (negative: behind). */
  clockSkewS: number;
  /** Per-request log lines on the log stream. */
  quiet: boolean;
}

export const DEFAULT_EMULATOR_OPTIONS: EmulatorOptions = {
  region: "us-east-1",
  startUrl: "https://d-0000000000.awsapps.com/start",
  accounts: 3,
  rolesPerAccount: 2,
  user: "alice@example.com",
  forbid: [],
  autoApproveMs: 0,
  latencyMs: 0,
  throttleRps: 0,
  tokenTtlS: 8 * 3600,
  roleTtlS: 3600,
  deviceTtlS: 600,
  intervalS: 1,
  refresh: true,
  pageSize: 20,
  clockSkewS: 0,
  quiet: true,
};

type Kind = "int" | "number" | "bool" | "string" | "list";
const KNOBS: Record<Exclude<keyof EmulatorOptions, never>, { kind: Kind; min?: number }> = {
  region: { kind: "string" },
  startUrl: { kind: "string" },
  accounts: { kind: "int", min: 1 },
  rolesPerAccount: { kind: "int", min: 1 },
  accountNames: { kind: "list" },
  roleNames: { kind: "list" },
  user: { kind: "string" },
  forbid: { kind: "list" },
  autoApproveMs: { kind: "int", min: -1 },
  latencyMs: { kind: "int", min: 0 },
  throttleRps: { kind: "number", min: 0 },
  throttleBurst: { kind: "int", min: 1 },
  tokenTtlS: { kind: "int", min: 1 },
  roleTtlS: { kind: "int", min: 1 },
  deviceTtlS: { kind: "int", min: 1 },
  intervalS: { kind: "int", min: 1 },
  refresh: { kind: "bool" },
  pageSize: { kind: "int", min: 1 },
  clockSkewS: { kind: "number" },
  quiet: { kind: "bool" },
};

/** Knob names as flags spell them (`--token-ttl` → tokenTtl) are accepted too. */
const ALIASES: Record<string, keyof EmulatorOptions> = {
  tokenTtl: "tokenTtlS",
  roleTtl: "roleTtlS",
  deviceTtl: "deviceTtlS",
  interval: "intervalS",
  clockSkew: "clockSkewS",
  noRefresh: "refresh",
};

function camel(name: string): string {
  return name.replace(/^-+/, "").replace(/[-_]([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** Validates a partial update of knobs; returns the changes or a message naming the bad knob. */
export function parseKnobs(input: Record<string, unknown>): { ok: true; changes: Partial<EmulatorOptions> } | { ok: false; message: string } {
  const changes: Record<string, unknown> = {};
  for (const [rawName, rawValue] of Object.entries(input)) {
    let name = camel(rawName);
    let value = rawValue;
    if (name === "noRefresh") value = !(value === true || value === "true");
    if (name in ALIASES) name = ALIASES[name]!;
    if (!(name in KNOBS)) return { ok: false, message: `unknown knob "${rawName}"` };
    const spec = KNOBS[name as keyof EmulatorOptions];
    switch (spec.kind) {
      case "int":
      case "number": {
        const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
        if (typeof n !== "number" || !Number.isFinite(n) || (spec.kind === "int" && !Number.isInteger(n))) {
          return { ok: false, message: `${rawName} must be ${spec.kind === "int" ? "an integer" : "a number"}` };
        }
        if (spec.min !== undefined && n < spec.min) return { ok: false, message: `${rawName} must be ≥ ${spec.min}` };
        changes[name] = n;
        break;
      }
      case "bool":
        if (typeof value !== "boolean" && value !== "true" && value !== "false") return { ok: false, message: `${rawName} must be true or false` };
        changes[name] = value === true || value === "true";
        break;
      case "string":
        if (typeof value !== "string" || value === "") return { ok: false, message: `${rawName} must be a non-empty string` };
        changes[name] = value;
        break;
      case "list":
        if (typeof value === "string") changes[name] = value.split(",").map((s) => s.trim()).filter(Boolean);
        else if (Array.isArray(value) && value.every((v) => typeof v === "string")) changes[name] = value;
        else return { ok: false, message: `${rawName} must be a list of strings` };
        break;
    }
  }
  return { ok: true, changes: changes as Partial<EmulatorOptions> };
}
