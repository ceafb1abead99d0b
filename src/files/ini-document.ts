import { BadValueError, FileFormatError } from "../errors.js";
import { canonicalSectionName, formatSectionHeader, type SectionNaming } from "./ini-section-name.js";

export { profileSectionName, type SectionNaming } from "./ini-section-name.js";

// A lossless editor for ~/.aws/config and ~/.aws/credentials. Every line is kept as written (text
// plus its own line ending); edits touch only the lines of the keys they change. The reading rules
// are Python configparser's `RawConfigParser()` defaults, which botocore uses (config-files.md §2),
// so a file this class accepts is a file botocore accepts, and an error names the line botocore
// would stop at. Keys are case-insensitive, as configparser lower-cases them: `getSection` returns
// lower-cased keys, `get`/`setKeys`/`removeKeys` match any case, and an edited line keeps its
// indentation but is rewritten as `key = value`.

export interface IniParseOptions {
  /** How section headers map to names; default `config` (see ini-section-name.ts). */
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

interface Line {
  text: string;
  eol: string;
}

interface KeyLine {
  key: string;
  index: number;
  /** Index after the key's last continuation line. */
  end: number;
  indent: string;
  parts: string[];
  continuations: number[];
  value: string;
}

interface Block {
  header: string;
  name: string | undefined;
  index: number;
  keys: KeyLine[];
  hasComment: boolean;
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
    for (const [key, value] of Object.entries(entries)) checkKeyValue(key, value);
    this.edit(section, () => {
      const eol = this.dominantEol();
      let blocks = this.effectiveBlocks(section);
      if (blocks.length === 0) {
        const header = formatSectionHeader(section, this.naming);
        if (header === undefined || /[\r\n]/.test(section) || section === "") {
          throw new BadValueError(`Cannot write a section named "${section}" that clients would read back.`);
        }
        const added = this.lines.length > 0 ? [{ text: "", eol }] : [];
        this.insertLines(this.lines.length, [...added, { text: `[${header}]`, eol }]);
        blocks = this.effectiveBlocks(section);
      }
      const missing: Line[] = [];
      for (const [key, value] of Object.entries(entries)) {
        const existing = blocks.flatMap((b) => b.keys).find((k) => k.key === key.toLowerCase());
        if (existing === undefined) missing.push({ text: `${key}${value === "" ? " =" : ` = ${value}`}`, eol });
        else if (existing.value !== value) {
          const last = this.lines[existing.end - 1] as Line;
          const text = `${existing.indent}${key}${value === "" ? " =" : ` = ${value}`}`;
          this.deleteLines(existing.index + 1, existing.end);
          this.lines[existing.index] = { text, eol: last.eol };
          this.blocks = analyze(this.lines, this.fileName, this.naming);
          blocks = this.effectiveBlocks(section);
        }
      }
      if (missing.length > 0) {
        const block = blocks.at(-1) as Block;
        const lastKey = block.keys.at(-1);
        const indent = lastKey?.indent ?? "";
        this.insertLines(lastKey ? lastKey.end : block.index + 1, missing.map((l) => ({ ...l, text: indent + l.text })));
      }
    });
    for (const [key, value] of Object.entries(entries)) {
      if (this.get(section, key) !== value) throw this.refuse(section, "the new value would not read back as written");
    }
  }

