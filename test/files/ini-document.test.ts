import { describe, expect, it } from "vitest";
import { FileFormatError } from "../../src/errors.js";
import { IniChain } from "../../src/files/ini-chain.js";
import { type IniDocument, profileSectionName } from "../../src/files/ini-document.js";
import { IniEditor } from "../../src/files/ini-editor.js";
import { canonicalSectionName, formatSectionHeader, splitShellWords } from "../../src/files/ini-section-name.js";
import { readFixture } from "./ini-texts.js";

// What every reading of an ini file answers, as botocore's configparser reads it (the whole reading
// here; the scanner is held to it in ini-scanner.test.ts), and the errors it names.

const parse = (text: string, file = "config"): IniDocument => IniChain.read(text, file);

describe("IniDocument reading (what botocore's configparser sees)", () => {
  const messy = () => IniChain.read(readFixture("config-messy"), "config-messy");

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
    const raw = IniChain.read(readFixture("credentials-hand"), "credentials", { sectionNames: "raw" });
    expect(raw.sectionNames()).toEqual(["default", "old-temp", "profile dev"]);
    expect(raw.get("profile dev", "aws_access_key_id")).toBe("AKIAEXAMPLEPROFILEDEV");
  });

  it("lets the later of two headers with one name win wholesale, as botocore does", () => {
    const doc = IniEditor.parse('[profile a]\nx = 1\n[profile "a"]\ny = 2\n', "config");
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
    [
      "byte order mark mid-file, before a header",
      "[default]\nregion = us-west-2\n\uFEFF[profile dev]\noutput = json\n",
      3,
      "byte order mark (U+FEFF)",
    ],
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
      IniChain.read(text, "/home/u/.aws/config");
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
