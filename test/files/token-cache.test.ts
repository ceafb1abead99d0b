import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FileFormatError } from "../../src/errors.js";
import { formatPythonJson } from "../../src/files/python-json.js";
import {
  deleteTokenCacheEntry,
  formatClientRegistration,
  formatTimestamp,
  formatTokenCacheEntry,
  legacyRegistrationFileName,
  listTokenCacheEntries,
  parseTimestamp,
  parseTokenCacheEntry,
  readClientRegistration,
  readTokenCacheEntry,
  registrationCacheFileName,
  tokenCacheFileName,
  writeClientRegistration,
  writeTokenCacheEntry,
  type TokenCacheEntry,
} from "../../src/files/token-cache.js";
import { deleteRoleCacheFile, listSsoRoleCacheFiles, roleCacheFileName } from "../../src/files/role-cache.js";

const START_URL = "https://d-1234567890.awsapps.com/start";
const FULL_ENTRY: TokenCacheEntry = {
  startUrl: START_URL,
  region: "us-east-1",
  accessToken: "at",
  expiresAt: "2026-11-22T12:46:19Z",
  clientId: "cid",
  clientSecret: "csec",
  registrationExpiresAt: "2030-03-17T17:46:40Z",
  refreshToken: "rt",
};
// docs/protocol/token-cache.md §3.2, captured from AWS CLI v2.9.19.
const FULL_ENTRY_BYTES =
  '{"startUrl": "https://d-1234567890.awsapps.com/start", "region": "us-east-1", "accessToken": "at", "expiresAt": "2026-11-22T12:46:19Z", "clientId": "cid", "clientSecret": "csec", "registrationExpiresAt": "2030-03-17T17:46:40Z", "refreshToken": "rt"}';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "sso-cli-cache-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("cache file names (docs/protocol/token-cache.md §2)", () => {
  it.each([
    [{ ssoSession: "my-sso", startUrl: START_URL }, "0ad374308c5a4e22f723adf10145eafad7c4031c.json"],
    [{ startUrl: START_URL }, "7487b5b67d5fa1132cf33fa93ae51ef38cc37752.json"],
    [{ ssoSession: "sessión", startUrl: START_URL }, "e2804f3701f36ca9fde4792737a2e90ab948da24.json"],
  ])("token file for %j is %s", (key, name) => {
    expect(tokenCacheFileName(key)).toBe(name);
  });

  it("hashes the start URL verbatim", () => {
    const names = new Set([START_URL, `${START_URL}/`, `${START_URL}#/`].map((startUrl) => tokenCacheFileName({ startUrl })));
    expect(names.size).toBe(3);
  });

  it.each([
    [{ scopes: ["sso:account:access"], sessionName: "my-sso" }, "a8343d65418848d0bc13a5f25cbb32508ceec5d1.json"],
    [{ scopes: null, sessionName: "my-sso" }, "8b2cedd020fb181ad4cf906d1d27b232fd31557e.json"],
    [{ scopes: null, sessionName: null }, "365414a68be7c9bfc776c660981dbdbd942acea4.json"],
  ])("registration file for %j is %s (§2.1)", (key, name) => {
    expect(registrationCacheFileName({ startUrl: START_URL, region: "us-east-1", ...key })).toBe(name);
  });

  it("escapes non-ASCII in the registration key as Python does", () => {
    const name = registrationCacheFileName({
      startUrl: "https://x.awsapps.com/start",
      region: "eu-west-1",
      scopes: ["sso:account:access", "ünï"],
      sessionName: "sessión",
    });
    expect(name).toBe("f32ba5c7ad9937d00c6baa9c4964eb1d1497684b.json");
  });

  it("names the legacy registration file by region", () => {
    expect(legacyRegistrationFileName("us-east-1")).toBe("botocore-client-id-us-east-1.json");
  });

  it.each([
    [
      { accountId: "111122223333", roleName: "AdministratorAccess", sessionName: "my-sso" },
      "ab11f6e81545e76b18fa84c7e52c30985e5abc4a.json",
    ],
    [{ accountId: "111122223333", roleName: "AdministratorAccess", startUrl: START_URL }, "5d75f29ec892c31fc5dfa93f050e4c57fca1c1e6.json"],
  ])("CLI v2 role cache file for %j is %s (§6)", (key, name) => {
    expect(roleCacheFileName(key)).toBe(name);
  });
});

