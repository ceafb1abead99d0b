import { spawn } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { BadValueError, FileFormatError } from "../../src/errors.js";
import { readCredentialsFile, updateCredentialsFile, type EditOutcome, type RoleCredentials } from "../../src/files/credentials-file.js";
import {
  defaultLedgerFile,
  formatLedger,
  type CredentialSource,
  hashAccessKeyId,
  listLedgerEntries,
  readLedger,
  resolveFileIdentity,
  type Ledger,
} from "../../src/files/credentials-ledger.js";
import { IniEditor } from "../../src/files/ini-editor.js";
import { bundleForChild } from "./bundle-for-child.js";

const FIXTURES = join(import.meta.dirname, "..", "fixtures", "ini");
const EXPIRATION = new Date("2030-01-01T01:00:00Z");
const creds = (n: string | number): RoleCredentials => ({
  accessKeyId: `ASIAEXAMPLE${n}`,
  secretAccessKey: `secret${n}`,
  sessionToken: `token${n}`,
  expiration: EXPIRATION,
});
const SOURCE = { ssoSession: "my-sso", accountId: "111122223333", roleName: "Admin" };

let home: string;
let credentialsFile: string;
let ledgerFile: string;
beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), "sso-cli-creds-"));
  credentialsFile = join(home, ".aws", "credentials");
  ledgerFile = defaultLedgerFile(home);
});
afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

async function useFixture(name: string): Promise<string> {
  const text = await readFile(join(FIXTURES, name), "utf8");
  await mkdir(join(home, ".aws"), { recursive: true });
  await writeFile(credentialsFile, text, { mode: 0o644 });
  return text;
}
const fileText = (): Promise<string> => readFile(credentialsFile, "utf8");
/** One profile's keys through the real write path (the one login takes); its outcome. */
async function writeKeys(
  path: string,
  profile: string,
  credentials: ReturnType<typeof creds>,
  o: { ledgerFile: string; source: CredentialSource; force?: boolean },
): Promise<EditOutcome> {
  const [r] = await updateCredentialsFile(
    path,
    [{ profile, set: { credentials, source: o.source }, force: o.force ?? false }],
    o.ledgerFile,
  );
  return r!.outcome;
}
/** One profile's keys removed through the real path (the one logout takes); its outcome. */
async function removeKeys(path: string, profile: string, o: { ledgerFile: string }): Promise<EditOutcome> {
  const [r] = await updateCredentialsFile(path, [{ profile, remove: true }], o.ledgerFile);
  return r!.outcome;
}
const write = (profile: string, n: string | number = 1, force = false) =>
  writeKeys(credentialsFile, profile, creds(n), { ledgerFile, source: SOURCE, force });

describe("readCredentialsFile", () => {
  it("reads a missing file as empty and creates nothing", async () => {
    expect((await readCredentialsFile(credentialsFile)).sectionNames()).toEqual([]);
    expect(await readdir(home)).toEqual([]);
  });

  it("reads headers raw", async () => {
    await useFixture("credentials-hand");
    expect((await readCredentialsFile(credentialsFile)).sectionNames()).toEqual(["default", "old-temp", "profile dev"]);
  });
});

