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
  parts: string[];
  continuations: number[];
  value: string;
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
interface LineInfo {
  stripped: string;
  indent: number;
  kind: "blank" | "comment" | "header" | "option" | "bad";
  header?: string;
  key?: string;
  value?: string;
}

// Lines are immutable, so what a line is can be worked out once and remembered.
const lineInfos = new WeakMap<Line, LineInfo>();

function classify(line: Line): LineInfo {
  const cached = lineInfos.get(line);
  if (cached) return cached;
  const stripped = line.text.trim();
  const indent = line.text.search(/\S/);
  let info: LineInfo;
  if (stripped === "") info = { stripped, indent, kind: "blank" };
  else if (stripped.startsWith("#") || stripped.startsWith(";")) info = { stripped, indent, kind: "comment" };
  else {
    const header = /^\[(.+)\]/s.exec(stripped)?.[1];
    const m = header === undefined ? /^(.*?)\s*[=:]\s*(.*)$/s.exec(stripped) : null;
    if (header !== undefined) info = { stripped, indent, kind: "header", header };
    else if (!m || m[1] === "") info = { stripped, indent, kind: "bad" };
    else info = { stripped, indent, kind: "option", key: (m[1] as string).trimEnd().toLowerCase(), value: (m[2] as string).trim() };
  }
  lineInfos.set(line, info);
  return info;
}

/** configparser's `_read` loop, line for line (Lib/configparser.py, strict mode, no inline comments). */
export function analyze(lines: Line[], file: string, naming: SectionNaming): Block[] {
  const fail = (index: number, detail: string): FileFormatError => new FileFormatError(file, index + 1, detail);
  if (lines[0]?.text.startsWith("\uFEFF")) {
    throw fail(0, "starts with a UTF-8 byte order mark, which botocore cannot read; save the file without it");
  }
  const blocks: Block[] = [];
  const keysBySection = new Map<string, Set<string>>();
  let block: Block | undefined;
  let key: KeyLine | undefined;
  let indentLevel = 0;
  for (let index = 0; index < lines.length; index++) {
    const info = classify(lines[index] as Line);
    if (info.kind === "blank") {
      key?.parts.push("");
      continue;
    }
    if (info.kind === "comment") {
      if (block) block.hasComment = true;
      continue;
    }
    if (block && key && info.indent > indentLevel) {
      key.parts.push(info.stripped);
      key.continuations.push(index);
      key.end = index + 1;
      continue;
    }
    indentLevel = info.indent;
    if (info.kind === "header") {
      const header = info.header as string;
      // configparser allows `[DEFAULT]` again (its keys merge) but no other repeated header.
      if (header !== "DEFAULT" && keysBySection.has(header)) throw fail(index, `duplicate section [${header}]`);
      if (!keysBySection.has(header)) keysBySection.set(header, new Set());
      block = { header, name: canonicalSectionName(header, naming), index, keys: [], hasComment: false };
      blocks.push(block);
      key = undefined;
      continue;
    }
    if (!block) throw fail(index, "comes before any [section] header");
    if (info.kind === "bad") throw fail(index, "is not a key = value line, a comment or a [section] header");
    const name = info.key as string;
    const seen = keysBySection.get(block.header) as Set<string>;
    if (seen.has(name)) throw fail(index, `duplicate key "${name}" in section [${block.header}]`);
    seen.add(name);
    const text = (lines[index] as Line).text;
    key = { key: name, index, end: index + 1, indent: text.slice(0, info.indent), parts: [info.value as string], continuations: [], value: "" };
    block.keys.push(key);
  }
  for (const b of blocks) {
    for (const k of b.keys) {
      k.value = k.parts.length === 1 ? (k.parts[0] as string) : k.parts.join("\n").trimEnd();
      // botocore's `_parse_nested`: a value that starts on the next line is a block of `k = v` lines.
      if (k.value.startsWith("\n")) {
        const bad = k.continuations.find((i) => !(lines[i] as Line).text.includes("="));
        if (bad !== undefined) throw fail(bad, `is inside the nested block of "${k.key}" but has no "="`);
      }
    }
  }
  return blocks;
}
