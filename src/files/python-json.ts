// Python's `json.dumps` byte for byte, for the cache files and cache keys that botocore and the
// AWS CLI hash or write (docs/protocol/token-cache.md §2.1, §3.2, §6): `ensure_ascii=True` escapes everything
// outside printable ASCII as lower-case `\uXXXX` (UTF-16 units, as Python does for astral
// characters), and the separators are `", "`/`": "` by default or `","`/`":"` when compact.
// Numbers are written as JavaScript prints them; the files we hash or write hold none.

export interface PythonJsonOptions {
  /** `sort_keys=True`. */
  sortKeys?: boolean;
  /** `separators=(",", ":")`. */
  compact?: boolean;
}

const SHORT_ESCAPES: Record<string, string> = { '"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f" };

export function formatPythonJson(value: unknown, opts: PythonJsonOptions = {}): string {
  const [item, key] = opts.compact ? [",", ":"] : [", ", ": "];
  const write = (v: unknown): string => {
    if (v === null) return "null";
    if (typeof v === "string") return quote(v);
    if (typeof v === "boolean") return String(v);
    if (typeof v === "number") {
      if (!Number.isFinite(v)) throw new TypeError("JSON cannot hold NaN or Infinity");
      return String(v);
    }
    if (Array.isArray(v)) return `[${v.map(write).join(item)}]`;
    if (typeof v === "object") {
      const entries = Object.entries(v).filter(([, x]) => x !== undefined);
      if (opts.sortKeys) entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return `{${entries.map(([k, x]) => `${quote(k)}${key}${write(x)}`).join(item)}}`;
    }
    throw new TypeError(`JSON cannot hold a ${typeof v}`);
  };
  return write(value);
}

function quote(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const unit = s.charAt(i);
    const code = s.charCodeAt(i);
    out += SHORT_ESCAPES[unit] ?? (code < 0x20 || code > 0x7e ? `\\u${code.toString(16).padStart(4, "0")}` : unit);
  }
  return `${out}"`;
}
