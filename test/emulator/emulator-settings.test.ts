import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import {
  DEFAULT_EMULATOR_SETTINGS,
  EMULATOR_SETTINGS,
  flagKey,
  parseFlagValue,
  parseKnobs,
  readEmulatorFlags,
  type SettingSpec,
} from "../../src/emulator/emulator-settings.js";
import { UsageError } from "../../src/errors.js";
import { withFlagTable } from "../../scripts/emulator-flag-table.js";

const SPECS = Object.entries(EMULATOR_SETTINGS) as [string, SettingSpec][];

describe("the emulator's settings table", () => {
  it("gives a running emulator these defaults", () => {
    expect(DEFAULT_EMULATOR_SETTINGS).toEqual({
      region: "us-east-1",
      startUrl: "https://d-0000000000.awsapps.com/start",
      accounts: 3,
      rolesPerAccount: 2,
      accountNames: undefined,
      roleNames: undefined,
      user: "alice@example.com",
      forbid: [],
      assumableRoles: undefined,
      externalIds: [],
      stsDisabledRegions: [],
      autoApproveMs: 0,
      latencyMs: 0,
      throttleRps: 0,
      throttleBurst: undefined,
      tokenTtlS: 28800,
      roleTtlS: 3600,
      deviceTtlS: 600,
      intervalS: 1,
      refresh: true,
      pageSize: 20,
      clockSkewS: 0,
      quiet: false,
    });
  });

  it("keeps today's flag spellings, each once", () => {
    const flags = SPECS.map(([, s]) => s.flag);
    expect(new Set(flags).size).toBe(flags.length);
    expect(flags).toEqual(
      expect.arrayContaining([
        "--port",
        "--token-ttl",
        "--role-ttl",
        "--device-ttl",
        "--interval",
        "--no-refresh",
        "--clock-skew-s",
        "--auto-approve-ms",
        "--inject",
        "--aws-data-path",
        "--quiet",
      ]),
    );
  });

  it("has a default inside its own bounds for every setting", () => {
    for (const [name, s] of SPECS) {
      if (s.default === undefined) continue;
      expect(parseFlagValue(s, Array.isArray(s.default) ? s.default.join(",") : String(s.default), undefined), name).toMatchObject({
        ok: true,
      });
    }
  });

  it("leaves the port, port file, injections, data path and TLS to start-up", () => {
    expect(SPECS.filter(([, s]) => !s.runtime).map(([name]) => name)).toEqual([
      "port",
      "portFile",
      "inject",
      "awsDataPath",
      "tls",
      "caFile",
    ]);
  });
});

describe("POST /_admin/config (parseKnobs)", () => {
  it("accepts knobs by setting name, by flag name and by alias", () => {
    expect(parseKnobs({ latencyMs: 20, "token-ttl": "60", noRefresh: true })).toEqual({
      ok: true,
      changes: { latencyMs: 20, tokenTtlS: 60, refresh: false },
    });
    expect(parseKnobs({ "--role-ttl": 5, device_ttl: "7", interval: 2, clockSkew: -30, "no-refresh": "false" })).toEqual({
      ok: true,
      changes: { roleTtlS: 5, deviceTtlS: 7, intervalS: 2, clockSkewS: -30, refresh: true },
    });
  });

  it("finds every runtime setting under its own name and its flag's", () => {
    for (const [name, s] of SPECS.filter(([, spec]) => spec.runtime)) {
      const value =
        s.kind === "bool"
          ? true
          : s.kind === "list"
            ? [name === "externalIds" ? "Deploy:ext-1" : name === "forbid" ? "100000000001:a" : "a"]
            : s.kind === "string"
              ? "x"
              : 5;
      const byFlag = s.flag.startsWith("--no-") ? !value : value;
      expect(parseKnobs({ [name]: value }), name).toEqual({ ok: true, changes: { [name]: value } });
      expect(parseKnobs({ [s.flag]: value }), s.flag).toEqual({ ok: true, changes: { [name]: byFlag } });
      expect(parseKnobs({ [flagKey(s)]: value }), flagKey(s)).toEqual({ ok: true, changes: { [name]: value } });
    }
  });

  it("splits a list given as text on commas", () => {
    expect(parseKnobs({ forbid: "100000000001:Admin, 100000000002:*," })).toEqual({
      ok: true,
      changes: { forbid: ["100000000001:Admin", "100000000002:*"] },
    });
    expect(parseKnobs({ forbid: [] })).toEqual({ ok: true, changes: { forbid: [] } });
  });

  it.each([
    [{ bogus: 1 }, 'unknown knob "bogus"'],
    [{ latencyMs: -1 }, "latencyMs must be an integer ≥ 0 and ≤ 2147483647"],
    [{ "latency-ms": 2 ** 31 }, "latency-ms must be an integer ≥ 0 and ≤ 2147483647"],
    [{ accounts: 1.5 }, "accounts must be an integer ≥ 1"],
    [{ accounts: "0" }, "accounts must be an integer ≥ 1"],
    [{ accounts: "" }, "accounts must be an integer ≥ 1"],
    [{ autoApproveMs: -2 }, "autoApproveMs must be an integer ≥ -1"],
    [{ throttleRps: -0.5 }, "throttleRps must be a number ≥ 0"],
    [{ clockSkewS: "soon" }, "clockSkewS must be a number"],
    [{ refresh: "maybe" }, "refresh must be true or false"],
    [{ noRefresh: 1 }, "noRefresh must be true or false"],
    [{ region: "" }, "region must be a non-empty string"],
    [{ forbid: [1] }, "forbid must be a list of ACCOUNT:ROLE items (12-digit account id; ROLE or *)"],
    [{ forbid: ["foo"] }, 'forbid must be a list of ACCOUNT:ROLE items (12-digit account id; ROLE or *), not "foo"'],
    [{ externalIds: ["Deploy"] }, 'externalIds must be a list of ROLE:EXTERNAL_ID items, not "Deploy"'],
    [{ "external-id": "Deploy:x" }, 'external-id must be a list of ROLE:EXTERNAL_ID items, not "Deploy:x"'],
    [{ assumableRoles: "Deploy, team/Deploy" }, 'assumableRoles must be a list of IAM role names, not "team/Deploy"'],
    [{ stsDisabledRegions: ["eu-south-1", "EU West"] }, 'stsDisabledRegions must be a list of region names, not "EU West"'],
    [{ port: 8080 }, "port is fixed when the emulator starts (--port)"],
    [{ inject: "X:500:E" }, "inject is fixed when the emulator starts (--inject)"],
  ])("rejects %j with one line naming the knob", (input, message) => {
    expect(parseKnobs(input)).toEqual({ ok: false, message });
  });

  it("changes nothing when one knob of several is bad", () => {
    expect(parseKnobs({ latencyMs: 5, accounts: 0 })).toEqual({ ok: false, message: "accounts must be an integer ≥ 1" });
  });
});

