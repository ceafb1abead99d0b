import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FileFormatError } from "../../src/errors.js";
import { type IniDocument, profileSectionName } from "../../src/files/ini-document.js";
import { IniEditor } from "../../src/files/ini-editor.js";
import { IniScanner, LEADING_SPACE } from "../../src/files/ini-scanner.js";
import { isPythonSpace } from "../../src/files/ini-syntax.js";
import { canonicalSectionName, formatSectionHeader, splitShellWords } from "../../src/files/ini-section-name.js";

const FIXTURES = join(import.meta.dirname, "..", "fixtures", "ini");
const fixtures = readdirSync(FIXTURES).sort();
const readFixture = (name: string): string => readFileSync(join(FIXTURES, name), "utf8");
const parse = (text: string, file = "config"): IniEditor => IniEditor.parse(text, file);
const naming = (name: string) => ({ sectionNames: name.startsWith("credentials") ? "raw" : "config" }) as const;

/** The text before a section's header and from the next header on: what an edit must not touch. */
function outside(doc: IniDocument, section: string): [string, string] {
  const lines = doc.toString().split(/(?<=\r\n|\n|\r(?!\n))/);
  const sections = doc.listSections();
  const at = sections.findLastIndex((s) => s.name === section);
  const start = (sections[at]?.line ?? 1) - 1;
  const next = sections[at + 1]?.line;
  return [lines.slice(0, start).join(""), next === undefined ? "" : lines.slice(next - 1).join("")];
}

describe("IniDocument round trip", () => {
  it("has fixtures to check", () => expect(fixtures.length).toBeGreaterThanOrEqual(6));

  it.each(fixtures)("keeps %s byte for byte", (name) => {
    const text = readFixture(name);
    expect(IniEditor.parse(text, name, naming(name)).toString()).toBe(text);
  });

  it.each(fixtures)("restores %s exactly after adding then removing a new section", (name) => {
    const text = readFixture(name);
    const doc = IniEditor.parse(text, name, naming(name));
    doc.setKeys("profile added", { region: "eu-west-1", output: "json" });
    expect(doc.get("profile added", "region")).toBe("eu-west-1");
    doc.removeKeys("profile added", ["region", "output"], { dropEmptySection: true });
    expect(doc.toString()).toBe(text);
  });

  it.each(fixtures)("restores %s exactly after removeSection of an added section", (name) => {
    const text = readFixture(name);
    const doc = IniEditor.parse(text, name, naming(name));
    doc.setKeys("extra", { aws_access_key_id: "ASIAEXAMPLE" });
    doc.removeSection("extra");
    expect(doc.toString()).toBe(text);
  });
});

