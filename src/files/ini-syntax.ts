import { BadValueError, FileFormatError } from "../errors.js";
import { canonicalSectionName, type SectionNaming } from "./ini-section-name.js";

// How Python configparser's `RawConfigParser()` (botocore's reader) sees the lines of an ini file:
// which are headers, keys, continuations, comments, and which are errors; and how a key or comment
// line is written so that it reads back as written. Every reading (ini-document.ts) and the editor
// (ini-editor.ts) are built on this. docs/protocol/config-files.md §2.

export interface Line {
  text: string;
  eol: string;
}

export interface KeyLine {
  key: string;
  index: number;
  /** Index after the key's last continuation line. */
  end: number;
  indent: string;
  value: string;
  /** Indexes of the continuation lines, when there are any. */
  continuations: number[] | undefined;
}

export interface Block {
  header: string;
  name: string | undefined;
  index: number;
  keys: KeyLine[];
  hasComment: boolean;
}

// The objects and arrays a reading makes for every line, key and section are made by constructors,
// not as literals. V8 watches each literal's allocation site and, when a full collection finishes
// while most of a site's recent objects still look alive (as they do while it is marking), allocates
// all that site's objects in the old generation from then on. Objects that live for microseconds
// then pile up there until the next full collection: once that happened while 50,000 sections were
// read, a populate's peak memory grew by half. A constructor call has no such site.

class ReadLine implements Line {
  constructor(
    readonly text: string,
    readonly eol: string,
  ) {}
}

class ReadKey implements KeyLine {
  end: number;
  continuations: number[] | undefined = undefined;
  constructor(
    readonly key: string,
    public index: number,
    readonly indent: string,
    public value: string,
  ) {
    this.end = index + 1;
  }
}

class ReadBlock implements Block {
  keys = new Array<KeyLine>();
  hasComment = false;
  constructor(
    readonly header: string,
    readonly name: string | undefined,
    public index: number,
  ) {}
}

/** Lines with their own endings (`\n`, `\r\n` or a lone `\r`: Python ends lines at all three). */
export function splitLines(text: string): Line[] {
  const lines = new Array<Line>();
  let last = 0;
  if (!text.includes("\r")) {
    // The common case, without a regular expression: files of 400,000 lines are read here.
    for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", last)) {
      lines.push(new ReadLine(text.slice(last, i), "\n"));
      last = i + 1;
    }
  } else {
    const re = /\r\n|\r|\n/g;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      lines.push(new ReadLine(text.slice(last, m.index), m[0]));
      last = m.index + m[0].length;
    }
  }
  if (last < text.length) lines.push(new ReadLine(text.slice(last), ""));
  return lines;
}

/**
 * Python's `str.isspace()` for one UTF-16 code unit (every such character is in the Basic
 * Multilingual Plane): the white space configparser's `strip()` and `\S` see. Not JavaScript's `\s`
 * and `trim()`: those also take U+FEFF (a byte order mark, which configparser keeps as text), and
 * leave U+001C–U+001F and U+0085 (which configparser strips).
 */
export function isPythonSpace(c: number): boolean {
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13) || (c >= 28 && c <= 31);
  if (c < 133) return false;
  return (
    c === 133 ||
    c === 160 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  );
}

/** Python `s.strip()`. */
export function pythonStrip(s: string): string {
  let start = 0;
  while (start < s.length && isPythonSpace(s.charCodeAt(start))) start++;
  return start === s.length ? "" : pythonStripEnd(start === 0 ? s : s.slice(start));
}

/** Python `s.rstrip()`. */
export function pythonStripEnd(s: string): string {
  let end = s.length;
  while (end > 0 && isPythonSpace(s.charCodeAt(end - 1))) end--;
  return end === s.length ? s : s.slice(0, end);
}

/** Python `str.splitlines()`, which ends lines at more than `\n`, `\r\n` and `\r` (botocore's nested values are cut with it). */
export function pythonSplitLines(s: string): string[] {
  const lines = s.split(/\r\n|[\n\v\f\r\x1c-\x1e\x85\u2028\u2029]/);
  if (lines.at(-1) === "") lines.pop();
  return lines;
}

/** Index of the first character that is not Python white space; -1 when there is none. */
function indentOf(text: string): number {
  for (let i = 0; i < text.length; i++) if (!isPythonSpace(text.charCodeAt(i))) return i;
  return -1;
}