describe("sso-cli emulator's flags (parseFlagValue, readEmulatorFlags)", () => {
  const { accountNames, forbid, inject, tokenTtlS } = EMULATOR_SETTINGS;

  it("adds up lists: commas split --account-names, one --forbid or --inject is one item", () => {
    expect(parseFlagValue(accountNames, "prod, staging", undefined)).toEqual({ ok: true, value: ["prod", "staging"] });
    expect(parseFlagValue(accountNames, "dev", ["prod"])).toEqual({ ok: true, value: ["prod", "dev"] });
    expect(parseFlagValue(forbid, "100000000001:a,b", ["100000000002:*"])).toEqual({
      ok: true,
      value: ["100000000002:*", "100000000001:a,b"],
    });
    expect(parseFlagValue(inject, "ListAccounts:500:InternalServerException:2", undefined)).toEqual({
      ok: true,
      value: ["ListAccounts:500:InternalServerException:2"],
    });
  });

  it("checks each item of a list that has a form: --external-id ROLE:ID, --assumable-roles role names", () => {
    const { externalIds, assumableRoles } = EMULATOR_SETTINGS;
    expect(parseFlagValue(externalIds, "Deploy:ext-1:a/b", ["Audit:zz"])).toEqual({ ok: true, value: ["Audit:zz", "Deploy:ext-1:a/b"] });
    expect(parseFlagValue(externalIds, "Deploy=ext-1", undefined)).toEqual({
      ok: false,
      message: '--external-id must be a list of ROLE:EXTERNAL_ID items, not "Deploy=ext-1"',
    });
    expect(parseFlagValue(assumableRoles, "Deploy,Audit", undefined)).toEqual({ ok: true, value: ["Deploy", "Audit"] });
    expect(() => readEmulatorFlags({ externalId: ["Deploy"] })).toThrow(
      new UsageError('--external-id must be a list of ROLE:EXTERNAL_ID items, not "Deploy".'),
    );
  });

  it("names the flag when a value is out of bounds", () => {
    expect(parseFlagValue(tokenTtlS, "0", undefined)).toEqual({ ok: false, message: "--token-ttl must be an integer ≥ 1" });
    expect(parseFlagValue(EMULATOR_SETTINGS.port, "abc", undefined)).toEqual({
      ok: false,
      message: "--port must be an integer ≥ 0 and ≤ 65535",
    });
  });

  it("fills in every default when no flag is given", () => {
    expect(readEmulatorFlags({})).toEqual({
      ...DEFAULT_EMULATOR_SETTINGS,
      port: 0,
      portFile: undefined,
      inject: [],
      awsDataPath: undefined,
      tls: false,
      caFile: undefined,
    });
  });

  it("reads values under the keys commander gives them", () => {
    const flags = readEmulatorFlags({
      port: 4566,
      portFile: "/tmp/p",
      tokenTtl: 60,
      clockSkewS: -5,
      refresh: false,
      quiet: true,
      accountNames: ["prod"],
      awsDataPath: "d",
    });
    expect(flags).toMatchObject({
      port: 4566,
      portFile: "/tmp/p",
      tokenTtlS: 60,
      clockSkewS: -5,
      refresh: false,
      quiet: true,
      accountNames: ["prod"],
      awsDataPath: "d",
    });
  });

  it("refuses a value the table does not allow, as a usage error", () => {
    expect(() => readEmulatorFlags({ accounts: 0 })).toThrow(new UsageError("--accounts must be an integer ≥ 1."));
  });
});

describe("README.md", () => {
  it("shows the flag table the settings table renders (npm run docs:emulator rewrites it)", async () => {
    const readme = await readFile(new URL("../../README.md", import.meta.url), "utf8");
    expect(withFlagTable(readme)).toBe(readme);
  });
});