describe("updateCredentialsFile: writing a profile's keys", () => {
  it("creates the file 0600 in a 0700 folder with only the three keys", async () => {
    expect(await write("dev")).toBe("written");
    expect(await fileText()).toBe("[dev]\naws_access_key_id = ASIAEXAMPLE1\naws_secret_access_key = secret1\naws_session_token = token1\n");
    expect((await stat(credentialsFile)).mode & 0o777).toBe(0o600);
    expect((await stat(join(home, ".aws"))).mode & 0o777).toBe(0o700);
    expect(await readdir(join(home, ".aws"))).toEqual(["credentials", "sso-cli"]);
  });

  it("records a hash of the key id, the expiry and the source in a 0600 ledger", async () => {
    await write("dev");
    const ledger = await readLedger(ledgerFile);
    expect(ledger.files[await resolveFileIdentity(credentialsFile)]).toEqual({
      dev: {
        accessKeyIdSha256: hashAccessKeyId("ASIAEXAMPLE1"),
        expiresAt: "2030-01-01T01:00:00.000Z",
        source: SOURCE,
        createdSection: true,
      },
    });
    expect((await stat(ledgerFile)).mode & 0o777).toBe(0o600);
    expect((await stat(join(home, ".aws", "sso-cli"))).mode & 0o777).toBe(0o700);
    const raw = await readFile(ledgerFile, "utf8");
    expect(raw).not.toMatch(/ASIAEXAMPLE1|secret1|token1/);
  });

  it.each(["credentials-hand", "credentials-crlf-no-final-newline"])("keeps the rest of %s byte for byte", async (fixture) => {
    const original = await useFixture(fixture);
    await write("sso-dev");
    const after = await fileText();
    const eol = original.includes("\r\n") ? "\r\n" : "\n";
    const base = original.endsWith(eol) ? original : original + eol;
    expect(after.startsWith(base)).toBe(true);
    expect(after.slice(base.length).split(eol)[1]).toBe("[sso-dev]");
  });

  it("makes a file others could read private once it holds keys, and says so once", async () => {
    // Issue 16: a 0644 credentials file stayed 0644, silently, with the keys in it.
    await useFixture("credentials-hand");
    const notices: string[] = [];
    const [r] = await updateCredentialsFile(
      credentialsFile,
      [{ profile: "sso-dev", set: { credentials: creds(1), source: SOURCE } }],
      ledgerFile,
      { notice: (l) => notices.push(l) },
    );
    expect(r!.outcome).toBe("written");
    expect((await stat(credentialsFile)).mode & 0o777).toBe(0o600);
    expect(notices).toEqual([`Made ${credentialsFile} private (mode 0600, was 0644): it holds secrets, which other users could read.`]);
    await updateCredentialsFile(credentialsFile, [{ profile: "sso-dev", set: { credentials: creds(2), source: SOURCE } }], ledgerFile, {
      notice: (l) => notices.push(l),
    });
    expect(notices).toHaveLength(1);
  });

  it("replaces its own keys in place on the next login", async () => {
    await useFixture("credentials-hand");
    await write("sso-dev", 1);
    const first = await fileText();
    expect(await write("sso-dev", 2)).toBe("written");
    expect(await fileText()).toBe(first.replace("ASIAEXAMPLE1", "ASIAEXAMPLE2").replace("secret1", "secret2").replace("token1", "token2"));
  });

  it("does not rewrite the file when nothing changes", async () => {
    await write("dev");
    const { ino } = await stat(credentialsFile);
    expect(await write("dev")).toBe("unchanged");
    expect((await stat(credentialsFile)).ino).toBe(ino);
  });

  it("refuses to overwrite keys a person wrote, leaving the file alone", async () => {
    const original = await useFixture("credentials-hand");
    expect(await write("default")).toBe("not-ours");
    expect(await fileText()).toBe(original);
  });

  it("overwrites hand-written keys when forced, and drops a stale aws_security_token", async () => {
    await useFixture("credentials-hand");
    expect(await write("old-temp", 3, true)).toBe("written");
    const doc = await readCredentialsFile(credentialsFile);
    expect({ ...doc.getSection("old-temp") }).toEqual({
      aws_access_key_id: "ASIAEXAMPLE3",
      aws_secret_access_key: "secret3",
      aws_session_token: "token3",
    });
  });

  it.each(["DEFAULT", "", " dev", "a\nb"])("rejects profile name %j", async (profile) => {
    await expect(write(profile)).rejects.toThrow(BadValueError);
  });

  it("refuses to touch a file botocore cannot parse", async () => {
    await mkdir(join(home, ".aws"));
    await writeFile(credentialsFile, "[a]\nx = 1\n[a]\n");
    await expect(write("dev")).rejects.toThrow(FileFormatError);
    expect(await fileText()).toBe("[a]\nx = 1\n[a]\n");
  });

  it("writes through a symlinked credentials file", async () => {
    await mkdir(join(home, "dotfiles"));
    await mkdir(join(home, ".aws"));
    await writeFile(join(home, "dotfiles", "credentials"), "");
    await symlink(join(home, "dotfiles", "credentials"), credentialsFile);
    await write("dev");
    expect(await readFile(join(home, "dotfiles", "credentials"), "utf8")).toContain("[dev]");
    expect(await removeKeys(credentialsFile, "dev", { ledgerFile })).toBe("removed");
    expect(await readFile(join(home, "dotfiles", "credentials"), "utf8")).toBe("");
  });
});

