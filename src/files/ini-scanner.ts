import { IniChain } from "./ini-chain.js";
import { wholeReadingOnly } from "./ini-chunked-read.js";
import { IniDocument, type IniReadOptions, type IniSectionInfo } from "./ini-document.js";
import type { SectionNaming } from "./ini-section-name.js";
import { newSegment, type Segment, type SegmentReading } from "./ini-segment.js";
import { analyze, isPythonSpace, sectionName, splitLines, type Block } from "./ini-syntax.js";

// A read-only reading that reads a section only when it is first asked for: the hot path of a
// one-profile command (credential-process, export, login) in a file of thousands. The headers and
// the lines before the first header are checked at once; an error inside a section no one reads,
// or a repeated header no one looks up, goes unnoticed. It holds the text and, when one pass of a
// regular expression shows every header to be plain (`[NAME]` whose name is its text, no `[` line
// it cannot judge), finds a section by searching for its header; otherwise, or when every section
// is asked for, the headers are listed in plain arrays (a file of 50,000 sections should cost no
// more objects than that). A header twice hands every question to the whole reading (IniChain).

export interface IniScanOptions extends IniReadOptions {
  /**
   * Sections that will be asked for (`profile p`): the one pass over a config file that checks the
   * headers notes where theirs are too, instead of a search of the whole text for each later.
   */
  lookUp?: readonly string[];
}

interface HeaderList {
  starts: number[];
  headers: string[];
  names: (string | undefined)[];
}

// A line the header search cannot judge: an indented `[` (a header or a key's continuation,
// depending on what precedes it), a `[` line that is no header (`[]`, `[abc`: an error), and in the
// config file a header whose name is not its text (`[profile "a"]`, `[profileX a]`, `[profile a b]`).
// `(?=(X*))\1` is `X*` without backtracking (a lookahead is atomic): a plain header is not tried
// again at every shorter length, which halves the time of one pass over a file of 50,000 headers.
// Indentation is configparser's white space but \n (ini-syntax.ts isPythonSpace), and a byte order
// mark before a `[` (an error the whole reading names) needs the whole reading too. The class is
// written as what it is not: V8 runs the pass over a big file half as fast again with the same set
// written as what it is. Exported for its test.
export const LEADING_SPACE = String.raw`[^\0-\x08\n\x0e-\x1b!-\x84\x86-\x9f\xa1-\u167f\u1681-\u1fff\u200b-\u2027\u202a-\u202e\u2030-\u205e\u2060-\u2fff\u3001-\ufefe\uff00-\uffff]+`;
const UNPLAIN_RAW = new RegExp(String.raw`(?:^|\n)(?:${LEADING_SPACE}\[|\[\]?(?=([^\]\n]*))\1(?:\n|$))`);
// In the config file the same pass also stops at each plain header that is not `[profile …]`, and
// at those of the profiles asked for (group 1 unset), to note where they are. A plain name has none
// of the characters shlex splits or unquotes at.
function unplainOrOtherConfig(profiles: readonly string[]): RegExp {
  const unplain = String.raw`${LEADING_SPACE}\[|\[\]?(?=([^\]\n]*))\2(?:\n|$)|\[(?:profile|sso-session|services)(?! [^ \t\r\n'"\\\]]+\](?=([^\]\n]*))\3(?:\n|$))`;
  const asked = profiles.map((n) => String.raw`|\[(?=${n.replace(/[\\^$.*+?()[\]{}|/]/g, "\\$&")}\])`).join("");
  return new RegExp(String.raw`(?:^|\n)(?:(${unplain})|\[(?!profile )${asked})`, "g");
}
const UNPLAIN_OR_OTHER_CONFIG = unplainOrOtherConfig([]);

export class IniScanner extends IniDocument {
  private listed: HeaderList | undefined;
  /**
   * In a config file whose headers are all plain: where each header that is not `[profile …]`
   * starts (sso-sessions, `[default]`, `[DEFAULT]`, services: a handful even among 50,000
   * profiles), so that looking one up costs no search of the text.
   */
  private others: number[] | undefined;
  /** The `profile …` names whose headers `others` holds too (IniScanOptions.lookUp). */
  private readonly noted: Set<string>;
  /** Sections already read, by the offset of their header, and lookups by name. */
  private readonly read = new Map<number, Segment>();
  private readonly found = new Map<string, Segment[]>();
  /** The last line count asked for, to go on from: `line` lines end before `offset`. */
  private counted = { offset: 0, line: 0 };
  /** The whole reading, once a question needs it (a header twice). */
  private whole: IniChain | undefined;

