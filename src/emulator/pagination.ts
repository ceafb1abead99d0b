/**
 * Opaque page tokens for ListAccounts / ListAccountRoles. A token names the list it belongs to,
 * so a token from one list used on another is rejected, as the service does (InvalidRequest).
 * Tokens contain `+`, `/` and `=` on purpose: clients must percent-encode them
 * (docs/protocol/sso-portal.md §3).
 */
export interface Page {
  start: number;
  end: number;
  nextToken?: string;
}

export type PageResult = { ok: true; page: Page } | { ok: false; message: string };

export function paginate(opts: {
  total: number;
  listId: string;
  nextToken?: string | null;
  maxResults?: string | null;
  serverPageSize: number;
}): PageResult {
  let size = opts.serverPageSize;
  if (opts.maxResults !== undefined && opts.maxResults !== null) {
    const n = Number(opts.maxResults);
    if (!/^\d+$/.test(opts.maxResults) || n < 1 || n > 100) {
      return { ok: false, message: "maxResults must be an integer between 1 and 100" };
    }
    size = Math.min(n, opts.serverPageSize);
  }
  let start = 0;
  if (opts.nextToken !== undefined && opts.nextToken !== null) {
    const decoded = decodeToken(opts.nextToken);
    if (!decoded || decoded.listId !== opts.listId || decoded.offset > opts.total) {
      return { ok: false, message: "The nextToken is invalid" };
    }
    start = decoded.offset;
  }
  const end = Math.min(start + size, opts.total);
  const page: Page = { start, end };
  if (end < opts.total) page.nextToken = encodeToken(opts.listId, end);
  return { ok: true, page };
}

function encodeToken(listId: string, offset: number): string {
  return Buffer.from(JSON.stringify({ l: listId, o: offset, v: 1 }) + "~~", "utf8").toString("base64");
}

function decodeToken(token: string): { listId: string; offset: number } | undefined {
  try {
    const text = Buffer.from(token, "base64").toString("utf8");
    if (!text.endsWith("~~")) return undefined;
    const v = JSON.parse(text.slice(0, -2)) as { l?: unknown; o?: unknown };
    if (typeof v.l !== "string" || typeof v.o !== "number" || !Number.isInteger(v.o) || v.o < 0) return undefined;
    return { listId: v.l, offset: v.o };
  } catch {
    return undefined;
  }
}
