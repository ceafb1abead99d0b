import type { IncomingHttpHeaders } from "node:http";

/** A request as the emulator's services see it: fully read, nothing interpreted yet. */
export interface EmuRequest {
  method: string;
  /** The path exactly as received (still percent-encoded), without the query. */
  rawPath: string;
  /** The decoded path. */
  path: string;
  /** The query exactly as received, without the leading `?` ("" when none). */
  rawQuery: string;
  query: URLSearchParams;
  /** Lower-cased header names; repeated headers joined with "," (Node's rules). */
  headers: IncomingHttpHeaders;
  /** Name/value pairs in the order received, names as sent. */
  rawHeaders: string[];
  body: Buffer;
  /** Base URL of the emulator as the client reached it, e.g. http://127.0.0.1:4567 */
  baseUrl: string;
}

export interface EmuResponse {
  status: number;
  headers: Record<string, string>;
  body: string | Buffer;
  /** Fault injection: hang for this many ms, then drop the connection without answering. */
  hangMs?: number;
  /** Fault injection: drop the connection at once. */
  reset?: boolean;
}
