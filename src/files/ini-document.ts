import { BadValueError, FileFormatError } from "../errors.js";
import { formatSectionHeader, type SectionNaming } from "./ini-section-name.js";
import { analyze, classify, isPythonSpace, pythonSplitLines, pythonStrip, sectionName, splitLines, type Block, type KeyLine, type Line } from "./ini-syntax.js";

export { profileSectionName, type SectionNaming } from "./ini-section-name.js";

// A lossless editor for ~/.aws/config and ~/.aws/credentials. Every line is kept as written (text
// plus its own line ending); edits touch only the lines of the keys they change. The reading rules
// are Python configparser's `RawConfigParser()` defaults, which botocore uses (docs/protocol/config-files.md §2),
// so a file this class accepts is a file botocore accepts, and an error names the line botocore
// would stop at. Keys are case-insensitive, as configparser lower-cases them: `getSection` returns
// lower-cased keys, `get`/`setKeys`/`removeKeys` match any case, and an edited line keeps its
// indentation but is rewritten as `key = value`.
//
// Cost: files with tens of thousands of sections are normal (an organization's populated
// profiles, keys for each), so nothing here is quadratic. The file is read once and held as a
// chain of segments, one per section (its header up to the next header), plus the lines before the
// first header; an index finds a section's segments by name. An edit changes one segment's lines
// and reads again only that segment and the header after it, which is all an edit can change (a
// header at the start of a line always opens a section; only what follows a key can become its
// continuation).
//
// Memory: a section no edit holds is kept as its text alone, one string, and read again when asked
// (the last few readings are kept). Lines and keys as objects cost about 2 KB a section: 100 MB
// for 50,000 populated profiles, which V8 lets grow to several times that before it collects.

export interface IniParseOptions {
  /**
   * How section headers map to names (ini-section-name.ts). Default `config`; ~/.aws/credentials
   * needs `raw`, which readCredentialsFile uses.
   */
  sectionNames?: SectionNaming;
  /**
   * Read a section only when it is first asked for (the hot path of a one-profile command in a file
   * of thousands). The headers and the lines before the first header are still checked at once; an
   * error inside a section no one reads, or a repeated header no one looks up, goes unnoticed. Any
   * edit first reads, and so checks, the whole file.
   */
  lazy?: boolean;
  /**
   * Sections a lazy reader will ask for (`profile p`): the one pass over a config file that checks
   * the headers notes where theirs are too, instead of a search of the whole text for each later.
   */
  lookUp?: readonly string[];
}

export interface IniSectionInfo {
  /** The name clients read, or undefined when they ignore the section (`[profile a b]`). */
  name: string | undefined;
  /** The bracketed text exactly as written. */
  header: string;
  /** 1-based line number of the header. */
  line: number;
}

interface Segment {
  /** The bracketed text of the header; undefined for the lines before the first header. */
  header: string | undefined;
  name: string | undefined;
  /** Empty while the segment is held as `raw`. */
  lines: Line[];
  /** How configparser reads the section, indexes relative to `lines`; undefined for the prelude and while held as `raw`. */
  block: Block | undefined;
  /**
   * The segment's text, while no edit holds it (then `lines` is empty): read through `view`, and
   * turned back into lines by `materialize` when an edit touches it. Never set for the prelude.
   */
  raw: string | undefined;
  /** How many lines `raw` holds. */
  rawLines: number;
  prev: Segment | undefined;
  next: Segment | undefined;
  linked: boolean;
  /** Index of the first line in the file, valid while the document's `startsFresh`. */
  start: number;
}

/** A segment held as text, read: its lines and how configparser reads them (a class: see ini-syntax.ts). */
class SegmentView {
  constructor(
    readonly seg: Segment,
    readonly raw: string,
    readonly lines: Line[],
    readonly block: Block | undefined,
  ) {}
}

/** A key and the segment it is in (a class, as SegmentView). */
class KeyAt {
  constructor(
    readonly seg: Segment,
    readonly key: KeyLine,
  ) {}
}

/** Readings of segments held as text kept at once: enough for a section, its sso-session and [DEFAULT]. */
const KEPT_VIEWS = 8;
/** The lines of a segment held as text: none, and never changed in place (materialize replaces it). */
const NO_LINES = Object.freeze([]) as unknown as Line[];

interface SavedSegment {
  lines: Line[];
  block: Block | undefined;
  prev: Segment | undefined;
  next: Segment | undefined;
  linked: boolean;
}