describe("updateCredentialsFile: removing a profile's keys", () => {
  it.each(["credentials-hand", "credentials-crlf-no-final-newline"])("restores %s exactly after write then remove", async (fixture) => {
    const original = await useFixture(fixture);
    await write("sso-dev");
    expect(await removeKeys(credentialsFile, "sso-dev", { ledgerFile })).toBe("removed");
    expect(await fileText()).toBe(original);
    expect((await readLedger(ledgerFile)).files).toEqual({});
  });

  it("keeps the header and blank line of an empty section a person wrote, byte for byte", async () => {
    await mkdir(join(home, ".aws"), { recursive: true });
    const original = "[NEW]\n\n[dev]\naws_access_key_id = AKIAHANDWRITTEN\naws_secret_access_key = kept\n";
    await writeFile(credentialsFile, original);
    await write("NEW");
    await write("NEW", 2);
    expect(await fileText()).toContain("[NEW]\naws_access_key_id = ASIAEXAMPLE2\n");
    expect(await removeKeys(credentialsFile, "NEW", { ledgerFile })).toBe("removed");
    expect(await fileText()).toBe(original);
  });

  it("removes a section it added, through later logins, and one that a ledger without the record did not", async () => {
    const original = await useFixture("credentials-hand");
    await write("sso-dev");
    await write("sso-dev", 2);
    expect(await removeKeys(credentialsFile, "sso-dev", { ledgerFile })).toBe("removed");
    expect(await fileText()).toBe(original);
    // A ledger written before sso-cli recorded added sections: it cannot tell, so the header stays.
    await write("sso-dev");
    const ledger = await readLedger(ledgerFile);
    delete ledger.files[await resolveFileIdentity(credentialsFile)]!["sso-dev"]!.createdSection;
    await writeFile(ledgerFile, formatLedger(ledger));
    await removeKeys(credentialsFile, "sso-dev", { ledgerFile });
    expect(await fileText()).toMatch(/\n\[sso-dev\]\n$/);
  });

  it("deletes a credentials file it created once the last of its keys are gone", async () => {
    await write("dev");
    await write("ops", 2);
    expect((await readLedger(ledgerFile)).createdFiles).toEqual([await resolveFileIdentity(credentialsFile)]);
    await removeKeys(credentialsFile, "dev", { ledgerFile });
    expect(await fileText()).toMatch(/\[ops\]/);
    await removeKeys(credentialsFile, "ops", { ledgerFile });
    await expect(stat(credentialsFile)).rejects.toThrow(/ENOENT/);
    expect(await readLedger(ledgerFile)).toEqual({ version: 1, files: {} });
  });

  it("keeps a credentials file it did not create, even when it ends up empty", async () => {
    await mkdir(join(home, ".aws"), { recursive: true });
    await writeFile(credentialsFile, "");
    await write("dev");
    await removeKeys(credentialsFile, "dev", { ledgerFile });
    expect(await fileText()).toBe("");
  });

  it("leaves a key that a person wrote over ours, and forgets ours", async () => {
    await write("dev");
    const edited = (await fileText()).replace("aws_access_key_id = ASIAEXAMPLE1", "aws_access_key_id = AKIAHANDWRITTEN");
    await writeFile(credentialsFile, edited);
    expect(await removeKeys(credentialsFile, "dev", { ledgerFile })).toBe("not-ours");
    expect(await fileText()).toBe(edited);
    expect(await listLedgerEntries(ledgerFile)).toEqual([]);
  });

  it("leaves hand-written profiles alone", async () => {
    const original = await useFixture("credentials-hand");
    expect(await removeKeys(credentialsFile, "default", { ledgerFile })).toBe("not-ours");
    expect(await removeKeys(credentialsFile, "nope", { ledgerFile })).toBe("absent");
    expect(await fileText()).toBe(original);
  });

  it("keeps keys a person added next to ours", async () => {
    await write("dev");
    await writeFile(credentialsFile, `${await fileText()}region = eu-west-1\n`);
    expect(await removeKeys(credentialsFile, "dev", { ledgerFile })).toBe("removed");
    expect(await fileText()).toBe("[dev]\nregion = eu-west-1\n");
  });

  it("creates nothing when there is no credentials file", async () => {
    expect(await removeKeys(credentialsFile, "dev", { ledgerFile })).toBe("absent");
    expect(await readdir(home)).toEqual([]);
  });

  it("forgets ledger entries of a credentials file that was deleted", async () => {
    await write("dev");
    await rm(credentialsFile);
    expect(await removeKeys(credentialsFile, "dev", { ledgerFile })).toBe("absent");
    expect(await listLedgerEntries(ledgerFile)).toEqual([]);
    expect(await readdir(join(home, ".aws"))).toEqual(["sso-cli"]);
  });
});