describe("IniDocument reading (what botocore's configparser sees)", () => {
  const messy = () => IniEditor.parse(readFixture("config-messy"), "config-messy");

  it("maps headers to the names botocore reads", () => {
    expect(messy().sectionNames()).toEqual([
      "default",
      "profile team.prod",
      "profile my name",
      "profile quoted.dev",
      "sso-session corp",
      "services local-idc",
      "profile a.b.c",
    ]);
  });

  it.each([
    ["default", { region: "us-west-2", output: "text", cli_pager: "" }],
    [
      "profile team.prod",
      {
        sso_session: "corp",
        sso_account_id: "444455556666",
        sso_role_name: "PowerUserAccess",
        output: "json # inline comments are part of the value for botocore",
        s3: "\nmax_concurrent_requests = 20\naddressing_style = path",
      },
    ],
    ["profile my name", { region: "ap-southeast-2" }],
    [
      "profile quoted.dev",
      {
        sso_session: "corp",
        sso_account_id: "777788889999",
        sso_role_name: "ReadOnly",
        credential_process: "/usr/local/bin/helper\n--flag one\n\n--flag two",
      },
    ],
    ["profile a.b.c", { region: "eu-north-1" }],
  ])("reads [%s]", (section, expected) => {
    expect({ ...messy().getSection(section) }).toEqual(expected);
  });

  it("looks keys up case-insensitively and returns nested blocks", () => {
    const doc = messy();
    expect(doc.get("profile a.b.c", "REGION")).toBe("eu-north-1");
    expect({ ...doc.getNested("services local-idc", "sso_oidc") }).toEqual({ endpoint_url: "http://127.0.0.1:8080" });
    expect(doc.getNested("default", "region")).toBeUndefined();
    expect(doc.getSection("profile missing")).toBeUndefined();
    expect(doc.findLine("profile a.b.c", "region")).toBe(43);
    expect(doc.findLine("profile a.b.c")).toBe(42);
  });

  it("reads credentials headers raw: [profile dev] is the profile named 'profile dev'", () => {
    const raw = IniEditor.parse(readFixture("credentials-hand"), "credentials", { sectionNames: "raw" });
    expect(raw.sectionNames()).toEqual(["default", "old-temp", "profile dev"]);
    expect(raw.get("profile dev", "aws_access_key_id")).toBe("AKIAEXAMPLEPROFILEDEV");
  });

  it("lets the later of two headers with one name win wholesale, as botocore does", () => {
    const doc = parse('[profile a]\nx = 1\n[profile "a"]\ny = 2\n');
    expect({ ...doc.getSection("profile a") }).toEqual({ y: "2" });
    doc.setKeys("profile a", { z: "3" });
    expect(doc.toString()).toBe('[profile a]\nx = 1\n[profile "a"]\ny = 2\nz = 3\n');
  });

  it("merges a repeated [DEFAULT] header, which configparser allows", () => {
    expect({ ...parse("[DEFAULT]\nx = 1\n[DEFAULT]\ny = 2\n").getSection("DEFAULT") }).toEqual({ x: "1", y: "2" });
  });

  it("treats lines indented under a key as its continuation, even a bracketed one", () => {
    const doc = parse("[a]\nx = 1\n  [b]\n# c\n\n  more\ny = 2\n");
    expect(doc.sectionNames()).toEqual(["a"]);
    expect(doc.get("a", "x")).toBe("1\n[b]\n\nmore");
  });

  it("takes white space as configparser does: U+0085 and U+001C-U+001F are space, U+FEFF is text", () => {
    const doc = parse("[a]\nx =\x85one\x1f\n\x1cmore\nz = \uFEFFv\ns3 =\n\x85k = v\u2028 m = n\x85\n");
    expect({ ...doc.getSection("a") }).toEqual({ x: "one\nmore", z: "\uFEFFv", s3: "\nk = v\u2028 m = n" });
    expect({ ...doc.getNested("a", "s3") }).toEqual({ k: "v", m: "n" });
  });

  it("finds an indented header in one pass by configparser's white space (but \\n) or U+FEFF, every UTF-16 unit checked", () => {
    const indented = new RegExp(`^${LEADING_SPACE}$`);
    const wrong: number[] = [];
    for (let c = 0; c < 0x10000; c++) if (indented.test(String.fromCharCode(c)) !== (c !== 10 && (isPythonSpace(c) || c === 0xfeff))) wrong.push(c);
    expect(wrong).toEqual([]);
    const doc = IniScanner.scan("[a]\nx = 1\n\x85[b]\ny = 2\n", "c");
    expect({ ...doc.getSection("a") }).toEqual({ x: "1\n[b]", y: "2" });
    expect(doc.getSection("b")).toBeUndefined();
  });

  it("keeps a __proto__ key as data", () => {
    const section = parse("[a]\n__proto__ = 1\n").getSection("a");
    expect(Object.keys(section ?? {})).toEqual(["__proto__"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe("IniDocument errors name file and line, never the line's text", () => {
  it.each([
    ["duplicate section", "[a]\nx = 1\n[a]\n", 3, "duplicate section [a]"],
    ["duplicate key in any case", "[a]\nRegion = 1\nregion = 2\n", 3, 'duplicate key "region"'],
    ["duplicate key across repeated [DEFAULT]", "[DEFAULT]\nx = 1\n[DEFAULT]\nx = 2\n", 4, 'duplicate key "x"'],
    ["key before any section", "region = 1\n[a]\n", 1, "before any [section]"],
    ["indented key before any section", "# c\n  x = 1\n[a]\n", 2, "before any [section]"],
    ["UTF-8 byte order mark", "\uFEFF[a]\nx = 1\n", 1, "byte order mark"],
    // Files saved with one and then joined: configparser's white space has no U+FEFF, JavaScript's does.
    ["byte order mark mid-file, before a header", "[default]\nregion = us-west-2\n\uFEFF[profile dev]\noutput = json\n", 3, "byte order mark (U+FEFF)"],
    ["byte order mark mid-file in a CRLF file", "[a]\r\nx = 1\r\n\uFEFF[b]\r\ny = SECRETVALUE\r\n", 3, "byte order mark (U+FEFF)"],
    ["byte order mark inside a line without = or :", "[a]\nx = 1\nSECRET\uFEFFVALUE\n", 3, "is not a key = value line"],
    ["nested line cut by U+2028, as splitlines() cuts it", "[a]\ns3 =\n  k = v\u2028SECRETVALUE\n", 3, "nested block"],
    ["line without = or :", "[a]\nx = 1\naws_secret_access_key SECRETVALUE\n", 3, "is not a key = value line"],
    ["empty key", "[a]\n= SECRETVALUE\n", 2, "is not a key = value line"],
    ["empty brackets", "[a]\n[]\n", 2, "is not a key = value line"],
    ["nested line without =", "[a]\ns3 =\n  SECRETVALUE\n", 3, "nested block"],
    ["CRLF file", "[a]\r\nx = 1\r\n[a]\r\n", 3, "duplicate section"],
    // botocore checks nested blocks once configparser has read the whole file.
    ["a nested block's error, then a duplicate section", "[a]\ns3 =\n  SECRETVALUE\n[b]\n[a]\n", 5, "duplicate section [a]"],
    ["a nested block's error, then a bad line", "[a]\ns3 =\n  SECRETVALUE\n[b]\nSECRETVALUE\n", 5, "is not a key = value line"],
  ])("%s", (_name, text, line, fragment) => {
    let caught: unknown;
    try {
      IniEditor.parse(text, "/home/u/.aws/config");
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(FileFormatError);
    const err = caught as FileFormatError;
    expect(err.line).toBe(line);
    expect(err.message).toContain(`/home/u/.aws/config:${line}: `);
    expect(err.message).toContain(fragment);
    expect(err.message).not.toContain("SECRETVALUE");
  });
});

describe("IniDocument.setKeys", () => {
  it.each([
    ["replaces a value in place as key = value", "[a]\nx=1\ny = 2\n", "a", { x: "9" }, "[a]\nx = 9\ny = 2\n"],
    ["leaves an equal value's line untouched", "[a]\nX   =   1\n", "a", { x: "1" }, "[a]\nX   =   1\n"],
    ["writes an empty value as key =", "[a]\nx = 1\n", "a", { x: "" }, "[a]\nx =\n"],
    [
      "replaces a value with continuation lines",
      "[a]\nx = 1\n  more\n\n  more\ny = 2\n",
      "a",
      { x: "9" },
      "[a]\nx = 9\ny = 2\n",
    ],
    ["keeps an indented key's indentation", "[a]\n  x = 1\n  y = 2\n", "a", { x: "9", z: "3" }, "[a]\n  x = 9\n  y = 2\n  z = 3\n"],
    [
      "inserts after the last key, before trailing blank and comment lines",
      "[a]\nx = 1\n# about b\n\n[b]\n",
      "a",
      { y: "2", z: "3" },
      "[a]\nx = 1\ny = 2\nz = 3\n# about b\n\n[b]\n",
    ],
    ["inserts right after the header of a section with no keys", "[a]\n\n[b]\n", "a", { y: "2" }, "[a]\ny = 2\n\n[b]\n"],
    ["appends a new section after one blank line", "[a]\nx = 1\n", "b", { y: "2" }, "[a]\nx = 1\n\n[b]\ny = 2\n"],
    ["writes a new section into an empty file", "", "b", { y: "2" }, "[b]\ny = 2\n"],
    ["keeps a missing final newline", "[a]\nx = 1", "a", { y: "2" }, "[a]\nx = 1\ny = 2"],
    ["adds a line ending before a new section", "[a]\nx = 1", "b", { y: "2" }, "[a]\nx = 1\n\n[b]\ny = 2"],
    ["uses CRLF in a CRLF file", "[a]\r\nx = 1\r\n", "b", { y: "2" }, "[a]\r\nx = 1\r\n\r\n[b]\r\ny = 2\r\n"],
    ["edits [profile 'my name'] without touching its header", "[profile 'my name']\nx = 1\n", "profile my name", { x: "2" }, "[profile 'my name']\nx = 2\n"],
    ["quotes a new name with a space as the AWS CLI does", "", "profile my name", { x: "1" }, "[profile 'my name']\nx = 1\n"],
    ["writes a dotted name as it is", "", "profile a.b", { x: "1" }, "[profile a.b]\nx = 1\n"],
  ])("%s", (_name, before, section, entries, after) => {
    const doc = parse(before);
    doc.setKeys(section, entries);
    expect(doc.toString()).toBe(after);
  });

  it.each(fixtures)("keeps everything outside the edited section of %s byte-identical", (name) => {
    const text = readFixture(name);
    const doc = IniEditor.parse(text, name, naming(name));
    for (const section of doc.sectionNames()) {
      const edited = IniEditor.parse(text, name, naming(name));
      const [head, tail] = outside(edited, section);
      const firstKey = Object.keys(edited.getSection(section) ?? {})[0] ?? "k";
      edited.setKeys(section, { [firstKey]: "changed", added_key: "v" });
      expect(outside(edited, section)).toEqual([head, tail]);
      expect(edited.get(section, "added_key")).toBe("v");
      edited.removeKeys(section, ["added_key"]);
      expect(outside(edited, section)).toEqual([head, tail]);
    }
  });

  it.each([
    ["a value with a line break", { x: "a\nb" }],
    ["a value with surrounding spaces", { x: " a" }],
    ["a key with =", { "x=y": "1" }],
    ["a key starting with [", { "[x": "1" }],
  ])("rejects %s without echoing the value", (_name, entries) => {
    expect(() => parse("[a]\n").setKeys("a", entries)).toThrow(/ini key|line break|whitespace/);
  });

  it.each(["profile", "profileX", "profile a'b\nc", ""])("rejects section name %j that clients would not read back", (name) => {
    expect(() => parse("").setKeys(name, { x: "1" })).toThrow();
  });

  it("refuses an edit that would change how another section reads, and leaves the document as it was", () => {
    // "  [b]" is a header only because [a] has no keys; a key added under [a] would swallow it.
    const text = "[a]\n  [b]\n  y = 1\n";
    const doc = parse(text);
    expect(doc.get("b", "y")).toBe("1");
    expect(() => doc.setKeys("a", { x: "1" })).toThrow(FileFormatError);
    expect(doc.toString()).toBe(text);
    expect(doc.get("b", "y")).toBe("1");
  });
});

describe("IniDocument.removeKeys and removeSection", () => {
  it.each([
    ["drops a key with its continuation lines", "[a]\nx = 1\n  more\ny = 2\n", "a", ["X"], "[a]\ny = 2\n", true],
    ["removes an emptied section it added and one blank line before it", "[a]\nx = 1\n\n[b]\ny = 2\n", "b", ["y"], "[a]\nx = 1\n", true],
    ["removes an emptied first section it added and the blank line after it", "[b]\ny = 2\n\n[a]\nx = 1\n", "b", ["y"], "[a]\nx = 1\n", true],
    ["keeps an emptied section that has a comment", "[b]\n# mine\ny = 2\n", "b", ["y"], "[b]\n# mine\n", true],
    ["keeps the header and blank lines of an emptied section someone wrote", "[NEW]\ny = 2\n\n[a]\nx = 1\n", "NEW", ["y"], "[NEW]\n\n[a]\nx = 1\n", false],
    ["keeps an emptied last section someone wrote, without a final newline", "[a]\nx = 1\n[NEW]\ny = 2", "NEW", ["y"], "[a]\nx = 1\n[NEW]", false],
    ["keeps a section that was empty before", "[b]\n\n[a]\nx = 1\n", "b", ["y"], "[b]\n\n[a]\nx = 1\n", true],
    ["ignores a missing section", "[a]\nx = 1\n", "b", ["y"], "[a]\nx = 1\n", true],
    ["keeps a missing final newline", "[a]\nx = 1\ny = 2", "a", ["y"], "[a]\nx = 1", true],
  ])("%s", (_name, before, section, keys, after, dropEmptySection) => {
    const doc = parse(before);
    doc.removeKeys(section, keys, { dropEmptySection });
    expect(doc.toString()).toBe(after);
  });

  it.each([
    ["a middle section", "[a]\nx = 1\n\n[b]\ny = 2\n\n[c]\n", "b", "[a]\nx = 1\n\n[c]\n"],
    ["a section, keeping the comment that introduces the next", "[a]\nx = 1\n# about c\n[c]\n", "a", "# about c\n[c]\n"],
    ["both headers that give one name", '[profile a]\nx = 1\n\n[profile "a"]\ny = 2\n', "profile a", ""],
  ])("removeSection removes %s", (_name, before, section, after) => {
    const doc = parse(before);
    doc.removeSection(section);
    expect(doc.toString()).toBe(after);
  });
});

describe("section names", () => {
  it.each([
    ["profile dev", "profile dev"],
    ['profile "my name"', "profile my name"],
    ["profile 'my name'", "profile my name"],
    ["profile  two", "profile two"],
    ["profile my name", undefined],
    ["profile 'open", undefined],
    ["profileX y", "profile y"],
    [" profile x ", " profile x "],
    ["sso-session my-sso", "sso-session my-sso"],
    ["services local", "services local"],
    ["default", "default"],
    ["Default", "Default"],
  ])("config header [%s] is %j", (header, name) => {
    expect(canonicalSectionName(header, "config")).toBe(name);
  });

  it.each([
    ["profile dev", "profile dev"],
    ["profile my name", "profile 'my name'"],
    ["profile it's", `profile 'it'"'"'s'`],
    ["sso-session a b", "sso-session 'a b'"],
    ["default", "default"],
  ])("writes %j as [%s]", (name, header) => {
    expect(formatSectionHeader(name, "config")).toBe(header);
  });

  it.each([
    [`a "b c" 'd e' f\\ g`, ["a", "b c", "d e", "f g"]],
    [`"a\\"b\\x"`, [`a"b\\x`]],
    [`''`, [""]],
    [`"open`, undefined],
    [`trailing\\`, undefined],
  ])("splits %j like Python shlex.split", (s, words) => {
    expect(splitShellWords(s)).toEqual(words);
  });

  it("names profile sections for the config file", () => {
    expect(profileSectionName("default")).toBe("default");
    expect(profileSectionName("dev")).toBe("profile dev");
  });
});