  /**
   * Drops the keys' lines (continuation lines too). A section left with no keys and no comments loses
   * its header and one adjacent blank line, so removing what setKeys added restores the bytes.
   */
  removeKeys(section: string, keys: string[]): void {
    const wanted = new Set(keys.map((k) => k.toLowerCase()));
    this.edit(section, () => {
      let removed = false;
      for (;;) {
        const hit = this.effectiveBlocks(section).flatMap((b) => b.keys).find((k) => wanted.has(k.key));
        if (hit === undefined) break;
        this.deleteLines(hit.index, hit.end);
        this.blocks = analyze(this.lines, this.fileName, this.naming);
        removed = true;
      }
      // A section that was empty before this call is the user's; leave its header alone.
      if (!removed) return;
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
    this.edit(name, () => {
      for (;;) {
        const block = this.blocks.findLast((b) => b.name === name);
        if (block === undefined) break;
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

  /** Runs an edit, then proves every other section still reads exactly as before. */
  private edit(section: string, change: () => void): void {
    const before = fingerprint(this.blocks, section);
    const saved = this.lines.map((l) => ({ ...l }));
    try {
      change();
      this.blocks = analyze(this.lines, this.fileName, this.naming);
      if (fingerprint(this.blocks, section) !== before) throw this.refuse(section, "the edit would change other sections");
    } catch (err) {
      this.lines = saved;
      this.blocks = analyze(this.lines, this.fileName, this.naming);
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

  private deleteSectionLines(block: Block, end: number): void {
    let start = block.index;
    this.deleteLines(start, end);
    if (start > 0 && isBlank(this.lines[start - 1])) start -= 1;
    else if (!isBlank(this.lines[start])) start = -1;
    if (start >= 0) this.deleteLines(start, start + 1);
    this.blocks = analyze(this.lines, this.fileName, this.naming);
  }

  // A file without a final line ending keeps that property through inserts and deletes at its end,
  // which is what makes set-then-remove restore the original bytes.
  private insertLines(at: number, added: Line[]): void {
    const prev = this.lines[at - 1];
    if (at === this.lines.length && prev !== undefined && prev.eol === "" && added.length > 0) {
      prev.eol = this.dominantEol();
      (added[added.length - 1] as Line).eol = "";
    }
    this.lines.splice(at, 0, ...added);
    this.blocks = analyze(this.lines, this.fileName, this.naming);
  }

  private deleteLines(start: number, end: number): void {
    if (end <= start) return;
    const endedWithoutEol = end === this.lines.length && this.lines[end - 1]?.eol === "";
    this.lines.splice(start, end - start);
    const newLast = this.lines[this.lines.length - 1];
    if (endedWithoutEol && start === this.lines.length && newLast !== undefined) newLast.eol = "";
  }

  private dominantEol(): string {
    const counts = new Map<string, number>();
    for (const l of this.lines) if (l.eol !== "") counts.set(l.eol, (counts.get(l.eol) ?? 0) + 1);
    let best = "\n";
    for (const [eol, n] of counts) if (n > (counts.get(best) ?? 0)) best = eol;
    return best;
  }
}

function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  const re = /\r\n|\r|\n/g;
  let last = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    lines.push({ text: text.slice(last, m.index), eol: m[0] });
    last = m.index + m[0].length;
  }
  if (last < text.length) lines.push({ text: text.slice(last), eol: "" });
  return lines;
}

function isBlank(line: Line | undefined): boolean {
  return line !== undefined && line.text.trim() === "";
}

function isComment(stripped: string): boolean {
  return stripped.startsWith("#") || stripped.startsWith(";");
}

function checkKeyValue(key: string, value: string): void {
  if (key === "" || key !== key.trim() || /[=:\r\n]/.test(key) || /^[#;[]/.test(key)) {
    throw new BadValueError(`"${key}" cannot be written as an ini key.`);
  }
  // The value is not echoed: it may be a secret.
  if (/[\r\n]/.test(value)) throw new BadValueError(`The value for ${key} contains a line break.`);
  if (value !== value.trim()) throw new BadValueError(`The value for ${key} starts or ends with whitespace.`);
}

function fingerprint(blocks: Block[], except: string): string {
  return JSON.stringify(
    blocks.filter((b) => b.name !== except).map((b) => [b.header, b.keys.map((k) => [k.key, k.value])]),
  );
}

/** configparser's `_read` loop, line for line (Lib/configparser.py, strict mode, no inline comments). */
function analyze(lines: Line[], file: string, naming: SectionNaming): Block[] {
  const fail = (index: number, detail: string): FileFormatError => new FileFormatError(file, index + 1, detail);
  if (lines[0]?.text.startsWith("\uFEFF")) {
    throw fail(0, "starts with a UTF-8 byte order mark, which botocore cannot read; save the file without it");
  }
  const blocks: Block[] = [];
  const seenSections = new Set<string>();
  const seenKeys = new Set<string>();
  let block: Block | undefined;
  let key: KeyLine | undefined;
  let indentLevel = 0;
  lines.forEach((line, index) => {
    const stripped = line.text.trim();
    if (stripped === "") {
      key?.parts.push("");
      return;
    }
    if (isComment(stripped)) {
      if (block) block.hasComment = true;
      return;
    }
    const indent = line.text.search(/\S/);
    if (block && key && indent > indentLevel) {
      key.parts.push(stripped);
      key.continuations.push(index);
      key.end = index + 1;
      return;
    }
    indentLevel = indent;
    const header = /^\[(.+)\]/s.exec(stripped)?.[1];
    if (header !== undefined) {
      // configparser allows `[DEFAULT]` again (its keys merge) but no other repeated header.
      if (header !== "DEFAULT" && seenSections.has(header)) throw fail(index, `duplicate section [${header}]`);
      seenSections.add(header);
      block = { header, name: canonicalSectionName(header, naming), index, keys: [], hasComment: false };
      blocks.push(block);
      key = undefined;
      return;
    }
    if (!block) throw fail(index, "comes before any [section] header");
    const m = /^(.*?)\s*[=:]\s*(.*)$/s.exec(stripped);
    if (!m || m[1] === "") throw fail(index, "is not a key = value line, a comment or a [section] header");
    const name = (m[1] as string).trimEnd().toLowerCase();
    const id = `${block.header}\u0000${name}`;
    if (seenKeys.has(id)) throw fail(index, `duplicate key "${name}" in section [${block.header}]`);
    seenKeys.add(id);
    key = { key: name, index, end: index + 1, indent: line.text.slice(0, indent), parts: [(m[2] as string).trim()], continuations: [], value: "" };
    block.keys.push(key);
  });
  for (const k of blocks.flatMap((b) => b.keys)) {
    k.value = k.parts.join("\n").trimEnd();
    // botocore's `_parse_nested`: a value that starts on the next line is a block of `k = v` lines.
    if (k.value.startsWith("\n")) {
      const bad = k.continuations.find((i) => !(lines[i] as Line).text.includes("="));
      if (bad !== undefined) throw fail(bad, `is inside the nested block of "${k.key}" but has no "="`);
    }
  }
  return blocks;
}
