import { describe, expect, it } from "vitest";
import { FileFormatError } from "../../src/errors.js";
import { IniChain } from "../../src/files/ini-chain.js";
import { type IniDocument } from "../../src/files/ini-document.js";
import { IniEditor } from "../../src/files/ini-editor.js";
import { IniScanner, LEADING_SPACE } from "../../src/files/ini-scanner.js";
import { isPythonSpace } from "../../src/files/ini-syntax.js";
import { fixtures, naming, readFixture, reading, texts } from "./ini-texts.js";

// The lazy read-only reading of the hot paths, held to the whole reading.

describe("IniScanner", () => {
  it("finds an indented header in one pass by configparser's white space (but \\n) or U+FEFF, every UTF-16 unit checked", () => {
    const indented = new RegExp(`^${LEADING_SPACE}$`);
    const wrong: number[] = [];
    for (let c = 0; c < 0x10000; c++)
      if (indented.test(String.fromCharCode(c)) !== (c !== 10 && (isPythonSpace(c) || c === 0xfeff))) wrong.push(c);
    expect(wrong).toEqual([]);
    const doc = IniScanner.scan("[a]\nx = 1\n\x85[b]\ny = 2\n", "c");
    expect({ ...doc.getSection("a") }).toEqual({ x: "1\n[b]", y: "2" });
    expect(doc.getSection("b")).toBeUndefined();
  });

  it.each(fixtures)("reads %s as the full parse does", (name) => {
    const text = readFixture(name);
    const lazy = IniScanner.scan(text, name, naming(name));
    expect(reading(lazy)).toEqual(reading(IniChain.read(text, name, naming(name))));
  });

  it.each(texts)("finds each section of %s by name, before any listing, as the full parse does", (name, text) => {
    const full = IniChain.read(text, name, naming(name));
    const lazy = IniScanner.scan(text, name, naming(name));
    const lookUp = (doc: IniDocument) =>
      [...full.sectionNames(), "profile missing", "DEFAULT", "default", "sso-session s", "a", "services missing"].map((s) => [
        s,
        doc.hasSection(s),
        { ...doc.getSection(s) },
        doc.findLine(s),
        doc.comments(s),
        doc.get(s, "region"),
      ]);
    expect(lookUp(lazy)).toEqual(lookUp(full));
  });

  it.each(texts)("finds each section of %s as the full parse does when told in advance which to look up", (name, text) => {
    const full = IniChain.read(text, name, naming(name));
    const names = [...full.sectionNames(), "profile missing", "profile a.b*c(d)|e", "DEFAULT"];
    for (const lookUp of [names, names.filter((_, i) => i % 2 === 0)]) {
      const lazy = IniScanner.scan(text, name, { ...naming(name), lookUp });
      const lookUpAll = (doc: IniDocument) =>
        names.map((s) => [s, doc.hasSection(s), { ...doc.getSection(s) }, doc.findLine(s), doc.comments(s)]);
      expect(lookUpAll(lazy)).toEqual(lookUpAll(full));
    }
  });

  it("finds a profile told in advance whose name holds regular-expression characters, and only it", () => {
    const text = "[profile a.b]\nx = 1\n[profile a+b]\nx = 2\n[profile axb]\nx = 3\n";
    for (const name of ["profile a.b", "profile a+b", "profile axb"]) {
      const lazy = IniScanner.scan(text, "config", { lookUp: [name] });
      expect(lazy.get(name, "x")).toBe(IniChain.read(text, "config").get(name, "x"));
    }
    expect(IniScanner.scan(text, "config", { lookUp: ["profile a"] }).hasSection("profile a")).toBe(false);
  });

  it("reads only the sections asked for, so an error elsewhere goes unnoticed until an edit", () => {
    const text = "[profile a]\nx = 1\n[profile b]\nnot a key line\n";
    expect(() => IniChain.read(text, "config")).toThrow(FileFormatError);
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
