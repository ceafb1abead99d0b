import { analyze, splitLines, type Block, type Line } from "./ini-syntax.js";
import type { SectionNaming } from "./ini-section-name.js";

// Segment storage: a file read whole is a chain of segments, one per section (its header up to the
// next header), plus the lines before the first header. A segment no edit holds is kept as its text
// alone, one string, and read again when asked (SegmentTexts keeps the last few readings): lines and
// keys as objects cost about 2 KB a section, 100 MB for 50,000 populated profiles, which V8 lets
// grow to several times that before it collects.

export interface Segment {
  /** The bracketed text of the header; undefined for the lines before the first header. */
  header: string | undefined;
  name: string | undefined;
  /** Empty while the segment is held as `raw`. */
  lines: Line[];
  /** How configparser reads the section, indexes relative to `lines`; undefined for the prelude and while held as `raw`. */
  block: Block | undefined;
  /**
   * The segment's text, while no edit holds it (then `lines` is empty): read through
   * SegmentTexts, and turned back into lines when an edit touches it. Never set for the prelude.
   */
  raw: string | undefined;
  /** How many lines `raw` holds. */
  rawLines: number;
  prev: Segment | undefined;
  next: Segment | undefined;
  linked: boolean;
  /** Index of the first line in the file (valid while the chain's line numbers are fresh), or for a scanned section the offset of its header. */
  start: number;
}

/** The lines of a segment held as text: none, and never changed in place (an edit replaces it). */
export const NO_LINES = Object.freeze([]) as unknown as Line[];

export function newSegment(header: string | undefined, name: string | undefined, lines: Line[], block?: Block): Segment {
  return { header, name, lines, block, raw: undefined, rawLines: 0, prev: undefined, next: undefined, linked: false, start: 0 };
}

export function hasLines(seg: Segment): boolean {
  return seg.raw !== undefined ? seg.raw !== "" : seg.lines.length > 0;
}

/** A segment's lines and how configparser reads them. */
export interface SegmentReading {
  lines: Line[];
  block: Block | undefined;
}

/** A segment held as text, read: its lines and how configparser reads them (a class: see ini-syntax.ts). */
class TextReading implements SegmentReading {
  constructor(
    readonly seg: Segment,
    readonly raw: string,
    readonly lines: Line[],
    readonly block: Block | undefined,
  ) {}
}

/** Readings of segments held as text kept at once: enough for a section, its sso-session and [DEFAULT]. */
const KEPT_READINGS = 8;

/**
 * Sections held as text, read when asked: the last few readings (each valid while its segment's
 * `raw` is the same) are kept in a ring overwritten in place, so asking a section for several keys
 * reads it once. Not a Map: the tables a Map drops as it churns stay in the old generation until a
 * full collection, and V8's young collector still follows them, so every reading was promoted
 * (60 MB of garbage for one pass over 50,000 sections).
 */
export class SegmentTexts {
  private readonly kept: (TextReading | undefined)[] = new Array<undefined>(KEPT_READINGS).fill(undefined);
  private next = 0;

  constructor(
    private readonly fileName: string,
    private readonly naming: SectionNaming,
  ) {}

  /** A segment's lines and reading: its own while it is held as lines, else read from its text. `lineOf` numbers an error. */
  read(seg: Segment, lineOf: () => number): SegmentReading {
    const raw = seg.raw;
    if (raw === undefined) return seg;
    for (const r of this.kept) if (r?.seg === seg && r.raw === raw) return r;
    const lines = splitLines(raw);
    const blocks = analyze(lines, this.fileName, this.naming, lineOf);
    if (blocks.length !== 1 || blocks[0]?.index !== 0) throw new Error("internal: a segment's text is not one section");
    const reading = new TextReading(seg, raw, lines, blocks[0]);
    this.kept[this.next] = reading;
    this.next = (this.next + 1) % KEPT_READINGS;
    return reading;
  }

  /** A segment held as text becomes lines, for an edit to change. */
  toLines(seg: Segment, lineOf: () => number): void {
    if (seg.raw === undefined) return;
    const { lines, block } = this.read(seg, lineOf);
    // The reading is the segment's own now; a kept copy would be changed with it.
    for (const [i, r] of this.kept.entries()) if (r?.seg === seg) this.kept[i] = undefined;
    seg.lines = lines;
    seg.block = block;
    seg.raw = undefined;
    seg.rawLines = 0;
  }

  /**
   * After an edit, a segment it held as lines is kept as text again, when reading that text gives
   * back the same lines (a lone `\r`, or a last line that is empty and has no ending, would not; no
   * line's text holds a line break: lines come from splitLines or from an edit's checked values).
   */
  toText(seg: Segment): void {
    if (seg.raw !== undefined || !seg.linked || seg.header === undefined || !splitsBack(seg.lines)) return;
    seg.raw = seg.lines.map((l) => l.text + l.eol).join("");
    seg.rawLines = seg.lines.length;
    seg.lines = NO_LINES;
    seg.block = undefined;
  }
}

/** Whether splitLines of the lines' text gives back these very lines. */
export function splitsBack(lines: readonly Line[]): boolean {
  if (lines.length === 0) return false;
  const last = lines.length - 1;
  return lines.every((l, i) => l.eol === "\n" || l.eol === "\r\n" || (i === last && l.eol === "" && l.text !== ""));
}

/** Adds the line endings of a segment's text (which has no lone `\r`) to the counts. */
export function countLineEnds(raw: string, eols: Map<string, number>): void {
  let lf = 0;
  let crlf = 0;
  for (let i = raw.indexOf("\n"); i >= 0; i = raw.indexOf("\n", i + 1)) {
    if (i > 0 && raw.charCodeAt(i - 1) === 13) crlf++;
    else lf++;
  }
  if (lf) eols.set("\n", (eols.get("\n") ?? 0) + lf);
  if (crlf) eols.set("\r\n", (eols.get("\r\n") ?? 0) + crlf);
}