/**
 * A lazily read document: its text, and sections read when asked for. When one pass of a regular
 * expression shows every header to be plain (`[NAME]` whose name is its text, no `[` line it cannot
 * judge), a section is found by searching for its header; otherwise, or when every section is
 * asked for, the headers are listed in plain arrays (a file of 50,000 sections should cost no more
 * objects than that).
 */
interface LazyIndex {
  text: string;
  listed: { starts: number[]; headers: string[]; names: (string | undefined)[] } | undefined;
  /**
   * In a config file whose headers are all plain: where each header that is not `[profile …]`
   * starts (sso-sessions, `[default]`, `[DEFAULT]`, services: a handful even among 50,000
   * profiles), so that looking one up costs no search of the text.
   */
  others: number[] | undefined;
  /** The `profile …` names whose headers `others` holds too (IniParseOptions.lookUp). */
  noted: Set<string>;
  /** Sections already read, by the offset of their header, and lookups by name. */
  read: Map<number, Segment>;
  found: Map<string, Segment[]>;
  /** The last line count asked for, to go on from: `line` lines end before `offset`. */
  counted: { offset: number; line: number };
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

/** What an edit changed, so that a refused edit leaves the document exactly as it was. */
interface Journal {
  saved: Map<Segment, SavedSegment>;
  added: Segment[];
  tail: Segment;
  eols: Map<string, number> | undefined;
}

export class IniDocument {
  private readonly head: Segment;
  private tail: Segment;
  private readonly byName = new Map<string, Segment[]>();
  /** Line endings counted (for the dominant one), once first needed. */
  private eols: Map<string, number> | undefined;
  private startsFresh = false;
  private lazy: LazyIndex | undefined;
  private journal: Journal | undefined;
  private touchedLines = false;
  /**
   * The last few segments held as text that were read (each valid while its segment's `raw` is the
   * same), in a ring overwritten in place. Not a Map: the tables a Map drops as it churns stay in the
   * old generation until a full collection, and V8's young collector still follows them, so every
   * reading was promoted (60 MB of garbage for one pass over 50,000 sections).
   */
  private readonly views: (SegmentView | undefined)[] = new Array<undefined>(KEPT_VIEWS).fill(undefined);
  private nextView = 0;

  private constructor(
    readonly fileName: string,
    private readonly naming: SectionNaming,
  ) {
    this.head = newSegment(undefined, undefined, []);
    this.tail = this.head;
  }

  /** Throws FileFormatError (file and line, never the line's text) where botocore would fail. */
  static parse(text: string, fileName: string, opts: IniParseOptions = {}): IniDocument {
    const naming = opts.sectionNames ?? "config";
    if (opts.lazy) {
      const doc = IniDocument.parseLazily(text, fileName, naming, opts.lookUp ?? []);
      if (doc) return doc;
    }
    const doc = new IniDocument(fileName, naming);
    const sections = readSections(text, fileName, naming);
    if (sections) {
      doc.head.lines = sections.head;
      for (const seg of sections.segments) doc.link(seg);
      return doc;
    }
    const lines = splitLines(text);
    const blocks = analyze(lines, fileName, naming);
    doc.head.lines = lines.slice(0, blocks[0]?.index ?? lines.length);
    blocks.forEach((b, i) => {
      const end = blocks[i + 1]?.index ?? lines.length;
      doc.link(newSegment(b.header, b.name, lines.slice(b.index, end), rebase(b)));
    });
    return doc;
  }

  /**
   * Reads the lines before the first header and checks that the sections can be read one by one,
   * or undefined when they cannot (then the whole file is read): a byte order mark, a lone `\r` line
   * ending, or a `[` line only the whole reading can judge. A header at the start of a line always
   * opens a section, so the sections between headers can be read on their own.
   */
  private static parseLazily(text: string, fileName: string, naming: SectionNaming, lookUp: readonly string[]): IniDocument | undefined {
    if (wholeReadingOnly(text)) return undefined;
    const profiles = lookUp.filter((n) => n.startsWith("profile "));
    const lazy: LazyIndex = { text, listed: undefined, others: undefined, noted: new Set(profiles), read: new Map(), found: new Map(), counted: { offset: 0, line: 0 } };
    const plain = naming === "raw" ? !UNPLAIN_RAW.test(text) : (lazy.others = otherPlainHeaders(text, profiles)) !== undefined;
    if (!plain) {
      lazy.listed = listHeaders(text, naming);
      if (lazy.listed === undefined) return undefined;
    }
    const doc = new IniDocument(fileName, naming);
    // The lines before the first header are read now: anything but comments there is an error.
    const firstHeader = text.startsWith("[") ? 0 : text.indexOf("\n[") + 1 || text.length;
    const prelude = splitLines(text.slice(0, firstHeader));
    analyze(prelude, fileName, naming);
    doc.head.lines = prelude;
    doc.lazy = lazy;
    return doc;
  }

