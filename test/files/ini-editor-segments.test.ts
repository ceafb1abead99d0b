import { describe, expect, it } from "vitest";
import { FileFormatError } from "../../src/errors.js";
import { IniEditor } from "../../src/files/ini-editor.js";
import { naming, reading, texts } from "./ini-texts.js";

// The document keeps a file as one segment per section with an index by name, and reads again only
// what an edit touched. These tests hold that bookkeeping to the plain definition: after every
// edit, the document must read exactly as a fresh parse of its own text does.

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

describe("IniDocument bookkeeping", () => {
  it.each(texts.flatMap(([name, text]) => [1, 2, 3].map((seed) => [name, seed, text] as const)))(
    "%s reads as a fresh parse after each of 60 random edits (seed %i)",
    (name, seed, text) => {
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
    },
  );

  it("keeps ten thousand sections right through adds, removals and changes", () => {
    const doc = IniEditor.parse("# mine\n[default]\nregion = us-east-1\n", "config");
    for (let i = 0; i < 10_000; i++)
      doc.setKeys(
        `profile p${i}`,
        { sso_session: "s", sso_account_id: String(100000000000 + i), sso_role_name: "Admin" },
        { comment: "# sso-cli configure populate" },
      );
    for (let i = 0; i < 10_000; i += 2) doc.removeSection(`profile p${i}`);
    for (let i = 1; i < 10_000; i += 2) doc.setKeys(`profile p${i}`, { sso_role_name: "ReadOnly" });
    const text = doc.toString();
    expect(text.startsWith("# mine\n[default]\nregion = us-east-1\n\n[profile p1]\n# sso-cli configure populate\nsso_session = s\n")).toBe(
      true,
    );
    expect(IniEditor.parse(text, "config").sectionNames()).toHaveLength(5001);
    expect(doc.get("profile p9999", "sso_role_name")).toBe("ReadOnly");
    expect(doc.findLine("profile p9999")).toBe(text.split("\n").indexOf("[profile p9999]") + 1);
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