/** What a line is on its own; context (section, indentation of the key above) comes in analyze(). */
export interface LineInfo {
  stripped: string;
  indent: number;
  kind: "blank" | "comment" | "header" | "option" | "bad";
  header?: string;
  key?: string;
  value?: string;
}

class LineReading implements LineInfo {
  stripped = "";
  indent = 0;
  kind: LineInfo["kind"] = "blank";
  header: string | undefined = undefined;
  key: string | undefined = undefined;
  value: string | undefined = undefined;
}

export function classify(text: string): LineInfo {
  const info = new LineReading();
  classifyInto(text, info);
  return info;
}

/**
 * classify() into an object the caller reuses: reading a file allocates nothing per line beyond
 * the strings it keeps. The rules are configparser's: a header is `[` to the last `]` (its
 * SECTCRE, `\[(?P<header>.+)\]`), an option splits at the first `=` or `:` (OPTCRE).
 */
function classifyInto(text: string, out: LineInfo): void {
  const first = text.charCodeAt(0);
  // Most lines start with a visible ASCII character: no indentation to measure.
  out.indent = first > 32 && first < 127 ? 0 : indentOf(text);
  const stripped = out.indent === 0 ? pythonStripEnd(text) : out.indent < 0 ? "" : pythonStripEnd(text.slice(out.indent));
  out.stripped = stripped;
  out.header = undefined;
  out.key = undefined;
  out.value = undefined;
  const c = stripped.charCodeAt(0);
  if (stripped === "") out.kind = "blank";
  else if (c === 35 || c === 59) out.kind = "comment";
  else {
    const close = c === 91 ? stripped.lastIndexOf("]") : -1;
    if (close >= 2) {
      out.kind = "header";
      out.header = stripped.slice(1, close);
      return;
    }
    const eq = stripped.indexOf("=");
    const colon = stripped.indexOf(":");
    const at = eq < 0 ? colon : colon < 0 ? eq : Math.min(eq, colon);
    if (at <= 0) out.kind = "bad";
    else {
      out.kind = "option";
      out.key = pythonStripEnd(stripped.slice(0, at)).toLowerCase();
      out.value = pythonStrip(stripped.slice(at + 1));
    }
  }
}

/**
 * configparser's `_read` loop, line for line (Lib/configparser.py, strict mode, no inline comments).
 * A caller analysing part of a file (one section) passes `lineOffset`, where the part starts, which
 * is only asked when there is an error; the whole file's checks (a byte order mark) are then skipped.
 */
