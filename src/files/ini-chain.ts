import { readWhole } from "./ini-chunked-read.js";
import { IniDocument, type IniReadOptions, type IniSectionInfo } from "./ini-document.js";
import type { SectionNaming } from "./ini-section-name.js";
import { newSegment, SegmentTexts, type Segment, type SegmentReading } from "./ini-segment.js";

// A file read whole, once, and held as a chain of segments (ini-segment.ts): one per section, plus
// the lines before the first header, with an index of the sections by name. Every section is
// checked as it is read. IniEditor (ini-editor.ts) edits this chain.
//
// Cost: files with tens of thousands of sections are normal (an organization's populated
// profiles, keys for each), so nothing here is quadratic.

export class IniChain extends IniDocument {
  protected readonly head: Segment;
  protected tail: Segment;
  protected readonly byName = new Map<string, Segment[]>();
  /** Whether each segment's `start` is its line number (an edit that adds or drops lines clears it). */
  protected startsFresh = false;
  protected readonly texts: SegmentTexts;

  protected constructor(fileName: string, naming: SectionNaming) {
    super(fileName, naming);
    this.head = newSegment(undefined, undefined, []);
    this.tail = this.head;
    this.texts = new SegmentTexts(fileName, naming);
  }

  /** Throws FileFormatError (file and line, never the line's text) where botocore would fail. */
  static read(text: string, fileName: string, opts: IniReadOptions = {}): IniChain {
    const doc = new IniChain(fileName, opts.sectionNames ?? "config");
    doc.fill(text);
    return doc;
  }

  protected fill(text: string): void {
    const { head, segments } = readWhole(text, this.fileName, this.naming);
    this.head.lines = head;
    for (const seg of segments) this.link(seg);
  }

  override toString(): string {
    // The loop of pieces() without a generator: a third faster on a file of 50,000 sections.
    const parts: string[] = [];
    for (let s: Segment | undefined = this.head; s; s = s.next) {
      if (s.raw !== undefined) parts.push(s.raw);
      else for (const l of s.lines) parts.push(l.text, l.eol);
    }
    return parts.join("");
  }

  /**
   * The text in pieces of about `size` characters (never a character cut), in order: for writing a
   * big file without holding its whole text, and its bytes, at once (9 MB each for 50,000 sections).
   */
  *chunks(size = 65_536): Generator<string> {
    let parts: string[] = [];
    let length = 0;
    for (const piece of this.pieces()) {
      parts.push(piece);
      length += piece.length;
      if (length < size) continue;
      yield parts.join("");
      parts = [];
      length = 0;
    }
    if (parts.length > 0) yield parts.join("");
  }

  /** Whether toString() would give exactly `text`, found without building it. */
  hasText(text: string): boolean {
    let at = 0;
    for (const piece of this.pieces()) {
      if (!text.startsWith(piece, at)) return false;
      at += piece.length;
    }
    return at === text.length;
  }

  /** The strings the text is made of, in order. */
  private *pieces(): Generator<string> {
    for (let s: Segment | undefined = this.head; s; s = s.next) {
      if (s.raw !== undefined) yield s.raw;
      else {
        for (const l of s.lines) {
          yield l.text;
          yield l.eol;
        }
      }
    }
  }

  override listSections(): IniSectionInfo[] {
    const out: IniSectionInfo[] = [];
    for (let s = this.head.next; s; s = s.next) out.push({ name: s.name, header: s.header as string, line: this.startOf(s) + 1 });
    return out;
  }

  override sectionNames(): string[] {
    const names = new Set<string>();
    for (let s = this.head.next; s; s = s.next) if (s.name !== undefined) names.add(s.name);
    return [...names];
  }

  override hasSection(name: string): boolean {
    return (this.byName.get(name)?.length ?? 0) > 0;
  }

  protected override effectiveSegments(name: string): Segment[] {
    const all = this.byName.get(name);
    const last = all?.at(-1);
    if (all === undefined || last === undefined) return [];
    return all.length === 1 ? all : all.filter((s) => s.header === last.header);
  }

  /** A segment's lines and reading: its own while an edit holds it as lines, else read from its text. */
  protected override view(seg: Segment): SegmentReading {
    return this.texts.read(seg, () => this.startOf(seg));
  }

  protected override startOf(seg: Segment): number {
    if (!this.startsFresh) {
      let line = 0;
      for (let s: Segment | undefined = this.head; s; s = s.next) {
        s.start = line;
        line += s.raw !== undefined ? s.rawLines : s.lines.length;
      }
      this.startsFresh = true;
    }
    return seg.start;
  }

  /** Adds a segment at the end of the chain. */
  protected link(seg: Segment): void {
    seg.prev = this.tail;
    this.tail.next = seg;
    this.tail = seg;
    seg.linked = true;
    this.index(seg);
    this.startsFresh = false;
  }

  protected index(seg: Segment): void {
    if (seg.name === undefined) return;
    const list = this.byName.get(seg.name);
    if (list) list.push(seg);
    else this.byName.set(seg.name, [seg]);
  }
}
