import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FileFormatError } from "../../src/errors.js";
import { type IniDocument, type IniReadOptions } from "../../src/files/ini-document.js";
import { IniEditor } from "../../src/files/ini-editor.js";
import { IniScanner } from "../../src/files/ini-scanner.js";
import { analyze, classify, splitLines } from "../../src/files/ini-syntax.js";

// The document keeps a file as one segment per section with an index by name, and reads again only
// what an edit touched. These tests hold that bookkeeping to the plain definition: after every
// edit, the document must read exactly as a fresh parse of its own text does.

const FIXTURES = join(import.meta.dirname, "..", "fixtures", "ini");
const fixtures = readdirSync(FIXTURES).sort();
const readFixture = (name: string): string => readFileSync(join(FIXTURES, name), "utf8");
const naming = (name: string): IniReadOptions => ({ sectionNames: name.startsWith("credentials") ? "raw" : "config" });

/** Everything a reader can ask, as plain data. */
function reading(doc: IniDocument): unknown {
  return {
    text: doc.toString(),
    sections: doc.listSections(),
    values: doc.sectionNames().map((s) => [s, { ...doc.getSection(s) }, doc.findLine(s), doc.comments(s)]),
  };
}

/** A small deterministic generator (mulberry32), so a failure names its seed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Files whose sections read differently once an edit adds or drops a key: indented headers, no final newline. */
const TRICKY: Record<string, string> = {
  "tricky-indented-header": "[a]\n  [b]\n  y = 1\n",
  "tricky-header-after-empty": "[a]\nx = 1\n[b]\n  [c]\nz = 1\n",
  "tricky-no-final-newline": "# top\n[a]\nx = 1\n\n[b]\ny = 2",
  "tricky-crlf-and-cr": "[a]\r\nx = 1\r\n\r\n[b]\ry = 2\r",
  // Plain headers that are not `[profile …]`, which a lazy read notes in its one pass, among header
  // text where no header is (a value, a comment) and names that begin alike.
  "plain-others":
    "[sso-session s2]\nsso_region = x\n[profile a]\nsso_session = s\nnote = [sso-session s]\n# [sso-session s]\n[a]b]\nk = 1\n" +
    "[services x]\ns3 =\n  endpoint_url = y\n[DEFAULT]\nz = 1\n[default]\nregion = 1\n[profile default]\nregion = 2\n[DEFAULT]\nw = 2\n[sso-session s]\nsso_region = r\n",
  "plain-others-crlf": "[profile a]\r\nsso_session = s\r\n\r\n[sso-session s]\r\nsso_region = r\r\n[default]\r\nx = 1",
};
const texts = [...fixtures.map((name) => [name, readFixture(name)] as const), ...Object.entries(TRICKY)];

describe("IniDocument bookkeeping", () => {
  it.each(texts.flatMap(([name, text]) => [1, 2, 3].map((seed) => [name, seed, text] as const)))("%s reads as a fresh parse after each of 60 random edits (seed %i)", (name, seed, text) => {
    const opts = naming(name);
    const doc = IniEditor.parse(text, name, opts);
    const next = random(seed);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
    for (let step = 0; step < 60; step++) {
      const names = [...doc.sectionNames(), "profile new-a", "profile new-b", "extra"];
      const section = pick(names);
      const keys = Object.keys(doc.getSection(section) ?? {});
      const key = next() < 0.5 && keys.length ? pick(keys) : pick(["region", "output", "k1", "k2"]);
      const action = next();
      try {
        if (action < 0.5) doc.setKeys(section, { [key]: pick(["v1", "v2", ""]) }, next() < 0.3 ? { comment: "# note" } : {});
        else if (action < 0.8) doc.removeKeys(section, [key], { dropEmptySection: action < 0.65 });
        else if (action < 0.9) doc.removeSection(section);
        else doc.replaceComment(section, "# note", "# other note");
      } catch (err) {
        // A refused edit is allowed (unusual indentation); it must leave the document as it was.
        expect(err).toBeInstanceOf(FileFormatError);
      }
      expect(reading(doc)).toEqual(reading(IniEditor.parse(doc.toString(), name, opts)));
    }
  });

  it("keeps ten thousand sections right through adds, removals and changes", () => {
    const doc = IniEditor.parse("# mine\n[default]\nregion = us-east-1\n", "config");
    for (let i = 0; i < 10_000; i++) doc.setKeys(`profile p${i}`, { sso_session: "s", sso_account_id: String(100000000000 + i), sso_role_name: "Admin" }, { comment: "# sso-cli configure populate" });
    for (let i = 0; i < 10_000; i += 2) doc.removeSection(`profile p${i}`);
    for (let i = 1; i < 10_000; i += 2) doc.setKeys(`profile p${i}`, { sso_role_name: "ReadOnly" });
    const text = doc.toString();
    expect(text.startsWith("# mine\n[default]\nregion = us-east-1\n\n[profile p1]\n# sso-cli configure populate\nsso_session = s\n")).toBe(true);
    expect(IniEditor.parse(text, "config").sectionNames()).toHaveLength(5001);
    expect(doc.get("profile p9999", "sso_role_name")).toBe("ReadOnly");
    expect(doc.findLine("profile p9999")).toBe(text.split("\n").indexOf("[profile p9999]") + 1);
  });
});