export function analyze(lines: Line[], file: string, naming: SectionNaming, lineOffset?: () => number): Block[] {
  const fail = (index: number, detail: string): FileFormatError => new FileFormatError(file, (lineOffset?.() ?? 0) + index + 1, detail);
  if (lineOffset === undefined && lines[0]?.text.startsWith("\uFEFF")) {
    throw fail(0, "starts with a UTF-8 byte order mark, which botocore cannot read; save the file without it");
  }
  const blocks = new Array<Block>();
  const headers = new Set<string>();
  // Keys of the [DEFAULT] sections (configparser merges repeated ones, and a key twice is an error),
  // and of any section with many keys, as "INDEX\0key".
  const seenKeys = new Set<string>();
  const info = new LineReading();
  let block: Block | undefined;
  let key: KeyLine | undefined;
  // The value's lines once it has continuations; blank lines count only when more text follows.
  let parts: string[] | undefined;
  let blanks = 0;
  let indentLevel = 0;
  let nested: Array<[Block, KeyLine]> | undefined;
  const finishKey = (): void => {
    if (key === undefined) return;
    if (parts !== undefined) key.value = parts.join("\n");
    if (key.value.startsWith("\n")) (nested ??= []).push([block as Block, key]);
    key = undefined;
    parts = undefined;
    blanks = 0;
  };
  for (let index = 0; index < lines.length; index++) {
    classifyInto((lines[index] as Line).text, info);
    if (info.kind === "blank") {
      if (key) blanks += 1;
      continue;
    }
    if (info.kind === "comment") {
      if (block) block.hasComment = true;
      continue;
    }
    if (block && key && info.indent > indentLevel) {
      parts ??= [key.value];
      for (; blanks > 0; blanks--) parts.push("");
      parts.push(info.stripped);
      (key.continuations ??= []).push(index);
      key.end = index + 1;
      continue;
    }
    finishKey();
    indentLevel = info.indent;
    if (info.kind === "header") {
      const header = info.header as string;
      // configparser allows `[DEFAULT]` again (its keys merge) but no other repeated header.
      if (header !== "DEFAULT" && headers.has(header)) throw fail(index, `duplicate section [${header}]`);
      headers.add(header);
      block = new ReadBlock(header, sectionName(header, naming), index);
      blocks.push(block);
      continue;
    }
    if ((!block || info.kind === "bad") && info.stripped.startsWith("\uFEFF")) {
      // Left where files saved with one were joined: configparser takes it for text, not space.
      throw fail(index, "holds a byte order mark (U+FEFF), which botocore cannot read; delete that character");
    }
    if (!block) throw fail(index, "comes before any [section] header");
    if (info.kind === "bad") throw fail(index, "is not a key = value line, a comment or a [section] header");
    const name = info.key as string;
    const isDefault = block.header === "DEFAULT";
    // Sections have a handful of keys: a scan is cheaper than a set per section, up to a point.
    if (!isDefault && block.keys.length === 32) for (const k of block.keys) seenKeys.add(`${block.index}\u0000${k.key}`);
    const seen = isDefault
      ? seenKeys.has(name)
      : block.keys.length < 32
        ? block.keys.some((k) => k.key === name)
        : seenKeys.has(`${block.index}\u0000${name}`);
    if (seen) throw fail(index, `duplicate key "${name}" in section [${block.header}]`);
    if (isDefault) seenKeys.add(name);
    else if (block.keys.length >= 32) seenKeys.add(`${block.index}\u0000${name}`);
    const text = (lines[index] as Line).text;
    key = new ReadKey(name, index, text.slice(0, info.indent), info.value as string);
    block.keys.push(key);
  }
  finishKey();
  // botocore's `_parse_nested`, after configparser has read the whole file: a value that starts on
  // the next line is a block of `k = v` lines, cut with Python's splitlines(). botocore reads the
  // values of the sections, each with [DEFAULT]'s keys underneath, so a [DEFAULT] value counts only
  // where a section of this reading takes it.
  for (const [b, k] of nested ?? []) {
    if (b.header === "DEFAULT" && !blocks.some((o) => o.header !== "DEFAULT" && !o.keys.some((x) => x.key === k.key))) continue;
    const bad = k.continuations?.find((i) => !isNestedBlock((lines[i] as Line).text));
    if (bad !== undefined) throw fail(bad, `is inside the nested block of "${k.key}" but has no "="`);
  }
  return blocks;
}

/** Whether every line `_parse_nested` makes of a continuation line's text is blank or holds an `=`. */
function isNestedBlock(text: string): boolean {
  return pythonSplitLines(text).every((l) => l.includes("=") || pythonStrip(l) === "");
}

/** canonicalSectionName, without the shell-word split for the plain `profile NAME` most headers are. */
export function sectionName(header: string, naming: SectionNaming): string | undefined {
  // shlex splits at space, tab, \r and \n only.
  if (naming === "raw" || /^(profile|sso-session|services) [^ \t\r\n'"\\]+$/.test(header)) return header;
  return canonicalSectionName(header, naming);
}

/** Starts or ends with white space as configparser (botocore) or trim() (the JS SDK's reader) sees it. */
function isPadded(s: string): boolean {
  return s !== pythonStrip(s) || s !== s.trim();
}

/** BadValueError unless `key = value` reads back, in botocore and the JS SDK, as that key and value. */
export function checkKeyValue(key: string, value: string): void {
  if (key === "" || isPadded(key) || /[=:\r\n]/.test(key) || /^[#;[]/.test(key)) {
    throw new BadValueError(`"${key}" cannot be written as an ini key.`);
  }
  // The value is not echoed: it may be a secret.
  if (/[\r\n]/.test(value)) throw new BadValueError(`The value for ${key} contains a line break.`);
  if (isPadded(value)) throw new BadValueError(`The value for ${key} starts or ends with whitespace.`);
}

/** BadValueError unless `comment` is one comment line. */
export function checkComment(comment: string): void {
  if (!/^[#;]/.test(comment) || /[\r\n]/.test(comment)) throw new BadValueError("A comment line starts with # or ; and has no line break.");
}

/** How a key is written: `key = value`, or `key =` when empty. */
export function keyLine(key: string, value: string): string {
  return `${key}${value === "" ? " =" : ` = ${value}`}`;
}
