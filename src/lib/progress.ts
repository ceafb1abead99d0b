import type { Writable } from "node:stream";

/**
 * Progress on stderr for anything that waits: a spinner line redrawn in place on a TTY; plain
 * lines otherwise, at most one every `plainEveryMs` (a log keeps every line, so a per-second
 * countdown would flood it).
 */
export interface Progress {
  /** Replaces the status line (TTY) or prints it when it changed (not a TTY). */
  update(text: string): void;
  /** Clears the status line and prints a line above it; the next update draws the status again. */
  note(text: string): void;
  /** Clears the status line and prints a final line. */
  done(text?: string): void;
}

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

export function createProgress(stream: Writable, isTty: boolean, now: () => number, plainEveryMs = 30_000): Progress {
  let frame = 0;
  let drawn = false;
  let lastPlainMs = Number.NEGATIVE_INFINITY;
  return {
    update(text) {
      if (isTty) {
        stream.write(`\r\x1b[2K${FRAMES[frame++ % FRAMES.length]} ${text}`);
        drawn = true;
      } else if (now() - lastPlainMs >= plainEveryMs) {
        stream.write(`${text}\n`);
        lastPlainMs = now();
      }
    },
    note(text) {
      if (isTty && drawn) stream.write("\r\x1b[2K");
      drawn = false;
      stream.write(`${text}\n`);
    },
    done(text) {
      if (isTty && drawn) stream.write("\r\x1b[2K");
      drawn = false;
      if (text) stream.write(`${text}\n`);
    },
  };
}

/** 125 → "2:05" */
export function formatCountdown(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

/**
 * A short expiry for humans, in the local time zone (TZ) with its offset: "2026-11-22 14:46
 * UTC+01:00", "2026-11-22 13:46 UTC". Scripts get ISO 8601 UTC (--json), never this.
 *
 * The offset, not the zone's name (CET): the names come only from Intl.DateTimeFormat, whose
 * set-up costs about a fifth of Node's own start-up, and an up-to-date `login` in a script's hot
 * path prints one of these. `offsetMinutes` (east of UTC) is the local one unless given.
 */
export function formatExpiry(date: Date, offsetMinutes = -date.getTimezoneOffset()): string {
  const local = new Date(Math.floor(date.getTime() / 60_000) * 60_000 + offsetMinutes * 60_000);
  const two = (n: number): string => String(n).padStart(2, "0");
  const when = `${local.getUTCFullYear()}-${two(local.getUTCMonth() + 1)}-${two(local.getUTCDate())} ${two(local.getUTCHours())}:${two(local.getUTCMinutes())}`;
  if (offsetMinutes === 0) return `${when} UTC`;
  const a = Math.abs(offsetMinutes);
  return `${when} UTC${offsetMinutes > 0 ? "+" : "-"}${two(Math.floor(a / 60))}:${two(a % 60)}`;
}
