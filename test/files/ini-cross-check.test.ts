import { readFile } from "node:fs/promises";
import { parse as parseWithIni } from "ini";
import { describe, expect, it } from "vitest";
import { IniChain } from "../../src/files/ini-chain.js";

// A second reader for plain files: where the `ini` package and botocore agree (no dotted names,
// which ini nests; no inline comments or continuation lines, which it reads differently), our
// lossless document must read every section and value exactly as ini does. The editing itself is
// ours because ini drops comments, blank lines and key order on the way back to text.
const FIXTURES = ["config-sso", "credentials-crlf-no-final-newline"];

describe("IniDocument reads plain files as the ini package does", () => {
  it.each(FIXTURES)("%s", async (name) => {
    const text = await readFile(new URL(`../fixtures/ini/${name}`, import.meta.url), "utf8");
    const doc = IniChain.read(text, name, { sectionNames: "raw" });
    const fromIni = parseWithIni(text) as Record<string, Record<string, string>>;
    const ours = Object.fromEntries(doc.sectionNames().map((s) => [s, { ...doc.getSection(s) }]));
    expect(Object.keys(ours).length).toBeGreaterThan(1);
    expect(ours).toEqual(JSON.parse(JSON.stringify(fromIni)));
  });
});
