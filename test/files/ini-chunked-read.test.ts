import { describe, expect, it } from "vitest";
import { IniChain } from "../../src/files/ini-chain.js";
import { analyze, classify, splitLines } from "../../src/files/ini-syntax.js";
import { naming, texts } from "./ini-texts.js";

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
    const doc = IniChain.read(text, name, opts);
    const lines = splitLines(text);
    const blocks = analyze(lines, name, opts.sectionNames ?? "config");
    expect(doc.toString()).toBe(text);
    expect(doc.listSections()).toEqual(blocks.map((b) => ({ name: b.name, header: b.header, line: b.index + 1 })));
    blocks.forEach((b, i) => {
      if (b.name === undefined || blocks.filter((o) => o.name === b.name).length > 1) return;
      const own = lines.slice(b.index, blocks[i + 1]?.index ?? lines.length);
      expect({
        name: b.name,
        keys: { ...doc.getSection(b.name) },
        comments: doc.comments(b.name),
        line: doc.findLine(b.name, b.keys[0]?.key),
      }).toEqual({
        name: b.name,
        keys: Object.fromEntries(b.keys.map((k) => [k.key, k.value])),
        comments: own.map((l) => classify(l.text)).flatMap((c) => (c.kind === "comment" ? [c.stripped] : [])),
        line: (b.keys[0]?.index ?? b.index) + 1,
      });
    });
  });
});