describe("IniDocument reading a file section by section", () => {
  // A whole reading keeps each section as its text, cut before every line that starts with a
  // header, and reads a section again alone when asked. This holds it to configparser's reading of
  // the whole file at once (analyze over every line), which is what it replaced.
  const CUT: Record<string, string> = {
    "cut-indented-header-after-a-header": "[a]\n  [b]\n  y = 1\n[c]\nz = 3\n",
    "cut-indented-header-before-the-first": "# c\n  [a]\nx = 1\n[b]\ny = 2\n",
    "cut-bracket-line-that-is-a-key": "[a]\n[x = 1\n[b]\ny = 2\n",
    "cut-indented-bracket-line-that-continues-a-key": "[a]\nx = 1\n  [b]\n[c]\nz = 3\n",
    "cut-comments-and-blank-lines": "# top\n\n[a]\n# one\nx = 1\n\n; two\n[b]\n",
    "cut-crlf": "[a]\r\nx = 1\r\n\r\n[b]\r\ny = 2\r\n",
  };

  /** Enough sections that the reading cuts the text many times, each kind near some cut. */
  function manySections(eol: string): string {
    const parts = ["# top", ""];
    for (let i = 0; i < 1500; i++) {
      parts.push(`[profile p${i}]`);
      if (i % 6 === 0) parts.push("region = us-east-1", `[x${i} = 1`);
      else if (i % 6 === 1) parts.push(`  [profile q${i}]`, `  y = ${i}`);
      else if (i % 6 === 2) parts.push("x = 1", `  [continued ${i}]`);
      else if (i % 6 === 3) parts.push(`# note ${i}`, "s3 =", "  a = 1");
      else parts.push("sso_session = s", `sso_account_id = ${100000000000 + i}`);
      parts.push("");
    }
    return parts.join(eol);
  }
  const MANY: Record<string, string> = { "cut-many-sections": manySections("\n"), "cut-many-sections-crlf": manySections("\r\n") };

  it.each([...texts, ...Object.entries(CUT), ...Object.entries(MANY)])("reads %s as the whole file's reading does", (name, text) => {
    const opts = naming(name);
    const doc = IniEditor.parse(text, name, opts);
    const lines = splitLines(text);
    const blocks = analyze(lines, name, opts.sectionNames ?? "config");
    expect(doc.toString()).toBe(text);
    expect(doc.listSections()).toEqual(blocks.map((b) => ({ name: b.name, header: b.header, line: b.index + 1 })));
    blocks.forEach((b, i) => {
      if (b.name === undefined || blocks.filter((o) => o.name === b.name).length > 1) return;
      const own = lines.slice(b.index, blocks[i + 1]?.index ?? lines.length);
      expect({ name: b.name, keys: { ...doc.getSection(b.name) }, comments: doc.comments(b.name), line: doc.findLine(b.name, b.keys[0]?.key) }).toEqual({
        name: b.name,
        keys: Object.fromEntries(b.keys.map((k) => [k.key, k.value])),
        comments: own.map((l) => classify(l.text)).flatMap((c) => (c.kind === "comment" ? [c.stripped] : [])),
        line: (b.keys[0]?.index ?? b.index) + 1,
      });
    });
  });
});