describe("Python json.dumps", () => {
  it.each([
    [
      { b: 'é\u2028😀\u007f\u0001"\\/', a: [1, null, true], c: {} },
      { sortKeys: true },
      '{"a": [1, null, true], "b": "\\u00e9\\u2028\\ud83d\\ude00\\u007f\\u0001\\"\\\\/", "c": {}}',
    ],
    [{ b: "x", a: [] }, { sortKeys: true, compact: true }, '{"a":[],"b":"x"}'],
    [{ b: "\n\t", a: undefined }, {}, '{"b": "\\n\\t"}'],
  ])("writes %j as Python would", (value, opts, text) => {
    expect(formatPythonJson(value, opts)).toBe(text);
  });
});

describe("timestamps (§3.4)", () => {
  it.each([
    ["2026-11-22T12:46:19Z", "2026-11-22T12:46:19.000Z"],
    ["2026-11-22T12:48:00.053Z", "2026-11-22T12:48:00.053Z"],
    ["2020-01-01T00:00:00UTC", "2020-01-01T00:00:00.000Z"],
    ["2020-01-01T00:00:00+00:00", "2020-01-01T00:00:00.000Z"],
    ["2020-01-01T02:30:00+02:30", "2020-01-01T00:00:00.000Z"],
    ["2020-01-01T00:00:00.123456Z", "2020-01-01T00:00:00.123Z"],
  ])("reads %s", (text, iso) => {
    expect(parseTimestamp(text)?.toISOString()).toBe(iso);
  });

  it.each(["2020-01-01T00:00:00", "2020-02-30T00:00:00Z", "2020-01-01T24:00:00Z", "yesterday", "", "2020-01-01 00:00:00Z"])(
    "refuses %j",
    (text) => {
      expect(parseTimestamp(text)).toBeUndefined();
    },
  );

  it("writes whole seconds with a literal Z", () => {
    expect(formatTimestamp(new Date("2026-11-22T12:48:00.953Z"))).toBe("2026-11-22T12:48:00Z");
  });
});

describe("token and registration file bytes (§3.2, §4)", () => {
  it("writes the AWS CLI v2 bytes", () => {
    expect(formatTokenCacheEntry(FULL_ENTRY)).toBe(FULL_ENTRY_BYTES);
  });

  it("writes an old four-field entry", () => {
    const { startUrl, region, accessToken, expiresAt } = FULL_ENTRY;
    expect(formatTokenCacheEntry({ expiresAt, accessToken, region, startUrl })).toBe(
      '{"startUrl": "https://d-1234567890.awsapps.com/start", "region": "us-east-1", "accessToken": "at", "expiresAt": "2026-11-22T12:46:19Z"}',
    );
  });

  it("keeps unknown keys after the known ones and escapes non-ASCII", () => {
    const entry = parseTokenCacheEntry(
      JSON.stringify({
        receivedAt: "2026-11-22T11:46:19Z",
        startUrl: "https://é.awsapps.com/start",
        region: "us-east-1",
        accessToken: "at☃",
        expiresAt: "2026-11-22T12:46:19Z",
      }),
      "f",
    );
    expect(formatTokenCacheEntry(entry)).toBe(
      '{"startUrl": "https://\\u00e9.awsapps.com/start", "region": "us-east-1", "accessToken": "at\\u2603", "expiresAt": "2026-11-22T12:46:19Z", "receivedAt": "2026-11-22T11:46:19Z"}',
    );
  });

  it("reads the JS SDK's two-space format and round-trips to the CLI bytes", () => {
    const jsSdk = JSON.stringify({ ...FULL_ENTRY, expiresAt: "2026-11-22T12:48:00.053Z" }, null, 2);
    const entry = parseTokenCacheEntry(jsSdk, "f");
    expect(entry.expiresAt).toBe("2026-11-22T12:48:00.053Z");
    expect(formatTokenCacheEntry({ ...entry, expiresAt: "2026-11-22T12:46:19Z" })).toBe(FULL_ENTRY_BYTES);
  });

  it.each([
    [
      { clientId: "cid", clientSecret: "csec", expiresAt: "2030-03-17T17:46:40Z", scopes: ["sso:account:access"] },
      '{"clientId": "cid", "clientSecret": "csec", "expiresAt": "2030-03-17T17:46:40Z", "scopes": ["sso:account:access"]}',
    ],
    [
      { expiresAt: "2030-03-17T17:46:40Z", clientSecret: "csec", clientId: "cid" },
      '{"clientId": "cid", "clientSecret": "csec", "expiresAt": "2030-03-17T17:46:40Z"}',
    ],
    [
      {
        grantTypes: ["authorization_code", "refresh_token"],
        clientId: "cid",
        clientSecret: "csec",
        expiresAt: "2030-03-17T17:46:40Z",
        scopes: ["sso:account:access"],
      },
      '{"clientId": "cid", "clientSecret": "csec", "expiresAt": "2030-03-17T17:46:40Z", "scopes": ["sso:account:access"], "grantTypes": ["authorization_code", "refresh_token"]}',
    ],
  ])("writes registration %j as the CLI does", (registration, bytes) => {
    expect(formatClientRegistration(registration)).toBe(bytes);
  });
});