  toString(): string {
    if (this.lazy) return this.lazy.text;
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
    if (this.lazy) {
      yield this.lazy.text;
      return;
    }
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

  /**
   * False while no edit has changed a line since the file was read: toString() would give back the
   * text it was read from (a caller can skip rendering a file of 50,000 sections to find that out).
   */
  get changed(): boolean {
    return this.touchedLines;
  }

  listSections(): IniSectionInfo[] {
    if (this.lazy) {
      const listed = this.listed();
      return listed.starts.map((start, k) => ({ name: listed.names[k], header: listed.headers[k] as string, line: this.lineAtOffset(start) + 1 }));
    }
    const out: IniSectionInfo[] = [];
    for (let s = this.head.next; s; s = s.next) out.push({ name: s.name, header: s.header as string, line: this.startOf(s) + 1 });
    return out;
  }

  /** Names of the sections clients read, each once, in file order. */
  sectionNames(): string[] {
    const names = new Set<string>();
    if (this.lazy) for (const n of this.listed().names) if (n !== undefined) names.add(n);
    for (let s = this.head.next; s; s = s.next) if (s.name !== undefined) names.add(s.name);
    return [...names];
  }

  hasSection(name: string): boolean {
    return this.lazy ? this.effectiveSegments(name).length > 0 : (this.byName.get(name)?.length ?? 0) > 0;
  }

  /** The section's keys (lower-cased) and values as botocore reads them; undefined if absent. */
  getSection(name: string): Record<string, string> | undefined {
    const segs = this.effectiveSegments(name);
    if (segs.length === 0) return undefined;
    // No prototype: a key named `__proto__` stays an ordinary key.
    const out = Object.create(null) as Record<string, string>;
    for (const s of segs) for (const k of (this.view(s).block as Block).keys) out[k.key] = k.value;
    return out;
  }

  get(section: string, key: string): string | undefined {
    return this.findKey(section, key)?.key.value;
  }

  /**
   * A nested block (`s3 =` followed by indented `k = v` lines) as botocore's `_parse_nested` reads
   * it; undefined when the key is absent or holds a plain value.
   */
  getNested(section: string, key: string): Record<string, string> | undefined {
    const value = this.get(section, key);
    if (value === undefined || !value.startsWith("\n")) return undefined;
    const out = Object.create(null) as Record<string, string>;
    for (const line of pythonSplitLines(value)) {
      const eq = line.indexOf("=");
      if (eq >= 0) out[pythonStrip(line.slice(0, eq))] = pythonStrip(line.slice(eq + 1));
    }
    return out;
  }

  /** The whole-line comments inside the section (`#` or `;` included, trimmed), in file order. */
  comments(section: string): string[] {
    const out = new Array<string>();
    for (const s of this.effectiveSegments(section)) {
      const { lines, block } = this.view(s);
      if (!(block as Block).hasComment) continue;
      for (const l of lines) {
        const info = classify(l.text);
        if (info.kind === "comment") out.push(info.stripped);
      }
    }
    return out;
  }

  /** 1-based line of the key (or of the section header when no key is given), for messages. */
  findLine(section: string, key?: string): number | undefined {
    if (key !== undefined) {
      const found = this.findKey(section, key);
      return found && this.startOf(found.seg) + found.key.index + 1;
    }
    const seg = this.effectiveSegments(section).at(-1);
    return seg && this.startOf(seg) + 1;
  }

  /**
   * Sets keys: an existing key's lines are replaced in place by `key = value` (left alone if the value
   * is already equal); missing keys go after the section's last key; a missing section is appended
   * at the end, after one blank line, with `comment` (a `#` line) under its header if given.
   */
  setKeys(section: string, entries: Record<string, string>, opts: { comment?: string } = {}): void {
    const pairs = Object.entries(entries);
    for (const [key, value] of pairs) checkKeyValue(key, value);
    if (opts.comment !== undefined) checkComment(opts.comment);
    if (new Set(pairs.map(([k]) => k.toLowerCase())).size !== pairs.length) {
      throw new BadValueError(`The same key is given twice for [${section}].`);
    }
    this.edit(section, () => {
      const eol = this.dominantEol();
      const segs = this.effectiveSegments(section);
      if (segs.length === 0) {
        const header = /[\r\n]/.test(section) || section === "" ? undefined : formatSectionHeader(section, this.naming);
        if (header === undefined) {
          throw new BadValueError(`Cannot write a section named "${section}" that clients would read back.`);
        }
        const seg = this.appendSegment(header, section);
        const comment = opts.comment === undefined ? [] : [{ text: opts.comment, eol }];
        this.insertLines(seg, 1, [...comment, ...pairs.map(([key, value]) => ({ text: keyLine(key, value), eol }))]);
        this.reread(seg);
        return;
      }
      const missing: Line[] = [];
      const replace = new Map<Segment, Array<[KeyLine, string]>>();
      for (const [key, value] of pairs) {
        const lower = key.toLowerCase();
        let found: [Segment, KeyLine] | undefined;
        for (const s of segs) {
          const k = (this.view(s).block as Block).keys.find((x) => x.key === lower);
          if (k && !found) found = [s, k];
        }
        const text = keyLine(key, value);
        if (found === undefined) missing.push({ text, eol });
        else if (found[1].value !== value) replace.set(found[0], [...(replace.get(found[0]) ?? []), [found[1], found[1].indent + text]]);
      }
      for (const [s, list] of replace) {
        this.touch(s);
        // Bottom-up, so the indexes of lines above stay valid.
        for (const [k, text] of list.sort(([a], [b]) => b.index - a.index)) {
          const lastEol = (s.lines[k.end - 1] as Line).eol;
          this.deleteLines(s, k.index + 1, k.end);
          this.spliceLines(s, k.index, 1, [{ text, eol: lastEol }]);
        }
        this.reread(s);
      }
      if (missing.length > 0) {
        const s = segs.at(-1) as Segment;
        const lastKey = (this.view(s).block as Block).keys.at(-1);
        const indent = lastKey?.indent ?? "";
        this.insertLines(s, lastKey ? lastKey.end : 1, missing.map((l) => ({ ...l, text: indent + l.text })));
        this.reread(s);
      }
    });
    for (const [key, value] of pairs) {
      if (this.get(section, key) !== value) throw this.refuse(section, "the new value would not read back as written");
    }
  }

  /** Replaces the section's comment line that reads `from` (trimmed) by `to`, keeping its indentation. */
  replaceComment(section: string, from: string, to: string): void {
    checkComment(to);
    const segs = this.effectiveSegments(section);
    for (const s of segs) {
      const i = this.view(s).lines.findIndex((l) => {
        const info = classify(l.text);
        return info.kind === "comment" && info.stripped === from;
      });
      if (i < 0) continue;
      this.edit(section, () => {
        this.touch(s);
        const line = s.lines[i] as Line;
        this.spliceLines(s, i, 1, [{ text: line.text.slice(0, classify(line.text).indent) + to, eol: line.eol }]);
        this.reread(s);
      });
      return;
    }
  }

  /**
   * Drops the keys' lines (continuation lines too). A section left with no keys and no comments
   * keeps its header and blank lines, byte for byte: someone wrote it. With `dropEmptySection` (the
   * caller added the section, as its records show) it loses its header and one adjacent blank line
   * instead, so removing what setKeys added restores the bytes.
   */
  removeKeys(section: string, keys: string[], opts: { dropEmptySection?: boolean } = {}): void {
    const wanted = new Set(keys.map((k) => k.toLowerCase()));
    const segs = this.effectiveSegments(section);
    // Nothing to remove: a section that was already empty is the user's; leave its header alone.
    if (!segs.some((s) => (this.view(s).block as Block).keys.some((k) => wanted.has(k.key)))) return;
    this.edit(section, () => {
      for (const s of segs) {
        const hits = (this.view(s).block as Block).keys.filter((k) => wanted.has(k.key));
        if (hits.length === 0) continue;
        for (const k of hits.reverse()) this.deleteLines(s, k.index, k.end);
        this.reread(s);
      }
      if (!opts.dropEmptySection) return;
      for (const s of [...segs].reverse()) {
        const block = this.view(s).block as Block;
        if (block.keys.length === 0 && !block.hasComment) this.dropSegment(s, 1);
      }
    });
  }

  /**
   * Removes every section with this name: its header and the lines up to its last key. Comments and
   * blank lines after the last key stay (they usually introduce the next section).
   */
  removeSection(name: string): void {
    this.readAll();
    const segs = [...(this.byName.get(name) ?? [])];
    if (segs.length === 0) return;
    this.edit(name, () => {
      for (const s of segs.reverse()) {
        this.dropSegment(s, (this.view(s).block as Block).keys.at(-1)?.end ?? 1);
      }
    });
  }

  private findKey(section: string, key: string): KeyAt | undefined {
    const lower = key.toLowerCase();
    let found: KeyAt | undefined;
    for (const seg of this.effectiveSegments(section)) {
      for (const k of (this.view(seg).block as Block).keys) if (k.key === lower) found ??= new KeyAt(seg, k);
    }
    return found;
  }

  /**
   * The segments botocore reads for a name, each read: when two headers give one name
   * (`[profile a]` and `[profile "a"]`) the later wins wholesale; a repeated `[DEFAULT]` is merged.
   */
  private effectiveSegments(name: string): Segment[] {
    if (this.lazy) return this.lazySegments(name);
    const all = this.byName.get(name);
    const last = all?.at(-1);
    if (all === undefined || last === undefined) return [];
    return all.length === 1 ? all : all.filter((s) => s.header === last.header);
  }

  /** effectiveSegments of a lazy document: the sections of that name, read now. */
  private lazySegments(name: string): Segment[] {
    const lazy = this.lazy as LazyIndex;
    const cached = lazy.found.get(name);
    if (cached) return cached;
    const { text, listed } = lazy;
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
      if (lazy.others && (!name.startsWith("profile ") || lazy.noted.has(name))) {
        for (const i of lazy.others) if (text.startsWith(needle, i)) take(i);
      } else for (let i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) take(i);
    }
    if (at.length > 1) {
      // One header twice: an error, or [DEFAULT] sections whose keys merge. The whole file decides.
      this.readAll();
      return this.effectiveSegments(name);
    }
    const segs = at.map(([start, end]) => {
      let seg = lazy.read.get(start);
      if (seg === undefined) {
        const lines = splitLines(text.slice(start, end));
        const block = analyze(lines, this.fileName, this.naming, () => this.lineAtOffset(start))[0] as Block;
        seg = newSegment(block.header, block.name, lines, block);
        seg.start = start;
        lazy.read.set(start, seg);
      }
      return seg;
    });
    lazy.found.set(name, segs);
    return segs;
  }