describe("IniDocument edits of sections kept as text", () => {
  it("keeps an empty last line without an ending as it is: its text would read back without it", () => {
    // The bytes every later edit gives are the ones this document always gave (two blank lines
    // before [b]); reading the section again from its text would lose the empty line and give one.
    const doc = IniEditor.parse("[a]\nx = 1\n\ny = 2", "config");
    doc.removeKeys("a", ["y"]);
    expect(doc.toString()).toBe("[a]\nx = 1\n");
    doc.setKeys("b", { z: "3" });
    expect(doc.toString()).toBe("[a]\nx = 1\n\n\n[b]\nz = 3");
    doc.setKeys("a", { w: "4" });
    expect(doc.toString()).toBe("[a]\nx = 1\nw = 4\n\n\n[b]\nz = 3");
    expect(doc.findLine("b", "z")).toBe(7);
  });
});

describe("IniDocument text in pieces", () => {
  it.each(texts)("%s: chunks() join to toString(), and hasText knows its own text", (name, text) => {
    const doc = IniEditor.parse(text, name, naming(name));
    doc.setKeys("profile added", { region: "eu-west-1" });
    const whole = doc.toString();
    const chunks = [...doc.chunks(16)];
    expect(chunks.join("")).toBe(whole);
    expect(chunks.slice(0, -1).every((c) => c.length >= 16)).toBe(true);
    expect([...doc.chunks()]).toEqual([whole]);
    expect(doc.hasText(whole)).toBe(true);
    for (const other of [text, whole.slice(0, -1), `${whole}\n`, `x${whole.slice(1)}`, ""]) expect(doc.hasText(other)).toBe(false);
  });

  it("hasText of a document not edited is its text", () => {
    const doc = IniEditor.parse("[a]\nx = 1\n", "config");
    expect([doc.hasText("[a]\nx = 1\n"), doc.hasText("[a]\nx = 1"), [...doc.chunks()].join("")]).toEqual([true, false, "[a]\nx = 1\n"]);
  });
});

describe("IniDocument.changed", () => {
  it("is false until an edit changes a line, whatever was read or asked", () => {
    const doc = IniEditor.parse("[a]\nx = 1\n", "config");
    doc.setKeys("a", { x: "1" });
    doc.removeKeys("a", ["y"]);
    doc.removeSection("b");
    expect(doc.get("a", "x")).toBe("1");
    expect(doc.changed).toBe(false);
    doc.setKeys("a", { x: "2" });
    expect(doc.changed).toBe(true);
  });
});

describe("IniDocument comments", () => {
  it("writes a comment under the header of a new section, and reads a section's comments", () => {
    const doc = IniEditor.parse("[a]\nx = 1\n", "config");
    doc.setKeys("profile b", { y: "2" }, { comment: "# made by a tool" });
    expect(doc.toString()).toBe("[a]\nx = 1\n\n[profile b]\n# made by a tool\ny = 2\n");
    expect(doc.comments("profile b")).toEqual(["# made by a tool"]);
    doc.setKeys("profile b", { z: "3" }, { comment: "# ignored for an existing section" });
    expect(doc.toString()).toBe("[a]\nx = 1\n\n[profile b]\n# made by a tool\ny = 2\nz = 3\n");
    doc.replaceComment("profile b", "# made by a tool", "# changed");
    expect(doc.comments("profile b")).toEqual(["# changed"]);
    doc.removeSection("profile b");
    expect(doc.toString()).toBe("[a]\nx = 1\n");
  });

  it("refuses a comment that is not one comment line", () => {
    expect(() => IniEditor.parse("", "config").setKeys("a", { x: "1" }, { comment: "no hash" })).toThrow(/comment/);
    expect(() => IniEditor.parse("", "config").setKeys("a", { x: "1" }, { comment: "# two\nlines" })).toThrow(/comment/);
  });
});

