import { FileFormatError } from "../errors.js";
import { canonicalSectionName, type SectionNaming } from "./ini-section-name.js";

// How Python configparser's `RawConfigParser()` (botocore's reader) sees the lines of an ini file:
// which are headers, keys, continuations, comments, and which are errors. ini-document.ts edits on
// top of this. docs/protocol/config-files.md §2.

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

/** Lines with their own endings (`\n`, `\r\n` or a lone `\r`: Python ends lines at all three). */
export function splitLines(text: string): Line[] {
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

/** What a line is on its own; context (section, indentation of the key above) comes in analyze(). */
export interface LineInfo {
  stripped: string;
  indent: number;
  kind: "blank" | "comment" | "header" | "option" | "bad";
  header?: string;
  key?: string;
  value?: string;
}

export function classify(text: string): LineInfo {
  const stripped = text.trim();
  const indent = text.search(/\S/);
  if (stripped === "") return { stripped, indent, kind: "blank" };
  if (stripped.startsWith("#") || stripped.startsWith(";")) return { stripped, indent, kind: "comment" };
  const header = /^\[(.+)\]/s.exec(stripped)?.[1];
  if (header !== undefined) return { stripped, indent, kind: "header", header };
  const m = /^(.*?)\s*[=:]\s*(.*)$/s.exec(stripped);
  if (!m || m[1] === "") return { stripped, indent, kind: "bad" };
  return { stripped, indent, kind: "option", key: (m[1] as string).trimEnd().toLowerCase(), value: (m[2] as string).trim() };
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
  const blocks: Block[] = [];
  const keysBySection = new Map<string, Set<string>>();
  let block: Block | undefined;
  let key: KeyLine | undefined;
  // The value's lines once it has continuations; blank lines count only when more text follows.
  let parts: string[] | undefined;
  let blanks = 0;
  let indentLevel = 0;
  const nested: KeyLine[] = [];
  const finishKey = (): void => {
    if (key === undefined) return;
    if (parts !== undefined) key.value = parts.join("\n");
    if (key.value.startsWith("\n")) nested.push(key);
    key = undefined;
    parts = undefined;
    blanks = 0;
  };
  for (let index = 0; index < lines.length; index++) {
    const info = classify((lines[index] as Line).text);
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
      if (header !== "DEFAULT" && keysBySection.has(header)) throw fail(index, `duplicate section [${header}]`);
      if (!keysBySection.has(header)) keysBySection.set(header, new Set());
      block = { header, name: canonicalSectionName(header, naming), index, keys: [], hasComment: false };
      blocks.push(block);
      continue;
    }
    if (!block) throw fail(index, "comes before any [section] header");
    if (info.kind === "bad") throw fail(index, "is not a key = value line, a comment or a [section] header");
    const name = info.key as string;
    const seen = keysBySection.get(block.header) as Set<string>;
    if (seen.has(name)) throw fail(index, `duplicate key "${name}" in section [${block.header}]`);
    seen.add(name);
    const text = (lines[index] as Line).text;
    key = { key: name, index, end: index + 1, indent: text.slice(0, info.indent), value: info.value as string, continuations: undefined };
    block.keys.push(key);
  }
  finishKey();
  // botocore's `_parse_nested`, after configparser has read the whole file: a value that starts on
  // the next line is a block of `k = v` lines.
  for (const k of nested) {
    const bad = k.continuations?.find((i) => !(lines[i] as Line).text.includes("="));
    if (bad !== undefined) throw fail(bad, `is inside the nested block of "${k.key}" but has no "="`);
  }
  return blocks;
}