  /** Every header of a lazy document, listed once asked for. */
  private listed(): NonNullable<LazyIndex["listed"]> {
    const lazy = this.lazy as LazyIndex;
    lazy.listed ??= listHeaders(lazy.text, this.naming);
    if (lazy.listed === undefined) throw new Error("internal: a lazy document whose headers cannot be listed");
    return lazy.listed;
  }

  /** Lines that end before a character offset of a lazy document's text (it has no lone `\r`). */
  private lineAtOffset(offset: number): number {
    const lazy = this.lazy as LazyIndex;
    let { offset: from, line } = lazy.counted;
    if (offset < from) [from, line] = [0, 0];
    for (let i = lazy.text.indexOf("\n", from); i >= 0 && i < offset; i = lazy.text.indexOf("\n", i + 1)) line++;
    lazy.counted = { offset, line };
    return line;
  }

  /**
   * A segment's lines and reading: its own while an edit holds it as lines, else read from its text
   * (the last few readings are kept, so asking a section for several keys reads it once).
   */
  private view(seg: Segment): { lines: Line[]; block: Block | undefined } {
    const raw = seg.raw;
    if (raw === undefined) return seg;
    for (const view of this.views) if (view?.seg === seg && view.raw === raw) return view;
    const lines = splitLines(raw);
    const blocks = analyze(lines, this.fileName, this.naming, () => this.startOf(seg));
    if (blocks.length !== 1 || blocks[0]?.index !== 0) throw new Error("internal: a segment's text is not one section");
    const view = new SegmentView(seg, raw, lines, blocks[0]);
    this.views[this.nextView] = view;
    this.nextView = (this.nextView + 1) % KEPT_VIEWS;
    return view;
  }

