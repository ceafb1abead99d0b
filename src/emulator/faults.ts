import { TokenBucket } from "./token-bucket.js";

/**
 * Injected failures and throttling. An injection fails the next `count` calls of one operation
 * (or "*" for any) with a status and error code; the error names "timeout" (hang, then drop the
 * connection) and "reset" (drop it at once) fail at the transport instead.
 */
export interface Injection {
  operation: string;
  status: number;
  error: string;
  message?: string;
  count: number;
  /** For "timeout": how long to hang before dropping the connection. */
  hangMs?: number;
}

export function parseInjectionSpec(spec: string): Injection | undefined {
  // OP:STATUS:ERROR[:COUNT], e.g. GetRoleCredentials:500:InternalServerException:2
  const m = /^([A-Za-z*]+):(\d{3}):([A-Za-z]+)(?::(\d+))?$/.exec(spec.trim());
  if (!m) return undefined;
  return { operation: m[1]!, status: Number(m[2]), error: m[3]!, count: m[4] ? Number(m[4]) : 1 };
}

export function validateInjection(input: Record<string, unknown>): Injection | string {
  const { operation, status, error, count, message, hangMs } = input;
  if (typeof operation !== "string" || !/^[A-Za-z*]+$/.test(operation)) return "operation must be an operation name or *";
  const s = typeof status === "string" ? Number(status) : status;
  if (typeof s !== "number" || !Number.isInteger(s) || s < 100 || s > 599) return "status must be an HTTP status (100-599)";
  if (typeof error !== "string" || !/^[A-Za-z]+$/.test(error))
    return "error must be an error code such as InternalServerException, timeout or reset";
  const c = count === undefined ? 1 : typeof count === "string" ? Number(count) : count;
  if (typeof c !== "number" || !Number.isInteger(c) || c < 1) return "count must be a positive integer";
  const injection: Injection = { operation, status: s, error, count: c };
  if (typeof message === "string") injection.message = message;
  if (typeof hangMs === "number" && hangMs >= 0) injection.hangMs = hangMs;
  return injection;
}

export class Faults {
  private injections: Injection[] = [];
  private buckets = new Map<string, TokenBucket>();

  inject(injection: Injection): void {
    this.injections.push({ ...injection });
  }

  pending(): Injection[] {
    return this.injections.map((i) => ({ ...i }));
  }

  clear(): void {
    this.injections = [];
    this.buckets.clear();
  }

  /** Takes one planned failure for this operation, if any. */
  takeInjection(operation: string): Injection | undefined {
    const i = this.injections.find((x) => x.operation === operation || x.operation === "*");
    if (!i) return undefined;
    i.count -= 1;
    if (i.count <= 0) this.injections.splice(this.injections.indexOf(i), 1);
    return i;
  }

  /** True when this call exceeds the operation's token bucket. */
  isThrottled(operation: string, rps: number, burst: number | undefined, nowMs: number): boolean {
    if (rps <= 0) return false;
    const size = burst ?? Math.max(1, Math.ceil(rps));
    let bucket = this.buckets.get(operation);
    if (!bucket || bucket.ratePerSecond !== rps || bucket.burst !== size) {
      bucket = new TokenBucket(rps, size, nowMs);
      this.buckets.set(operation, bucket);
    }
    return !bucket.tryTake(nowMs);
  }
}
