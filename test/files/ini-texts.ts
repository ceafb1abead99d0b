import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { IniDocument, IniReadOptions } from "../../src/files/ini-document.js";

// The ini fixtures, and texts that are tricky for a reading by sections, shared by the ini tests.

export const FIXTURES = join(import.meta.dirname, "..", "fixtures", "ini");
export const fixtures = readdirSync(FIXTURES).sort();
export const readFixture = (name: string): string => readFileSync(join(FIXTURES, name), "utf8");
export const naming = (name: string): IniReadOptions => ({ sectionNames: name.startsWith("credentials") ? "raw" : "config" });

/** Everything a reader can ask, as plain data. */
export function reading(doc: IniDocument): unknown {
  return {
    text: doc.toString(),
    sections: doc.listSections(),
    values: doc.sectionNames().map((s) => [s, { ...doc.getSection(s) }, doc.findLine(s), doc.comments(s)]),
  };
}

/** Files whose sections read differently once an edit adds or drops a key: indented headers, no final newline. */
export const TRICKY: Record<string, string> = {
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
export const texts = [...fixtures.map((name) => [name, readFixture(name)] as const), ...Object.entries(TRICKY)];
