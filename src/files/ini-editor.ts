import { BadValueError, FileFormatError } from "../errors.js";
import { IniChain } from "./ini-chain.js";
import type { IniReadOptions } from "./ini-document.js";
import { EditJournal } from "./ini-edit-journal.js";
import { formatSectionHeader } from "./ini-section-name.js";
import { countLineEnds, hasLines, newSegment, type Segment } from "./ini-segment.js";
import { analyze, checkComment, checkKeyValue, classify, keyLine, pythonStrip, type Block, type KeyLine, type Line } from "./ini-syntax.js";

// A lossless editor for ~/.aws/config and ~/.aws/credentials: the file read whole (IniChain), every
// line kept as written (text plus its own line ending); edits touch only the lines of the keys they
// change, and an edited line keeps its indentation but is rewritten as `key = value`.
//
// An edit changes one segment's lines and reads again only that segment and the header after it,
// which is all an edit can change (a header at the start of a line always opens a section; only
// what follows a key can become its continuation). A journal notes each segment before its first
// change, so that a refused edit leaves the document exactly as it was. After the edit, a segment
// is held as text again (ini-segment.ts).

export class IniEditor extends IniChain {
  /** Line endings counted (for the dominant one), once first needed. */
  private eols: Map<string, number> | undefined;
  private journal: EditJournal | undefined;
  private touchedLines = false;

  /** Throws FileFormatError (file and line, never the line's text) where botocore would fail. */
  static parse(text: string, fileName: string, opts: IniReadOptions = {}): IniEditor {
    const doc = new IniEditor(fileName, opts.sectionNames ?? "config");
    doc.fill(text);
    return doc;
  }

  /**
   * False while no edit has changed a line since the file was read: toString() would give back the
   * text it was read from (a caller can skip rendering a file of 50,000 sections to find that out).
   */
  get changed(): boolean {
    return this.touchedLines;
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
        this.insertLines(
          s,
          lastKey ? lastKey.end : 1,
          missing.map((l) => ({ ...l, text: indent + l.text })),
        );
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
    const segs = [...(this.byName.get(name) ?? [])];
    if (segs.length === 0) return;
    this.edit(name, () => {
      for (const s of segs.reverse()) {
        this.dropSegment(s, (this.view(s).block as Block).keys.at(-1)?.end ?? 1);
      }
    });
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
    this.journal?.noteAdded(seg);
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

  /** Analyses a segment again after its lines changed (its header still opens it). */
  private reread(seg: Segment): void {
    if (seg.header === undefined) return;
    const blocks = analyze(seg.lines, this.fileName, this.naming, () => this.startOf(seg));
    if (blocks.length !== 1 || blocks[0]?.index !== 0) throw new Error("internal: a segment lost its header");
    seg.block = blocks[0];
  }

  /**
   * Runs an edit, then proves that every other section still reads exactly as before: the segments
   * it changed are read again, each with the header that follows it. On any failure the document is
   * put back as it was.
   */
  private edit(section: string, change: () => void): void {
    const journal = new EditJournal(this.tail, this.eols && new Map(this.eols));
    this.journal = journal;
    try {
      if ((this.byName.get("DEFAULT")?.length ?? 0) > 1 && section === "DEFAULT") {
        // Its repeated headers share one set of keys: checking one segment alone would miss a duplicate.
        throw this.refuse(section, "[DEFAULT] appears more than once");
      }
      change();
      for (const seg of journal.segments()) if (seg.linked) this.check(seg, section, journal);
    } catch (err) {
      this.rollBack(journal);
      throw err;
    } finally {
      this.journal = undefined;
      for (const seg of journal.segments()) this.texts.toText(seg);
    }
  }

  /**
   * A changed segment, analysed with the header after it: that header must still open its section,
   * and a segment of another section must read as before.
   */
  private check(seg: Segment, section: string, journal: EditJournal): void {
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
    if (seg.name !== section && !journal.readsAsBefore(seg, block)) throw this.refuse(section, "the edit would change other sections");
    seg.block = block;
  }

  private rollBack(journal: EditJournal): void {
    journal.restore();
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
    if (j === undefined || j.holds(seg)) return;
    this.texts.toLines(seg, () => this.startOf(seg));
    j.note(seg);
  }
}

function isBlank(line: Line | undefined): boolean {
  return line !== undefined && pythonStrip(line.text) === "";
}

/** Starts or ends with white space as configparser (botocore) or trim() (the JS SDK's reader) sees it. */