describe("a write killed between the credentials file and the ledger", () => {
  // The states a kill -9 can leave (test/e2e/crash.e2e.test.ts makes them for real): the ledger
  // lists the new keys as pending, and the credentials file holds the old keys or the new ones.
  const fileKey = () => resolveFileIdentity(credentialsFile);
  // The [dev] of these files is one sso-cli added.
  const entry = (n: number) => ({
    accessKeyIdSha256: hashAccessKeyId(`ASIAEXAMPLE${n}`),
    expiresAt: EXPIRATION.toISOString(),
    source: SOURCE,
    createdSection: true as const,
  });
  async function crashState(o: {
    fileHas: number | undefined;
    settled: number | undefined;
    pending: number;
    createsFile?: boolean;
  }): Promise<void> {
    await mkdir(join(home, ".aws", "sso-cli"), { recursive: true });
    if (o.fileHas !== undefined) {
      await writeFile(
        credentialsFile,
        `# mine\n[dev]\naws_access_key_id = ASIAEXAMPLE${o.fileHas}\naws_secret_access_key = secret${o.fileHas}\naws_session_token = token${o.fileHas}\n`,
      );
    }
    const key = await fileKey();
    const ledger: Ledger = {
      version: 1,
      files: o.settled === undefined ? {} : { [key]: { dev: entry(o.settled) } },
      pending: { [key]: { ...(o.createsFile && { createsFile: true }), profiles: { dev: entry(o.pending) } } },
    };
    await writeFile(ledgerFile, formatLedger(ledger));
  }

  it("records the new keys as pending before it writes the credentials file", async () => {
    // A temp file name longer than the file system allows makes the credentials write fail
    // right after the ledger step, which shows what a kill at that moment leaves.
    credentialsFile = join(home, ".aws", "c".repeat(230));
    await mkdir(join(home, ".aws", "sso-cli"), { recursive: true });
    await writeFile(credentialsFile, "[dev]\naws_access_key_id = ASIAEXAMPLE1\n");
    await writeFile(ledgerFile, formatLedger({ version: 1, files: { [await fileKey()]: { dev: entry(1) } } }));
    await expect(write("dev", 2)).rejects.toThrow(/the path is too long/);
    const ledger = await readLedger(ledgerFile);
    expect(ledger.files[await fileKey()]?.dev?.accessKeyIdSha256).toBe(hashAccessKeyId("ASIAEXAMPLE1"));
    expect(ledger.pending?.[await fileKey()]?.profiles.dev?.accessKeyIdSha256).toBe(hashAccessKeyId("ASIAEXAMPLE2"));
    expect(await fileText()).toContain("ASIAEXAMPLE1");
  });

  it.each([
    ["killed before the file was written (old keys, settled)", { fileHas: 1, settled: 1, pending: 2 }],
    ["killed after the file was written (new keys, pending)", { fileHas: 2, settled: 1, pending: 2 }],
    ["killed after the first write of a profile (new keys, pending only)", { fileHas: 2, settled: undefined, pending: 2 }],
  ])("%s: the next login replaces the keys", async (_name, state) => {
    await crashState(state);
    expect(await write("dev", 3)).toBe("written");
    expect(await fileText()).toBe(
      "# mine\n[dev]\naws_access_key_id = ASIAEXAMPLE3\naws_secret_access_key = secret3\naws_session_token = token3\n",
    );
    const ledger = await readLedger(ledgerFile);
    expect(ledger.pending).toBeUndefined();
    expect(ledger.files[await fileKey()]).toEqual({ dev: entry(3) });
  });

  it.each([
    ["killed before the file was written", { fileHas: 1, settled: 1, pending: 2 }],
    ["killed after the file was written", { fileHas: 2, settled: 1, pending: 2 }],
    ["killed after the first write of a profile", { fileHas: 2, settled: undefined, pending: 2 }],
  ])("%s: logout finds and removes the keys", async (_name, state) => {
    await crashState(state);
    const written = await listLedgerEntries(ledgerFile, { credentialsFile });
    expect(written.map((w) => w.profile)).toEqual(["dev"]);
    expect(await removeKeys(credentialsFile, "dev", { ledgerFile })).toBe("removed");
    expect(await fileText()).toBe("# mine\n");
    expect(await readLedger(ledgerFile)).toEqual({ version: 1, files: {} });
  });

  it("deletes a file the killed write created once logout has taken its keys out", async () => {
    await crashState({ fileHas: 2, settled: undefined, pending: 2, createsFile: true });
    await writeFile(credentialsFile, (await fileText()).replace("# mine\n", ""));
    expect(await removeKeys(credentialsFile, "dev", { ledgerFile })).toBe("removed");
    await expect(stat(credentialsFile)).rejects.toThrow(/ENOENT/);
  });

  it("still leaves keys a person wrote after the kill", async () => {
    await crashState({ fileHas: 1, settled: undefined, pending: 2 });
    const text = (await fileText()).replace("ASIAEXAMPLE1", "AKIAHANDWRITTEN");
    await writeFile(credentialsFile, text);
    expect(await removeKeys(credentialsFile, "dev", { ledgerFile })).toBe("not-ours");
    expect(await write("dev", 3)).toBe("not-ours");
    expect(await fileText()).toBe(text);
  });
});