describe("IniDocument lazy reading", () => {
  it.each(fixtures)("reads %s as the full parse does", (name) => {
    const text = readFixture(name);
    const lazy = IniScanner.scan(text, name, { ...naming(name) });
    expect(reading(lazy)).toEqual(reading(IniEditor.parse(text, name, naming(name))));
  });

  it.each(texts)("finds each section of %s by name, before any listing, as the full parse does", (name, text) => {
    const full = IniEditor.parse(text, name, naming(name));
    const lazy = IniScanner.scan(text, name, { ...naming(name) });
    const lookUp = (doc: IniDocument) =>
      [...full.sectionNames(), "profile missing", "DEFAULT", "default", "sso-session s", "a", "services missing"].map((s) => [s, doc.hasSection(s), { ...doc.getSection(s) }, doc.findLine(s), doc.comments(s), doc.get(s, "region")]);
    expect(lookUp(lazy)).toEqual(lookUp(full));
  });

  it.each(texts)("finds each section of %s as the full parse does when told in advance which to look up", (name, text) => {
    const full = IniEditor.parse(text, name, naming(name));
    const names = [...full.sectionNames(), "profile missing", "profile a.b*c(d)|e", "DEFAULT"];
    for (const lookUp of [names, names.filter((_, i) => i % 2 === 0)]) {
      const lazy = IniScanner.scan(text, name, { ...naming(name), lookUp });
      const lookUpAll = (doc: IniDocument) => names.map((s) => [s, doc.hasSection(s), { ...doc.getSection(s) }, doc.findLine(s), doc.comments(s)]);
      expect(lookUpAll(lazy)).toEqual(lookUpAll(full));
    }
  });

  it("finds a profile told in advance whose name holds regular-expression characters, and only it", () => {
    const text = "[profile a.b]\nx = 1\n[profile a+b]\nx = 2\n[profile axb]\nx = 3\n";
    for (const name of ["profile a.b", "profile a+b", "profile axb"]) {
      const lazy = IniScanner.scan(text, "config", { lookUp: [name] });
      expect(lazy.get(name, "x")).toBe(IniEditor.parse(text, "config").get(name, "x"));
    }
    expect(IniScanner.scan(text, "config", { lookUp: ["profile a"] }).hasSection("profile a")).toBe(false);
  });

  it("reads only the sections asked for, so an error elsewhere goes unnoticed until an edit", () => {
    const text = "[profile a]\nx = 1\n[profile b]\nnot a key line\n";
    expect(() => IniEditor.parse(text, "config")).toThrow(FileFormatError);
    const lazy = IniScanner.scan(text, "config");
    expect(lazy.get("profile a", "x")).toBe("1");
    expect(() => lazy.get("profile b", "x")).toThrow(/config:4: is not a key = value line/);
    expect(() => IniEditor.parse(text, "config").setKeys("profile a", { y: "2" })).toThrow(/config:4:/);
  });

  it("finds a repeated header when that section is read, and merges a repeated [DEFAULT]", () => {
    const lazy = IniScanner.scan("[a]\nx = 1\n[b]\n[a]\n", "config");
    expect(lazy.get("b", "x")).toBeUndefined();
    expect(() => lazy.get("a", "x")).toThrow(/config:4: duplicate section/);
    const merged = IniScanner.scan("[DEFAULT]\nx = 1\n[b]\n[DEFAULT]\ny = 2\n", "config");
    expect({ ...merged.getSection("DEFAULT") }).toEqual({ x: "1", y: "2" });
  });

  it.each([
    ["a key before any section", "x = 1\n[a]\n", /config:1: comes before any/],
    ["a byte order mark", "\uFEFF[a]\n", /byte order mark/],
    ["a [ line that is not a header", "[a]\nx = 1\n[b\n", /config:3: is not a key = value line/],
  ])("still finds %s at once", (_name, text, error) => {
    expect(() => IniScanner.scan(text, "config")).toThrow(error);
  });

  it.each([
    ["spaces", "[a]\nx = 1\n  [b]\n"],
    ["a Unicode line separator, which is white space here, not a line end", "[a]\nx = 1\n\u2028[b]\n"],
    ["a lone carriage return", "[a]\rx = 1\r  [b]\r"],
  ])("reads a [ line indented with %s as the full parse does (a continuation here)", (_name, text) => {
    const lazy = IniScanner.scan(text, "config");
    expect(lazy.sectionNames()).toEqual(["a"]);
    expect(lazy.get("a", "x")).toBe("1\n[b]");
  });
});