  private constructor(
    private readonly text: string,
    fileName: string,
    naming: SectionNaming,
    profiles: readonly string[],
  ) {
    super(fileName, naming);
    this.noted = new Set(profiles);
  }

  /**
   * The file, read lazily where it can be; else (a byte order mark, a lone `\r` line ending, a `[`
   * line only the whole reading can judge) read whole. A header at the start of a line always opens
   * a section, so the sections between headers can be read on their own. Throws FileFormatError
   * where botocore would fail in the lines it checks at once.
   */
  static scan(text: string, fileName: string, opts: IniScanOptions = {}): IniDocument {
    const naming = opts.sectionNames ?? "config";
    return IniScanner.scanLazily(text, fileName, naming, opts.lookUp ?? []) ?? IniChain.read(text, fileName, opts);
  }

  private static scanLazily(text: string, fileName: string, naming: SectionNaming, lookUp: readonly string[]): IniScanner | undefined {
    if (wholeReadingOnly(text)) return undefined;
    const profiles = lookUp.filter((n) => n.startsWith("profile "));
    const doc = new IniScanner(text, fileName, naming, profiles);
    const plain = naming === "raw" ? !UNPLAIN_RAW.test(text) : (doc.others = otherPlainHeaders(text, profiles)) !== undefined;
    if (!plain) {
      doc.listed = listHeaders(text, naming);
      if (doc.listed === undefined) return undefined;
    }
    // The lines before the first header are checked now: anything but comments there is an error.
    const firstHeader = text.startsWith("[") ? 0 : text.indexOf("\n[") + 1 || text.length;
    analyze(splitLines(text.slice(0, firstHeader)), fileName, naming);
    return doc;
  }

  override toString(): string {
    return this.text;
  }

  override listSections(): IniSectionInfo[] {
    if (this.whole) return this.whole.listSections();
    const listed = this.headers();
    return listed.starts.map((start, k) => ({
      name: listed.names[k],
      header: listed.headers[k] as string,
      line: this.lineAtOffset(start) + 1,
    }));
  }

  override sectionNames(): string[] {
    if (this.whole) return this.whole.sectionNames();
    const names = new Set<string>();
    for (const n of this.headers().names) if (n !== undefined) names.add(n);
    return [...names];
  }

  override hasSection(name: string): boolean {
    return this.effectiveSegments(name).length > 0;
  }

  /** The sections of that name, read now. */
  protected override effectiveSegments(name: string): Segment[] {
    if (this.whole) return IniDocument.segmentsOf(this.whole, name);
    const cached = this.found.get(name);
    if (cached) return cached;
    const { text, listed } = this;
    // Where the sections of that name start, and where each ends (the next header).
    const at: Array<[number, number]> = [];
    if (listed) {
      const ks: number[] = [];
      for (let k = listed.names.indexOf(name); k >= 0; k = listed.names.indexOf(name, k + 1)) ks.push(k);
      // When two headers give one name (`[profile a]`, `[profile "a"]`) the later wins wholesale.
      const last = listed.headers[ks.at(-1) ?? -1];
      for (const k of ks) if (listed.headers[k] === last) at.push([listed.starts[k] as number, listed.starts[k + 1] ?? text.length]);
    } else {
      // Every header is plain: a section of this name is a line `[NAME]`, the line's last `]` its own.
      const needle = `[${name}]`;
      const take = (i: number) => {
        if (i > 0 && text.charCodeAt(i - 1) !== 10) return;
        const eol = text.indexOf("\n", i);
        if (text.lastIndexOf("]", eol < 0 ? text.length : eol) !== i + needle.length - 1) return;
        const next = text.indexOf("\n[", i);
        at.push([i, next < 0 ? text.length : next + 1]);
      };
      // A plain header's name is its text: only `[profile …]` headers not asked for were not noted.
      if (this.others && (!name.startsWith("profile ") || this.noted.has(name))) {
        for (const i of this.others) if (text.startsWith(needle, i)) take(i);
      } else for (let i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) take(i);
    }
    if (at.length > 1) {
      // One header twice: an error, or [DEFAULT] sections whose keys merge. The whole file decides.
      this.whole = IniChain.read(text, this.fileName, { sectionNames: this.naming });
      return this.effectiveSegments(name);
    }
    const segs = at.map(([start, end]) => {
      let seg = this.read.get(start);
      if (seg === undefined) {
        const lines = splitLines(text.slice(start, end));
        const block = analyze(lines, this.fileName, this.naming, () => this.lineAtOffset(start))[0] as Block;
        seg = newSegment(block.header, block.name, lines, block);
        seg.start = start;
        this.read.set(start, seg);
      }
      return seg;
    });
    this.found.set(name, segs);
    return segs;
  }