  /** A segment held as text becomes lines, for an edit to change. */
  private materialize(seg: Segment): void {
    if (seg.raw === undefined) return;
    const { lines, block } = this.view(seg);
    // The reading is the segment's own now; a kept copy would be changed with it.
    for (const [i, view] of this.views.entries()) if (view?.seg === seg) this.views[i] = undefined;
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
  private dematerialize(seg: Segment): void {
    if (seg.raw !== undefined || !seg.linked || seg.header === undefined || !splitsBack(seg.lines)) return;
    seg.raw = seg.lines.map((l) => l.text + l.eol).join("");
    seg.rawLines = seg.lines.length;
    seg.lines = NO_LINES;
    seg.block = undefined;
  }

  /** Analyses a segment again after its lines changed (its header still opens it). */
  private reread(seg: Segment): void {
    if (seg.header === undefined) return;
    const blocks = analyze(seg.lines, this.fileName, this.naming, () => this.startOf(seg));
    if (blocks.length !== 1 || blocks[0]?.index !== 0) throw new Error("internal: a segment lost its header");
    seg.block = blocks[0];
  }

  private startOf(seg: Segment): number {
    // A lazily read section's `start` holds the offset of its header in the text.
    if (this.lazy) return this.lineAtOffset(seg.start);
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

  /**
   * Runs an edit, then proves that every other section still reads exactly as before: the segments
   * it changed are read again, each with the header that follows it. On any failure the document is
   * put back as it was.
   */
  private edit(section: string, change: () => void): void {
    this.readAll();
    const journal: Journal = { saved: new Map(), added: [], tail: this.tail, eols: this.eols && new Map(this.eols) };
    this.journal = journal;
    try {
      if ((this.byName.get("DEFAULT")?.length ?? 0) > 1 && section === "DEFAULT") {
        // Its repeated headers share one set of keys: checking one segment alone would miss a duplicate.
        throw this.refuse(section, "[DEFAULT] appears more than once");
      }
      change();
      for (const seg of [...journal.saved.keys(), ...journal.added]) {
        if (seg.linked) this.check(seg, section, journal.saved.get(seg));
      }
    } catch (err) {
      this.rollBack(journal);
      throw err;
    } finally {
      this.journal = undefined;
      for (const seg of [...journal.saved.keys(), ...journal.added]) this.dematerialize(seg);
    }
  }

  /**
   * A changed segment, analysed with the header after it: that header must still open its section,
   * and a segment of another section must read as before.
   */
  private check(seg: Segment, section: string, saved: SavedSegment | undefined): void {
    const nextHeader = seg.next && this.view(seg.next).lines[0];
    const lines = nextHeader ? [...seg.lines, nextHeader] : seg.lines;
    let blocks: Block[];
    try {
      blocks = analyze(lines, this.fileName, this.naming, () => 0);
    } catch {
      throw this.refuse(section, "the edit would change other sections");
    }
    const own = seg.header === undefined ? 0 : 1;
    const shape =
      blocks.length === own + (nextHeader ? 1 : 0) &&
      (own === 0 || (blocks[0]?.index === 0 && blocks[0].header === seg.header)) &&
      (!nextHeader || blocks[own]?.index === seg.lines.length);
    if (!shape) throw this.refuse(section, "the edit would change other sections");
    const block = own ? blocks[0] : undefined;
    if (seg.name !== section && saved !== undefined && !sameBlock(saved.block, block)) throw this.refuse(section, "the edit would change other sections");
    seg.block = block;
  }

  private rollBack(journal: Journal): void {
    for (const seg of journal.added) seg.linked = false;
    for (const [seg, saved] of journal.saved) Object.assign(seg, saved);
    this.tail = journal.tail;
    this.tail.next = undefined;
    this.eols = journal.eols;
    this.startsFresh = false;
    this.byName.clear();
    for (let s = this.head.next; s; s = s.next) this.index(s);
  }

  /** Notes a segment's state before its first change in an edit, as lines (the edit changes lines). */
  private touch(seg: Segment): void {
    const j = this.journal;
    if (j === undefined || j.saved.has(seg) || j.added.includes(seg)) return;
    this.materialize(seg);
    j.saved.set(seg, { lines: seg.lines.slice(), block: seg.block, prev: seg.prev, next: seg.next, linked: seg.linked });
  }

  /** A lazy document becomes a whole one: the full reading, with every check. */
  private readAll(): void {
    if (!this.lazy) return;
    const full = IniDocument.parse(this.lazy.text, this.fileName, { sectionNames: this.naming });
    this.lazy = undefined;
    this.head.lines = full.head.lines;
    this.head.next = full.head.next;
    if (this.head.next) this.head.next.prev = this.head;
    this.tail = full.tail === full.head ? this.head : full.tail;
    for (const [name, segs] of full.byName) this.byName.set(name, segs);
    this.startsFresh = false;
  }

  private link(seg: Segment): void {
    this.touch(this.tail);
    seg.prev = this.tail;
    this.tail.next = seg;
    this.tail = seg;
    seg.linked = true;
    this.index(seg);
    this.startsFresh = false;
  }

  private index(seg: Segment): void {
    if (seg.name === undefined) return;
    const list = this.byName.get(seg.name);
    if (list) list.push(seg);
    else this.byName.set(seg.name, [seg]);
  }

  private unlink(seg: Segment): void {
    const { prev, next } = seg;
    this.touch(seg);
    if (prev) this.touch(prev);
    if (next) this.touch(next);
    if (prev) prev.next = next;
    if (next) next.prev = prev;
    if (this.tail === seg) this.tail = prev as Segment;
    seg.linked = false;
    seg.prev = undefined;
    seg.next = undefined;
    if (seg.name !== undefined) {
      const list = (this.byName.get(seg.name) ?? []).filter((s) => s !== seg);
      if (list.length) this.byName.set(seg.name, list);
      else this.byName.delete(seg.name);
    }
    this.startsFresh = false;
  }

  /** A new section at the end of the file, after one blank line (none in an empty file). */
  private appendSegment(header: string, name: string): Segment {
    const eol = this.dominantEol();
    const headerLine: Line = { text: `[${header}]`, eol };
    this.touch(this.tail);
    const last = this.tail.lines.length;
    if (last > 0) {
      // A file without a final line ending keeps that property: the new last line gets none.
      const lastLine = this.tail.lines[last - 1] as Line;
      if (lastLine.eol === "") {
        this.spliceLines(this.tail, last - 1, 1, [{ ...lastLine, eol }]);
        headerLine.eol = "";
      }
      this.spliceLines(this.tail, last, 0, [{ text: "", eol }]);
    }
    const seg = newSegment(header, name, [], { header, name, index: 0, keys: [], hasComment: false });
    this.link(seg);
    this.journal?.added.push(seg);
    this.spliceLines(seg, 0, 0, [headerLine]);
    return seg;
  }

  /**
   * Deletes a section's lines from its header up to `end` and one adjacent blank line, then hands
   * what is left (comments and blank lines after its last key) to the segment before.
   */
  private dropSegment(seg: Segment, end: number): void {
    this.deleteLines(seg, 0, end);
    const before = this.lastLineBefore(seg);
    if (before && isBlank(before.seg.lines[before.index])) this.deleteLines(before.seg, before.index, before.index + 1);
    else if (isBlank(seg.lines[0])) this.deleteLines(seg, 0, 1);
    const prev = seg.prev as Segment;
    if (seg.lines.length > 0) {
      this.touch(prev);
      this.touch(seg);
      prev.lines.push(...seg.lines);
      seg.lines = [];
    }
    this.unlink(seg);
  }

  // Line objects are never changed in place (a refused edit restores copies of the arrays). A file
  // without a final line ending keeps that property through inserts and deletes at its end, which is
  // what makes set-then-remove restore the original bytes.
  private insertLines(seg: Segment, at: number, added: Line[]): void {
    if (added.length === 0) return;
    this.touch(seg);
    if (at === seg.lines.length && this.isLastWithLines(seg)) {
      const prev = at > 0 ? { seg, index: at - 1 } : this.lastLineBefore(seg);
      const prevLine = prev && (prev.seg.lines[prev.index] as Line);
      if (prev && prevLine && prevLine.eol === "") {
        this.spliceLines(prev.seg, prev.index, 1, [{ ...prevLine, eol: this.dominantEol() }]);
        added[added.length - 1] = { ...(added[added.length - 1] as Line), eol: "" };
      }
    }
    this.spliceLines(seg, at, 0, added);
  }

  private deleteLines(seg: Segment, start: number, end: number): void {
    if (end <= start) return;
    this.touch(seg);
    const endedWithoutEol = end === seg.lines.length && seg.lines[end - 1]?.eol === "" && this.isLastWithLines(seg);
    this.spliceLines(seg, start, end - start, []);
    if (!endedWithoutEol) return;
    const last = seg.lines.length > 0 ? { seg, index: seg.lines.length - 1 } : this.lastLineBefore(seg);
    if (last) this.spliceLines(last.seg, last.index, 1, [{ ...(last.seg.lines[last.index] as Line), eol: "" }]);
  }

  /** The one place lines change: keeps the journal, the line-ending counts and line numbers right. */
  private spliceLines(seg: Segment, start: number, deleteCount: number, added: Line[]): void {
    this.touch(seg);
    this.touchedLines = true;
    const removed = seg.lines.splice(start, deleteCount, ...added);
    if (this.eols) {
      for (const l of removed) if (l.eol) this.eols.set(l.eol, (this.eols.get(l.eol) ?? 0) - 1);
      for (const l of added) if (l.eol) this.eols.set(l.eol, (this.eols.get(l.eol) ?? 0) + 1);
    }
    if (removed.length !== added.length) this.startsFresh = false;
  }

  /** No segment after this one has a line: its last line is the file's last line. */
  private isLastWithLines(seg: Segment): boolean {
    for (let s = seg.next; s; s = s.next) if (hasLines(s)) return false;
    return true;
  }

  /** The line before a segment, in an edit (its segment is made lines, for the edit to change). */
  private lastLineBefore(seg: Segment): { seg: Segment; index: number } | undefined {
    for (let s = seg.prev; s; s = s.prev) {
      if (!hasLines(s)) continue;
      this.touch(s);
      return { seg: s, index: s.lines.length - 1 };
    }
    return undefined;
  }

  private dominantEol(): string {
    if (this.eols === undefined) {
      this.readAll();
      this.eols = new Map();
      for (let s: Segment | undefined = this.head; s; s = s.next) {
        if (s.raw !== undefined) countLineEnds(s.raw, this.eols);
        else for (const l of s.lines) if (l.eol !== "") this.eols.set(l.eol, (this.eols.get(l.eol) ?? 0) + 1);
      }
    }
    let best = "\n";
    for (const [eol, n] of this.eols) if (n > (this.eols.get(best) ?? 0)) best = eol;
    return best;
  }

  private refuse(section: string, why: string): FileFormatError {
    return new FileFormatError(
      this.fileName,
      this.findLine(section),
      `cannot edit [${section}] safely: ${why} (unusual indentation?)`,
      "Edit this section by hand, then try again.",
    );
  }
}

function newSegment(header: string | undefined, name: string | undefined, lines: Line[], block?: Block): Segment {
  return { header, name, lines, block, raw: undefined, rawLines: 0, prev: undefined, next: undefined, linked: false, start: 0 };
}

/** A byte order mark or a lone `\r` line ending: only the whole reading handles (and reports) them. */
function wholeReadingOnly(text: string): boolean {
  return text.startsWith("\uFEFF") || (text.includes("\r") && /\r(?!\n)/.test(text));
}

function hasLines(seg: Segment): boolean {
  return seg.raw !== undefined ? seg.raw !== "" : seg.lines.length > 0;
}

/**
 * A whole file cut into the lines before its first header and the text of each section, every
 * section checked as the whole reading checks it, without holding an object per line of the file;
 * or undefined when only the whole reading can judge: a byte order mark, a lone `\r`, a header
 * that appears twice (an error, or [DEFAULT] sections whose keys merge), a nested value in
 * [DEFAULT], or any error at all (the
 * whole reading then names the line botocore would stop at, as it always has).
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

/** Whether splitLines of the lines' text gives back these very lines. */
function splitsBack(lines: readonly Line[]): boolean {
  if (lines.length === 0) return false;
  const last = lines.length - 1;
  return lines.every((l, i) => l.eol === "\n" || l.eol === "\r\n" || (i === last && l.eol === "" && l.text !== ""));
}

/** Adds the line endings of a segment's text (which has no lone `\r`) to the counts. */
function countLineEnds(raw: string, eols: Map<string, number>): void {
  let lf = 0;
  let crlf = 0;
  for (let i = raw.indexOf("\n"); i >= 0; i = raw.indexOf("\n", i + 1)) {
    if (i > 0 && raw.charCodeAt(i - 1) === 13) crlf++;
    else lf++;
  }
  if (lf) eols.set("\n", (eols.get("\n") ?? 0) + lf);
  if (crlf) eols.set("\r\n", (eols.get("\r\n") ?? 0) + crlf);
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
function listHeaders(text: string, naming: SectionNaming): LazyIndex["listed"] {
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

function isBlank(line: Line | undefined): boolean {
  return line !== undefined && pythonStrip(line.text) === "";
}

/** Starts or ends with white space as configparser (botocore) or trim() (the JS SDK's reader) sees it. */
function isPadded(s: string): boolean {
  return s !== pythonStrip(s) || s !== s.trim();
}

function checkKeyValue(key: string, value: string): void {
  if (key === "" || isPadded(key) || /[=:\r\n]/.test(key) || /^[#;[]/.test(key)) {
    throw new BadValueError(`"${key}" cannot be written as an ini key.`);
  }
  // The value is not echoed: it may be a secret.
  if (/[\r\n]/.test(value)) throw new BadValueError(`The value for ${key} contains a line break.`);
  if (isPadded(value)) throw new BadValueError(`The value for ${key} starts or ends with whitespace.`);
}

function checkComment(comment: string): void {
  if (!/^[#;]/.test(comment) || /[\r\n]/.test(comment)) throw new BadValueError("A comment line starts with # or ; and has no line break.");
}

/** Whether two readings of a section have the same header, keys and values. */
function sameBlock(a: Block | undefined, b: Block | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.header === b.header && a.keys.length === b.keys.length && a.keys.every((k, j) => k.key === b.keys[j]?.key && k.value === b.keys[j]?.value);
}

/** How a key is written: `key = value`, or `key =` when empty. */
function keyLine(key: string, value: string): string {
  return `${key}${value === "" ? " =" : ` = ${value}`}`;
}
