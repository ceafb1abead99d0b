import { FileFormatError } from "../errors.js";
import type { SectionNaming } from "./ini-section-name.js";
import { newSegment, NO_LINES, type Segment } from "./ini-segment.js";
import { analyze, classify, splitLines, type Block, type Line } from "./ini-syntax.js";

// Reading a whole file into segments (ini-segment.ts) in chunks, each section checked as a reading
// of the whole file checks it, without holding an object per line of the file at once.

/** A byte order mark or a lone `\r` line ending: only the reading of the whole file at once handles (and reports) them. */
export function wholeReadingOnly(text: string): boolean {
  return text.startsWith("\uFEFF") || (text.includes("\r") && /\r(?!\n)/.test(text));
}

/**
 * The lines before the first header and a segment for each section. Read in chunks where it can
 * (readSections); otherwise all at once, so that an error names the line botocore would stop at.
 * Throws FileFormatError (file and line, never the line's text) where botocore would fail.
 */
export function readWhole(text: string, fileName: string, naming: SectionNaming): { head: Line[]; segments: Segment[] } {
  const sections = readSections(text, fileName, naming);
  if (sections) return sections;
  const lines = splitLines(text);
  const blocks = analyze(lines, fileName, naming);
  const head = lines.slice(0, blocks[0]?.index ?? lines.length);
  const ends = blocks.map((_, i) => blocks[i + 1]?.index ?? lines.length);
  // Sliced before rebase makes each block's indexes its own.
  const segments = blocks.map((b, i) => newSegment(b.header, b.name, lines.slice(b.index, ends[i]), rebase(b)));
  return { head, segments };
}

/**
 * A whole file cut into the lines before its first header and the text of each section, every
 * section checked as the whole reading checks it; or undefined when only the whole reading can
 * judge: a byte order mark, a lone `\r`, a header that appears twice (an error, or [DEFAULT]
 * sections whose keys merge), a nested value in [DEFAULT], or any error at all (the whole reading
 * then names the line botocore would stop at, as it always has).
 *
 * The text is cut, about every READ_AT_ONCE characters, before a line that starts with a header:
 * such a line opens a section whatever precedes it (only an indented line can continue a key), so
 * configparser reads the text between two cuts alone exactly as it reads it in the whole file.
 */
function readSections(text: string, fileName: string, naming: SectionNaming): { head: Line[]; segments: Segment[] } | undefined {
  if (wholeReadingOnly(text)) return undefined;
  const cuts = headerCuts(text);
  const headers = new Set<string>();
  const segments: Segment[] = [];
  let head: Line[] = [];
  try {
    for (let k = -1; k < cuts.length; k++) {
      const from = k < 0 ? 0 : (cuts[k] as number);
      const chunk = text.slice(from, cuts[k + 1] ?? text.length);
      if (chunk === "") continue;
      const lines = splitLines(chunk);
      const blocks = analyze(lines, fileName, naming, () => 0);
      if (k < 0) head = lines.slice(0, blocks[0]?.index ?? lines.length);
      else if (blocks[0]?.index !== 0) return undefined;
      let offset = 0;
      let at = 0;
      for (const [i, b] of blocks.entries()) {
        if (headers.has(b.header)) return undefined;
        // Whether botocore reads a nested value of [DEFAULT] depends on every other section.
        if (b.header === "DEFAULT" && b.keys.some((key) => key.value.startsWith("\n"))) return undefined;
        headers.add(b.header);
        const end = blocks[i + 1]?.index ?? lines.length;
        for (; at < b.index; at++) offset += lengthOf(lines[at] as Line);
        const start = offset;
        for (; at < end; at++) offset += lengthOf(lines[at] as Line);
        const seg = newSegment(b.header, b.name, NO_LINES);
        seg.raw = blocks.length === 1 && start === 0 ? chunk : chunk.slice(start, offset);
        seg.rawLines = end - b.index;
        segments.push(seg);
      }
    }
  } catch (err) {
    if (err instanceof FileFormatError) return undefined;
    throw err;
  }
  return { head, segments };
}

/**
 * Characters read at once by a whole reading: about a hundred sections, so that their lines and keys
 * as objects are few at any time, and the reading's own cost is shared by many.
 */
const READ_AT_ONCE = 16_384;

/**
 * Where readSections cuts the text: the offsets of lines that start with a header (`[` at the start of
 * the line, as configparser's SECTCRE reads it), the first at or after READ_AT_ONCE characters from
 * the last.
 */
function headerCuts(text: string): number[] {
  const cuts: number[] = [];
  for (let n = text.indexOf("\n[", READ_AT_ONCE - 1); n >= 0; ) {
    const at = n + 1;
    const eol = text.indexOf("\n", at);
    const isHeader = classify(text.slice(at, eol < 0 ? text.length : eol)).kind === "header";
    if (isHeader) cuts.push(at);
    n = text.indexOf("\n[", isHeader ? at + READ_AT_ONCE - 1 : at);
  }
  return cuts;
}

function lengthOf(line: Line): number {
  return line.text.length + line.eol.length;
}

/** A block of a whole-file analysis, with its indexes made relative to its own header. */
function rebase(b: Block): Block {
  const at = b.index;
  if (at === 0) return b;
  b.index = 0;
  for (const k of b.keys) {
    k.index -= at;
    k.end -= at;
    if (k.continuations) k.continuations = k.continuations.map((i) => i - at);
  }
  return b;
}
