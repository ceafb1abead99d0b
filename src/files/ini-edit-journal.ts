import type { Segment } from "./ini-segment.js";
import type { Block, Line } from "./ini-syntax.js";

// The journal of one edit of an IniEditor: each segment as it was before the edit first changed it,
// and the segments the edit added, so that a refused edit leaves the document exactly as it was.

interface SavedSegment {
  lines: Line[];
  block: Block | undefined;
  prev: Segment | undefined;
  next: Segment | undefined;
  linked: boolean;
}

export class EditJournal {
  private readonly saved = new Map<Segment, SavedSegment>();
  private readonly added: Segment[] = [];

  /** `tail` and `eols`: the document's last segment and line-ending counts before the edit. */
  constructor(
    readonly tail: Segment,
    readonly eols: Map<string, number> | undefined,
  ) {}

  /** Whether the segment is noted already, or was added by the edit. */
  holds(seg: Segment): boolean {
    return this.saved.has(seg) || this.added.includes(seg);
  }

  /** Notes a segment, held as lines, before the edit first changes it. */
  note(seg: Segment): void {
    this.saved.set(seg, { lines: seg.lines.slice(), block: seg.block, prev: seg.prev, next: seg.next, linked: seg.linked });
  }

  noteAdded(seg: Segment): void {
    this.added.push(seg);
  }

  /** Every segment the edit changed or added. */
  segments(): Segment[] {
    return [...this.saved.keys(), ...this.added];
  }

  /** Whether a segment of another section reads as before the edit: the same header, keys and values. */
  readsAsBefore(seg: Segment, block: Block | undefined): boolean {
    const saved = this.saved.get(seg);
    return saved === undefined || sameBlock(saved.block, block);
  }

  /** Puts every noted segment back as it was, and unlinks the added ones. */
  restore(): void {
    for (const seg of this.added) seg.linked = false;
    for (const [seg, saved] of this.saved) Object.assign(seg, saved);
  }
}

/** Whether two readings of a section have the same header, keys and values. */
function sameBlock(a: Block | undefined, b: Block | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return (
    a.header === b.header &&
    a.keys.length === b.keys.length &&
    a.keys.every((k, j) => k.key === b.keys[j]?.key && k.value === b.keys[j]?.value)
  );
}
