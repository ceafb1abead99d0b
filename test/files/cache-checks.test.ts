import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FileFormatError } from "../../src/errors.js";
import { formatLedger, readLedger, type Ledger } from "../../src/files/credentials-ledger.js";
import { readRoleCredentials } from "../../src/files/role-cache.js";
import { parseClientRegistration } from "../../src/files/token-cache.js";

// The hot path's files are checked by hand (src/files/json-fields.ts): what each accepts, what it
// refuses, and that a refusal names the field, never its value.

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "sso-cli-cache-checks-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const HASH = "a".repeat(64);
const ENTRY = {
  accessKeyIdSha256: HASH,
  expiresAt: "2026-12-02T12:00:00.000Z",
  source: { ssoSession: "s", accountId: "111111111111", roleName: "R" },
};
const LEDGER: Ledger = {
  version: 1,
  files: {
    "/home/me/.aws/credentials": {
      p: ENTRY,
      q: { ...ENTRY, source: { startUrl: "https://d-1.awsapps.com/start", accountId: "2", roleName: "S" }, createdSection: true },
    },
  },
  createdFiles: ["/home/me/.aws/credentials"],
  pending: { "/home/me/.aws/credentials": { createsFile: true, profiles: { r: ENTRY } } },
};

describe("the credentials ledger", () => {
  it("reads back what it wrote, and an empty ledger when there is no file", async () => {
    const file = join(dir, "ledger.json");
    expect(await readLedger(file)).toEqual({ version: 1, files: {} });
    await writeFile(file, formatLedger(LEDGER));
    expect(await readLedger(file)).toEqual(LEDGER);
  });

  it("drops keys it does not know, at every level", async () => {
    const file = join(dir, "ledger.json");
    const extra = { ...LEDGER, later: 1, files: { f: { p: { ...ENTRY, note: "x", source: { ...ENTRY.source, extra: true } } } } };
    await writeFile(file, JSON.stringify(extra));
    expect(await readLedger(file)).toEqual({
      version: 1,
      files: { f: { p: ENTRY } },
      createdFiles: LEDGER.createdFiles,
      pending: LEDGER.pending,
    });
  });

  const broken: Array<[string, unknown]> = [
    ["an array", []],
    ["version 2", { ...LEDGER, version: 2 }],
    ["no files", { version: 1 }],
    ["files not an object", { version: 1, files: [] }],
    ["a hash that is not SHA-256 hex", { version: 1, files: { f: { p: { ...ENTRY, accessKeyIdSha256: "AKIA" } } } }],
    ["no expiresAt", { version: 1, files: { f: { p: { accessKeyIdSha256: HASH, source: ENTRY.source } } } }],
    ["a source without an account", { version: 1, files: { f: { p: { ...ENTRY, source: { roleName: "R" } } } } }],
    ["a numeric ssoSession", { version: 1, files: { f: { p: { ...ENTRY, source: { ...ENTRY.source, ssoSession: 1 } } } } }],
    ["createdSection not true", { version: 1, files: { f: { p: { ...ENTRY, createdSection: "yes" } } } }],
    ["createdFiles with a number", { ...LEDGER, createdFiles: [1] }],
    ["pending without profiles", { ...LEDGER, pending: { f: { createsFile: true } } }],
    ["pending with createsFile a string", { ...LEDGER, pending: { f: { createsFile: "yes", profiles: {} } } }],
  ];
  it.each(broken)("refuses a ledger with %s", async (_name, json) => {
    const file = join(dir, "ledger.json");
    await writeFile(file, JSON.stringify(json));
    const err = await readLedger(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FileFormatError);
    expect((err as Error).message).toBe(`${file}: is not an sso-cli credentials ledger`);
  });
});

describe("the AWS CLI v2's role cache", () => {
  const CREDENTIALS = {
    AccessKeyId: "ASIAEXAMPLE",
    SecretAccessKey: "SECRETVALUE",
    SessionToken: "TOKENVALUE",
    Expiration: "2026-12-02T13:00:00Z",
  };

  it("reads keys, past fields a newer CLI adds", async () => {
    await writeFile(
      join(dir, "r.json"),
      JSON.stringify({ ProviderType: "sso", Credentials: { ...CREDENTIALS, AccountId: "111111111111", Later: 1 }, Later: 2 }),
    );
    expect(await readRoleCredentials(dir, "r.json")).toEqual({
      accessKeyId: "ASIAEXAMPLE",
      secretAccessKey: "SECRETVALUE",
      sessionToken: "TOKENVALUE",
      expiration: new Date("2026-12-02T13:00:00Z"),
      accountId: "111111111111",
    });
  });

  it.each([
    ["no Credentials", { ProviderType: "sso" }, "Credentials is missing"],
    ["Credentials a string", { Credentials: "SECRETVALUE" }, "Credentials is not an object"],
    [
      "an empty secret and a bad expiry",
      { Credentials: { ...CREDENTIALS, SecretAccessKey: "", Expiration: "SECRETVALUE" } },
      "Credentials.SecretAccessKey is empty; Credentials.Expiration is not a UTC timestamp",
    ],
    ["a numeric ProviderType", { ProviderType: 1, Credentials: CREDENTIALS }, "ProviderType is not a string"],
    // Issue 16, item 5: a key that is no key is refused where it is read, before export prints it.
    [
      "values that are no keys (a quote, &, PowerShell's quotes, a line break)",
      {
        Credentials: {
          ...CREDENTIALS,
          AccessKeyId: 'ASIA"&calc&"',
          SecretAccessKey: "s\u201d; calc; \u201c",
          SessionToken: "t\nexport X=1",
        },
      },
      "Credentials.AccessKeyId is not an access key id; Credentials.SecretAccessKey is not a secret access key; Credentials.SessionToken is not a session token",
    ],
  ])("names the problem with %s, never a value", async (_name, json, detail) => {
    await writeFile(join(dir, "r.json"), JSON.stringify(json));
    const err = await readRoleCredentials(dir, "r.json").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FileFormatError);
    expect((err as Error).message).toBe(`${join(dir, "r.json")}: ${detail}`);
  });
});

describe("a cached client registration", () => {
  it.each([
    [
      "scopes not an array",
      { clientId: "c", clientSecret: "s", expiresAt: "2030-01-01T00:00:00Z", scopes: "sso:account:access" },
      "scopes is not an array",
    ],
    [
      "grantTypes with a number",
      { clientId: "c", clientSecret: "s", expiresAt: "2030-01-01T00:00:00Z", grantTypes: [1] },
      "grantTypes holds something that is not a string",
    ],
    ["an empty clientSecret", { clientId: "c", clientSecret: "", expiresAt: "2030-01-01T00:00:00Z" }, "clientSecret is empty"],
  ])("names the problem with %s", (_name, json, detail) => {
    expect(() => parseClientRegistration(JSON.stringify(json), "f")).toThrow(`f: ${detail}`);
  });
});