describe("reading the cache", () => {
  it("returns undefined for a missing file and creates nothing", async () => {
    expect(await readTokenCacheEntry(join(dir, "cache"), "x.json")).toBeUndefined();
    expect(await readdir(dir)).toEqual([]);
  });

  it.each([
    ["truncated JSON", FULL_ENTRY_BYTES.slice(0, 60), "is not valid JSON"],
    ["an empty file", "", "is not valid JSON"],
    ["a JSON array", "[]", "is not a JSON object"],
    [
      "no accessToken",
      '{"startUrl": "u", "region": "r", "expiresAt": "2026-11-22T12:46:19Z", "refreshToken": "SECRETVALUE"}',
      "accessToken is missing",
    ],
    [
      "an empty accessToken",
      '{"startUrl": "u", "region": "r", "accessToken": "", "expiresAt": "2026-11-22T12:46:19Z"}',
      "accessToken is empty",
    ],
    [
      "a numeric accessToken",
      '{"startUrl": "u", "region": "r", "accessToken": 12345, "expiresAt": "2026-11-22T12:46:19Z"}',
      "accessToken is not a string",
    ],
    [
      "a bad expiresAt",
      '{"startUrl": "u", "region": "r", "accessToken": "SECRETVALUE", "expiresAt": "SECRETVALUE"}',
      "expiresAt is not a UTC timestamp",
    ],
    [
      "a null refreshToken",
      '{"startUrl": "u", "region": "r", "accessToken": "a", "expiresAt": "2026-11-22T12:46:19Z", "refreshToken": null}',
      "refreshToken is not a string",
    ],
    [
      "a bad optional registrationExpiresAt",
      '{"startUrl": "u", "region": "r", "accessToken": "a", "expiresAt": "2026-11-22T12:46:19Z", "registrationExpiresAt": "soon"}',
      "registrationExpiresAt is not a UTC timestamp",
    ],
    [
      "four problems (three are said)",
      '{"accessToken": 12345, "expiresAt": "x"}',
      "startUrl is missing; region is missing; accessToken is not a string",
    ],
  ])("names the problem with %s, never a value", async (_name, text, detail) => {
    await writeFile(join(dir, "t.json"), text);
    const err = await readTokenCacheEntry(dir, "t.json").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FileFormatError);
    expect((err as Error).message).toBe(`${join(dir, "t.json")}: ${detail}`);
    expect((err as Error).message).not.toMatch(/SECRETVALUE|12345/);
  });

  it("drops a __proto__ key instead of letting it become a prototype", () => {
    const entry = parseTokenCacheEntry(
      '{"startUrl": "u", "region": "r", "accessToken": "a", "expiresAt": "2026-11-22T12:46:19Z", "__proto__": {"polluted": 1}}',
      "f",
    );
    expect(Object.getPrototypeOf(entry)).toBe(Object.prototype);
    expect((entry as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe("writing the cache", () => {
  it("writes the exact bytes, 0600 in a new 0700 folder, and reads them back", async () => {
    const cache = join(dir, "sso", "cache");
    const name = tokenCacheFileName({ ssoSession: "my-sso", startUrl: START_URL });
    await writeTokenCacheEntry(cache, name, FULL_ENTRY);
    expect(await readFile(join(cache, name), "utf8")).toBe(FULL_ENTRY_BYTES);
    expect((await stat(join(cache, name))).mode & 0o777).toBe(0o600);
    expect((await stat(cache)).mode & 0o777).toBe(0o700);
    expect(await readTokenCacheEntry(cache, name)).toEqual(FULL_ENTRY);
    expect(await deleteTokenCacheEntry(cache, name)).toBe(true);
    expect(await deleteTokenCacheEntry(cache, name)).toBe(false);
    expect(await readdir(cache)).toEqual([]);
  });

  it("writes and reads a client registration", async () => {
    const registration = { clientId: "cid", clientSecret: "csec", expiresAt: "2030-03-17T17:46:40Z" };
    await writeClientRegistration(dir, "r.json", registration);
    expect(await readFile(join(dir, "r.json"), "utf8")).toBe(
      '{"clientId": "cid", "clientSecret": "csec", "expiresAt": "2030-03-17T17:46:40Z"}',
    );
    expect(await readClientRegistration(dir, "r.json")).toEqual(registration);
  });
});

describe("listing for logout --all (§6)", () => {
  it("lists token files from any tool and skips registrations, garbage and folders", async () => {
    await writeTokenCacheEntry(dir, "a.json", FULL_ENTRY);
    await writeFile(join(dir, "b.json"), JSON.stringify({ accessToken: "old", region: "eu-west-1", expiresAt: "2020-01-01T00:00:00UTC" }));
    await writeClientRegistration(dir, "r.json", { clientId: "c", clientSecret: "s", expiresAt: "2030-03-17T17:46:40Z" });
    await writeFile(join(dir, "garbage.json"), "{not json");
    await writeFile(join(dir, "array.json"), "[]");
    await mkdir(join(dir, "folder.json"));
    expect(await listTokenCacheEntries(dir)).toEqual([
      { fileName: "a.json", accessToken: "at", region: "us-east-1", startUrl: START_URL, expiresAt: new Date("2026-11-22T12:46:19Z") },
      { fileName: "b.json", accessToken: "old", region: "eu-west-1", startUrl: undefined, expiresAt: new Date("2020-01-01T00:00:00Z") },
    ]);
  });

  it("returns nothing for a missing folder", async () => {
    expect(await listTokenCacheEntries(join(dir, "none"))).toEqual([]);
    expect(await listSsoRoleCacheFiles(join(dir, "none"))).toEqual([]);
  });

  it("lists only SSO role-credential files in ~/.aws/cli/cache and deletes them", async () => {
    const sso = roleCacheFileName({ accountId: "111122223333", roleName: "Admin", sessionName: "my-sso" });
    await writeFile(
      join(dir, sso),
      '{"ProviderType": "sso", "Credentials": {"AccessKeyId": "ASIAEXAMPLEEXAMPLE12", "SecretAccessKey": "sk", "SessionToken": "st", "Expiration": "2030-03-17T17:46:40Z"}}',
    );
    await writeFile(join(dir, "assume.json"), '{"Credentials": {"AccessKeyId": "ASIA"}, "AssumedRoleUser": {}}');
    expect(await listSsoRoleCacheFiles(dir)).toEqual([sso]);
    expect(await deleteRoleCacheFile(dir, sso)).toBe(true);
    expect(await readdir(dir)).toEqual(["assume.json"]);
  });
});