describe("updateCredentialsFile in a batch", () => {
  it("writes 1,000 profiles in one call, then removes them all, restoring the file", async () => {
    const original = await useFixture("credentials-hand");
    const profiles = Array.from({ length: 1000 }, (_, i) => `p${i}`);
    // How fast is npm run bench's to judge (fan-out to 10,000 profiles), not a timed test's.
    const results = await updateCredentialsFile(
      credentialsFile,
      profiles.map((profile, i) => ({ profile, set: { credentials: creds(i), source: SOURCE } })),
      ledgerFile,
    );
    expect(results.every((r) => r.outcome === "written")).toBe(true);
    const doc = IniEditor.parse(await fileText(), credentialsFile, { sectionNames: "raw" });
    expect(doc.sectionNames()).toHaveLength(1003);
    expect(doc.get("p999", "aws_access_key_id")).toBe("ASIAEXAMPLE999");
    expect(await listLedgerEntries(ledgerFile, { credentialsFile })).toHaveLength(1000);
    const removed = await updateCredentialsFile(
      credentialsFile,
      profiles.map((profile) => ({ profile, remove: true as const })),
      ledgerFile,
    );
    expect(removed.every((r) => r.outcome === "removed")).toBe(true);
    expect(await fileText()).toBe(original);
  });

  it("reports each profile's outcome in a mixed batch", async () => {
    await useFixture("credentials-hand");
    await write("ours");
    const results = await updateCredentialsFile(
      credentialsFile,
      [
        { profile: "new", set: { credentials: creds(5), source: SOURCE } },
        { profile: "ours", remove: true },
        { profile: "default", set: { credentials: creds(6), source: SOURCE } },
        { profile: "old-temp", remove: true },
        { profile: "ghost", remove: true },
      ],
      ledgerFile,
    );
    expect(results).toEqual([
      { profile: "new", outcome: "written" },
      { profile: "ours", outcome: "removed" },
      { profile: "default", outcome: "not-ours" },
      { profile: "old-temp", outcome: "not-ours" },
      { profile: "ghost", outcome: "absent" },
    ]);
  });
});