  /** A section read here is held as lines. */
  protected override view(seg: Segment): SegmentReading {
    return this.whole ? IniDocument.viewOf(this.whole, seg) : seg;
  }

  /** A section read here holds the offset of its header in `start`. */
  protected override startOf(seg: Segment): number {
    return this.whole ? IniDocument.startIn(this.whole, seg) : this.lineAtOffset(seg.start);
  }

  /** Every header, listed once asked for. */
  private headers(): HeaderList {
    this.listed ??= listHeaders(this.text, this.naming);
    if (this.listed === undefined) throw new Error("internal: a scanned document whose headers cannot be listed");
    return this.listed;
  }

  /** Lines that end before a character offset of the text (it has no lone `\r`). */
  private lineAtOffset(offset: number): number {
    let { offset: from, line } = this.counted;
    if (offset < from) [from, line] = [0, 0];
    for (let i = this.text.indexOf("\n", from); i >= 0 && i < offset; i = this.text.indexOf("\n", i + 1)) line++;
    this.counted = { offset, line };
    return line;
  }
}

/**
 * Where each header that is not `[profile …]` starts, and each that begins with one of `profiles`
 * (`profile p`), in one pass over a config file; undefined when a line needs the whole reading.
 */
function otherPlainHeaders(text: string, profiles: readonly string[]): number[] | undefined {
  const re = profiles.length === 0 ? UNPLAIN_OR_OTHER_CONFIG : unplainOrOtherConfig(profiles);
  const starts: number[] = [];
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m[1] !== undefined) return undefined;
    starts.push(text.charCodeAt(m.index) === 10 ? m.index + 1 : m.index);
  }
  return starts;
}

/**
 * The headers of a text with their offsets and names, or undefined when a `[` line needs the whole
 * reading to judge: indented (a header, or the continuation of a key), or no header at all.
 */
function listHeaders(text: string, naming: SectionNaming): HeaderList | undefined {
  const starts: number[] = [];
  const headers: string[] = [];
  const names: (string | undefined)[] = [];
  for (let i = text.indexOf("["); i >= 0; ) {
    let j = i - 1;
    while (j >= 0 && text.charCodeAt(j) !== 10 && isInlineSpace(text.charCodeAt(j))) j--;
    if (j >= 0 && text.charCodeAt(j) !== 10) {
      i = text.indexOf("[", i + 1);
      continue;
    }
    if (j !== i - 1) return undefined;
    const eol = text.indexOf("\n", i);
    // configparser's header is `[` to the line's last `]` (SECTCRE), with at least one character.
    const close = text.lastIndexOf("]", eol < 0 ? text.length : eol);
    if (close < i + 2) return undefined;
    const header = text.slice(i + 1, close);
    starts.push(i);
    headers.push(header);
    names.push(sectionName(header, naming));
    i = eol < 0 ? -1 : text.indexOf("[", eol);
  }
  return { starts, headers, names };
}

/** Indentation before a `[` (our lines end at \n, \r\n and \r only): configparser's white space, or a byte order mark. */
function isInlineSpace(code: number): boolean {
  return code !== 10 && (isPythonSpace(code) || code === 0xfeff);
}
