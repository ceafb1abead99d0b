import { BadValueError, FileFormatError } from "../errors.js";
import { formatSectionHeader, type SectionNaming } from "./ini-section-name.js";
import { analyze, splitLines, type Block, type KeyLine, type Line } from "./ini-syntax.js";

export { profileSectionName, type SectionNaming } from "./ini-section-name.js";

// A lossless editor for ~/.aws/config and ~/.aws/credentials. Every line is kept as written (text
// plus its own line ending); edits touch only the lines of the keys they change. The reading rules
// are Python configparser's `RawConfigParser()` defaults, which botocore uses (docs/protocol/config-files.md §2),
// so a file this class accepts is a file botocore accepts, and an error names the line botocore
// would stop at. Keys are case-insensitive, as configparser lower-cases them: `getSection` returns
// lower-cased keys, `get`/`setKeys`/`removeKeys` match any case, and an edited line keeps its
// indentation but is rewritten as `key = value`.

export interface IniParseOptions {
  /**
   * How section headers map to names (ini-section-name.ts). Default `config`; ~/.aws/credentials
   * needs `raw`, which readCredentialsFile uses.
   */
  sectionNames?: SectionNaming;
}

export interface IniSectionInfo {
  /** The name clients read, or undefined when they ignore the section (`[profile a b]`). */
  name: string | undefined;
  /** The bracketed text exactly as written. */
  header: string;
  /** 1-based line number of the header. */
  line: number;
}

export class IniDocument {
  private blocks: Block[];

  private constructor(
    private lines: Line[],
    readonly fileName: string,
    private readonly naming: SectionNaming,
  ) {
    this.blocks = analyze(lines, fileName, naming);
  }

  /** Throws FileFormatError (file and line, never the line's text) where botocore would fail. */
  static parse(text: string, fileName: string, opts: IniParseOptions = {}): IniDocument {
    return new IniDocument(splitLines(text), fileName, opts.sectionNames ?? "config");
  }

  toString(): string {
    return this.lines.map((l) => l.text + l.eol).join("");
  }

  listSections(): IniSectionInfo[] {
    return this.blocks.map((b) => ({ name: b.name, header: b.header, line: b.index + 1 }));
  }

  /** Names of the sections clients read, each once, in file order. */
  sectionNames(): string[] {
    return [...new Set(this.blocks.flatMap((b) => (b.name === undefined ? [] : [b.name])))];
  }

  hasSection(name: string): boolean {
    return this.blocks.some((b) => b.name === name);
  }

  /** The section's keys (lower-cased) and values as botocore reads them; undefined if absent. */
  getSection(name: string): Record<string, string> | undefined {
    const blocks = this.effectiveBlocks(name);
    if (blocks.length === 0) return undefined;
    // No prototype: a key named `__proto__` stays an ordinary key.
    const out = Object.create(null) as Record<string, string>;
    for (const k of blocks.flatMap((b) => b.keys)) out[k.key] = k.value;
    return out;
  }

  get(section: string, key: string): string | undefined {
    return this.findKey(section, key)?.value;
  }