describe("the ledger", () => {
  it("answers which profiles were written for a session or start URL, and until when", async () => {
    await write("dev");
    await writeKeys(credentialsFile, "legacy", creds(2), {
      ledgerFile,
      source: { startUrl: "https://x.awsapps.com/start", accountId: "1", roleName: "R" },
    });
    const other = join(home, "other-credentials");
    await writeKeys(other, "dev", creds(3), { ledgerFile, source: SOURCE });
    const bySession = await listLedgerEntries(ledgerFile, { ssoSession: "my-sso" });
    expect(bySession.map((e) => [e.credentialsFile, e.profile])).toEqual([
      [await resolveFileIdentity(credentialsFile), "dev"],
      [await resolveFileIdentity(other), "dev"],
    ]);
    expect(bySession[0]?.expiresAt).toEqual(EXPIRATION);
    expect((await listLedgerEntries(ledgerFile, { startUrl: "https://x.awsapps.com/start" })).map((e) => e.profile)).toEqual(["legacy"]);
    expect((await listLedgerEntries(ledgerFile, { credentialsFile })).map((e) => e.profile)).toEqual(["dev", "legacy"]);
  });

  it("knows a credentials file by its real path, whichever link names it", async () => {
    await mkdir(join(home, "real"));
    await symlink(join(home, "real"), join(home, "linked"));
    await writeKeys(join(home, "linked", "credentials"), "dev", creds(1), { ledgerFile, source: SOURCE });
    expect(await removeKeys(join(home, "real", "credentials"), "dev", { ledgerFile })).toBe("removed");
  });

  it("reports a damaged ledger instead of guessing", async () => {
    await mkdir(join(home, ".aws", "sso-cli"), { recursive: true });
    await writeFile(ledgerFile, "{");
    await expect(write("dev")).rejects.toThrow(FileFormatError);
    await writeFile(ledgerFile, '{"version": 2}');
    await expect(listLedgerEntries(ledgerFile)).rejects.toThrow(/not an sso-cli credentials ledger/);
  });
});

describe("updateCredentialsFile across processes", () => {
  let work: string;
  let script: string;
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), "sso-cli-creds-bundle-"));
    const lib = await bundleForChild(join(import.meta.dirname, "..", "..", "src", "files", "credentials-file.ts"), work);
    script = join(work, "login.mjs");
    await writeFile(
      script,
      `
      import { updateCredentialsFile } from ${JSON.stringify(lib)};
      const [file, ledger, profile] = process.argv.slice(2);
      const credentials = { accessKeyId: "ASIA" + profile, secretAccessKey: "s", sessionToken: "t", expiration: new Date("2030-01-01T00:00:00Z") };
      await updateCredentialsFile(file, [{ profile, set: { credentials, source: { ssoSession: "s", accountId: "1", roleName: "R" } } }], ledger);
    `,
    );
  });
  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });

  it("keeps every profile when 16 processes write at once", async () => {
    const original = await useFixture("credentials-hand");
    const profiles = Array.from({ length: 16 }, (_, i) => `proc${i}`);
    const codes = await Promise.all(
      profiles.map(
        (p) =>
          new Promise<number | null>((resolve, reject) => {
            const child = spawn(process.execPath, [script, credentialsFile, ledgerFile, p], { stdio: ["ignore", "ignore", "inherit"] });
            child.on("error", reject).on("close", resolve);
          }),
      ),
    );
    expect(codes).toEqual(Array(16).fill(0));
    const text = await fileText();
    expect(text.startsWith(original)).toBe(true);
    const doc = IniEditor.parse(text, credentialsFile, { sectionNames: "raw" });
    for (const p of profiles) expect(doc.get(p, "aws_access_key_id")).toBe(`ASIA${p}`);
    expect((await listLedgerEntries(ledgerFile)).map((e) => e.profile).sort()).toEqual([...profiles].sort());
    expect(await readdir(join(home, ".aws"))).toEqual(["credentials", "sso-cli"]);
  });
});
