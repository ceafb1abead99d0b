import { describe, expect, it } from "vitest";
import { FileFormatError } from "../../src/errors.js";
import { type IniDocument } from "../../src/files/ini-document.js";
import { IniEditor } from "../../src/files/ini-editor.js";
import { fixtures, naming, readFixture } from "./ini-texts.js";

// The lossless editor: every byte outside the keys an edit changes is kept.

const parse = (text: string, file = "config"): IniEditor => IniEditor.parse(text, file);

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

describe("IniDocument.setKeys", () => {
  it.each([
    ["replaces a value in place as key = value", "[a]\nx=1\ny = 2\n", "a", { x: "9" }, "[a]\nx = 9\ny = 2\n"],
    ["leaves an equal value's line untouched", "[a]\nX   =   1\n", "a", { x: "1" }, "[a]\nX   =   1\n"],
    ["writes an empty value as key =", "[a]\nx = 1\n", "a", { x: "" }, "[a]\nx =\n"],
    ["replaces a value with continuation lines", "[a]\nx = 1\n  more\n\n  more\ny = 2\n", "a", { x: "9" }, "[a]\nx = 9\ny = 2\n"],
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
    [
      "edits [profile 'my name'] without touching its header",
      "[profile 'my name']\nx = 1\n",
      "profile my name",
      { x: "2" },
      "[profile 'my name']\nx = 2\n",
    ],
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
    [
      "removes an emptied first section it added and the blank line after it",
      "[b]\ny = 2\n\n[a]\nx = 1\n",
      "b",
      ["y"],
      "[a]\nx = 1\n",
      true,
    ],
    ["keeps an emptied section that has a comment", "[b]\n# mine\ny = 2\n", "b", ["y"], "[b]\n# mine\n", true],
    [
      "keeps the header and blank lines of an emptied section someone wrote",
      "[NEW]\ny = 2\n\n[a]\nx = 1\n",
      "NEW",
      ["y"],
      "[NEW]\n\n[a]\nx = 1\n",
      false,
    ],
    [
      "keeps an emptied last section someone wrote, without a final newline",
      "[a]\nx = 1\n[NEW]\ny = 2",
      "NEW",
      ["y"],
      "[a]\nx = 1\n[NEW]",
      false,
    ],
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