  /**
   * A nested block (`s3 =` followed by indented `k = v` lines) as botocore's `_parse_nested` reads
   * it; undefined when the key is absent or holds a plain value.
   */
  getNested(section: string, key: string): Record<string, string> | undefined {
    const value = this.get(section, key);
    if (value === undefined || !value.startsWith("\n")) return undefined;
    const out = Object.create(null) as Record<string, string>;
    for (const line of value.split("\n")) {
      const eq = line.indexOf("=");
      if (eq >= 0) out[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
    }
    return out;
  }

  /** 1-based line of the key (or of the section header when no key is given), for messages. */
  findLine(section: string, key?: string): number | undefined {
    if (key !== undefined) {
      const k = this.findKey(section, key);
      return k && k.index + 1;
    }
    const b = this.effectiveBlocks(section).at(-1);
    return b && b.index + 1;
  }

  /**
   * Sets keys: an existing key's lines are replaced in place by `key = value` (left alone if the value
   * is already equal); missing keys go after the section's last key; a missing section is appended
   * at the end, after one blank line.
   */
  setKeys(section: string, entries: Record<string, string>): void {
    const pairs = Object.entries(entries);
    for (const [key, value] of pairs) checkKeyValue(key, value);
    if (new Set(pairs.map(([k]) => k.toLowerCase())).size !== pairs.length) {
      throw new BadValueError(`The same key is given twice for [${section}].`);
    }
    this.edit(section, () => {
      const eol = this.dominantEol();
      if (this.effectiveBlocks(section).length === 0) {
        const header = /[\r\n]/.test(section) || section === "" ? undefined : formatSectionHeader(section, this.naming);
        if (header === undefined) {
          throw new BadValueError(`Cannot write a section named "${section}" that clients would read back.`);
        }
        const added = this.lines.length > 0 ? [{ text: "", eol }] : [];
        this.insertLines(this.lines.length, [...added, { text: `[${header}]`, eol }]);
        this.reanalyze();
      }
      const keys = this.effectiveBlocks(section).flatMap((b) => b.keys);
      const replace: Array<[KeyLine, string]> = [];
      const missing: Line[] = [];
      for (const [key, value] of pairs) {
        const existing = keys.find((k) => k.key === key.toLowerCase());
        const text = `${key}${value === "" ? " =" : ` = ${value}`}`;
        if (existing === undefined) missing.push({ text, eol });
        else if (existing.value !== value) replace.push([existing, existing.indent + text]);
      }
      // Bottom-up, so the indexes of lines above stay valid.
      for (const [k, text] of replace.sort(([a], [b]) => b.index - a.index)) {
        const lastEol = (this.lines[k.end - 1] as Line).eol;
        this.deleteLines(k.index + 1, k.end);
        this.lines[k.index] = { text, eol: lastEol };
      }
      if (missing.length > 0) {
        if (replace.length > 0) this.reanalyze();
        const block = this.effectiveBlocks(section).at(-1) as Block;
        const lastKey = block.keys.at(-1);
        const indent = lastKey?.indent ?? "";
        this.insertLines(lastKey ? lastKey.end : block.index + 1, missing.map((l) => ({ ...l, text: indent + l.text })));
      }
    });
    for (const [key, value] of pairs) {
      if (this.get(section, key) !== value) throw this.refuse(section, "the new value would not read back as written");
    }
  }

  /**
   * Drops the keys' lines (continuation lines too). A section left with no keys and no comments loses
   * its header and one adjacent blank line, so removing what setKeys added restores the bytes.
   */
  removeKeys(section: string, keys: string[]): void {
    const wanted = new Set(keys.map((k) => k.toLowerCase()));
    const hits = this.effectiveBlocks(section).flatMap((b) => b.keys).filter((k) => wanted.has(k.key));
    // Nothing to remove: a section that was already empty is the user's; leave its header alone.
    if (hits.length === 0) return;
    this.edit(section, () => {
      for (const k of hits.reverse()) this.deleteLines(k.index, k.end);
      this.reanalyze();
      for (const block of this.effectiveBlocks(section).reverse()) {
        if (block.keys.length === 0 && !block.hasComment) this.deleteSectionLines(block, block.index + 1);
      }
    });
  }

  /**
   * Removes every section with this name: its header and the lines up to its last key. Comments and
   * blank lines after the last key stay (they usually introduce the next section).
   */
  removeSection(name: string): void {
    if (!this.hasSection(name)) return;
    this.edit(name, () => {
      for (const block of this.blocks.filter((b) => b.name === name).reverse()) {
        this.deleteSectionLines(block, block.keys.at(-1)?.end ?? block.index + 1);
      }
    });
  }

  private findKey(section: string, key: string): KeyLine | undefined {
    const lower = key.toLowerCase();
    return this.effectiveBlocks(section).flatMap((b) => b.keys).find((k) => k.key === lower);
  }

  /**
   * The blocks botocore reads for a name: when two headers give one name (`[profile a]` and
   * `[profile "a"]`) the later wins wholesale; a repeated `[DEFAULT]` header is merged.
   */
  private effectiveBlocks(name: string): Block[] {
    const all = this.blocks.filter((b) => b.name === name);
    const last = all.at(-1);
    return last === undefined ? [] : all.filter((b) => b.header === last.header);
  }

  private reanalyze(): void {
    this.blocks = analyze(this.lines, this.fileName, this.naming);
  }

  /** Runs an edit, then proves every other section still reads exactly as before. */
  private edit(section: string, change: () => void): void {
    const before = this.blocks;
    const saved = this.lines.slice();
    try {
      change();
      this.reanalyze();
      if (!readSame(before, this.blocks, section)) throw this.refuse(section, "the edit would change other sections");
    } catch (err) {
      this.lines = saved;
      this.reanalyze();
      throw err;
    }
  }

  private refuse(section: string, why: string): FileFormatError {
    return new FileFormatError(
      this.fileName,
      this.findLine(section),
      `cannot edit [${section}] safely: ${why} (unusual indentation?)`,
      "Edit this section by hand, then try again.",
    );
  }

  /** Deletes a block's lines (block.index up to end) and one adjacent blank line. Bottom-up safe. */
  private deleteSectionLines(block: Block, end: number): void {
    let start = block.index;
    this.deleteLines(start, end);
    if (start > 0 && isBlank(this.lines[start - 1])) start -= 1;
    else if (!isBlank(this.lines[start])) return;
    this.deleteLines(start, start + 1);
  }

  // Line objects are never changed in place (edit() restores a shallow copy of the array on failure).
  // A file without a final line ending keeps that property through inserts and deletes at its end,
  // which is what makes set-then-remove restore the original bytes.
  private insertLines(at: number, added: Line[]): void {
    const prev = this.lines[at - 1];
    if (at === this.lines.length && prev !== undefined && prev.eol === "" && added.length > 0) {
      this.lines[at - 1] = { ...prev, eol: this.dominantEol() };
      added[added.length - 1] = { ...(added[added.length - 1] as Line), eol: "" };
    }
    this.lines.splice(at, 0, ...added);
  }

  private deleteLines(start: number, end: number): void {
    if (end <= start) return;
    const endedWithoutEol = end === this.lines.length && this.lines[end - 1]?.eol === "";
    this.lines.splice(start, end - start);
    const last = this.lines.length - 1;
    const newLast = this.lines[last];
    if (endedWithoutEol && start === this.lines.length && newLast !== undefined) this.lines[last] = { ...newLast, eol: "" };
  }

  private dominantEol(): string {
    const counts = new Map<string, number>();
    for (const l of this.lines) if (l.eol !== "") counts.set(l.eol, (counts.get(l.eol) ?? 0) + 1);
    let best = "\n";
    for (const [eol, n] of counts) if (n > (counts.get(best) ?? 0)) best = eol;
    return best;
  }
}

function isBlank(line: Line | undefined): boolean {
  return line !== undefined && line.text.trim() === "";
}

function checkKeyValue(key: string, value: string): void {
  if (key === "" || key !== key.trim() || /[=:\r\n]/.test(key) || /^[#;[]/.test(key)) {
    throw new BadValueError(`"${key}" cannot be written as an ini key.`);
  }
  // The value is not echoed: it may be a secret.
  if (/[\r\n]/.test(value)) throw new BadValueError(`The value for ${key} contains a line break.`);
  if (value !== value.trim()) throw new BadValueError(`The value for ${key} starts or ends with whitespace.`);
}

/** Whether every section other than `except` has the same header, keys and values in both. */
function readSame(before: Block[], after: Block[], except: string): boolean {
  const a = before.filter((b) => b.name !== except);
  const b = after.filter((x) => x.name !== except);
  return a.length === b.length && a.every((x, i) => {
    const y = b[i] as Block;
    return x.header === y.header && x.keys.length === y.keys.length &&
      x.keys.every((k, j) => k.key === y.keys[j]?.key && k.value === y.keys[j]?.value);
  });
}
