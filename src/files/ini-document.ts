import type { SectionNaming } from "./ini-section-name.js";
import type { Segment, SegmentReading } from "./ini-segment.js";
import { pythonSplitLines, pythonStrip, classify, type Block, type KeyLine } from "./ini-syntax.js";

export { profileSectionName, type SectionNaming } from "./ini-section-name.js";

// ~/.aws/config or ~/.aws/credentials as botocore reads it: what every reading of the file answers.
// The reading rules are Python configparser's `RawConfigParser()` defaults, which botocore uses
// (docs/protocol/config-files.md §2, ini-syntax.ts), so a file a reading accepts is a file botocore
// accepts, and an error names the line botocore would stop at. Keys are case-insensitive, as
// configparser lower-cases them: `getSection` returns lower-cased keys, `get` matches any case.
//
// Three readings answer these questions: IniScanner (ini-scanner.ts) reads a section only when
// asked, for the one-profile hot paths; IniChain (ini-chain.ts) reads the whole file once, as a
// chain of segments; IniEditor (ini-editor.ts) is an IniChain that edits, keeping every other byte.

export interface IniReadOptions {
  /**
   * How section headers map to names (ini-section-name.ts). Default `config`; ~/.aws/credentials
   * needs `raw`, which readCredentialsFile uses.
   */
  sectionNames?: SectionNaming;
}

export interface IniSectionInfo {
  /** The name clients read, or undefined when they ignore the section (`[profile a b]`). */
  name: string | undefined;
  /** The bracketed text exactly as written. */
  header: string;
  /** 1-based line number of the header. */
  line: number;
}

/** A key and the segment it is in (a class: see ini-syntax.ts). */
class KeyAt {
  constructor(
    readonly seg: Segment,
    readonly key: KeyLine,
  ) {}
}

export abstract class IniDocument {
  protected constructor(
    readonly fileName: string,
    protected readonly naming: SectionNaming,
  ) {}

  /** The text, exactly as read (and as edited, for an IniEditor). */
  abstract toString(): string;

  abstract listSections(): IniSectionInfo[];

  /** Names of the sections clients read, each once, in file order. */
  abstract sectionNames(): string[];

  abstract hasSection(name: string): boolean;

  /**
   * The segments botocore reads for a name: when two headers give one name (`[profile a]` and
   * `[profile "a"]`) the later wins wholesale; a repeated `[DEFAULT]` is merged.
   */
  protected abstract effectiveSegments(name: string): Segment[];

  /** A segment's lines and how configparser reads them. */
  protected abstract view(seg: Segment): SegmentReading;

  /** Index of a segment's first line in the file. */
  protected abstract startOf(seg: Segment): number;

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

  protected findKey(section: string, key: string): KeyAt | undefined {
    const lower = key.toLowerCase();
    let found: KeyAt | undefined;
    for (const seg of this.effectiveSegments(section)) {
      for (const k of (this.view(seg).block as Block).keys) if (k.key === lower) found ??= new KeyAt(seg, k);
    }
    return found;
  }

  // For a reading that hands its questions to another (IniScanner, when only the whole file can answer).
  protected static segmentsOf(doc: IniDocument, name: string): Segment[] {
    return doc.effectiveSegments(name);
  }

  protected static viewOf(doc: IniDocument, seg: Segment): SegmentReading {
    return doc.view(seg);
  }

  protected static startIn(doc: IniDocument, seg: Segment): number {
    return doc.startOf(seg);
  }
}
