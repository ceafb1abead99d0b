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
 * A short expiry for humans, in the local time zone (TZ; `timeZone` names another) with its
 * name or offset: "2026-11-22 14:46 CET", "2026-11-22 22:46 UTC+09:00", "2026-11-22 13:46 UTC".
 * Scripts get ISO 8601 UTC (--json), never this.
 */
export function formatExpiry(date: Date, timeZone?: string): string {
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat("en-GB", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      timeZoneName: "short",
    }).formatToParts(date);
  } catch {
    return `${date
      .toISOString()
      .replace("T", " ")
      .replace(/:\d{2}\.\d{3}Z$/, "")} UTC`;
  }
  const part = (type: Intl.DateTimeFormatPartTypes): string => parts.find((p) => p.type === type)?.value ?? "";
  const [y, mo, d, h, mi] = [part("year"), part("month"), part("day"), part("hour"), part("minute")];
  const offsetMin = Math.round(
    (Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi)) - Math.floor(date.getTime() / 60_000) * 60_000) / 60_000,
  );
  return `${y}-${mo}-${d} ${h}:${mi} ${zoneName(part("timeZoneName"), offsetMin, timeZone)}`;
}

/** The zone's abbreviation when it has a well-known one (CET, EST, UTC), else UTC±hh:mm. */
function zoneName(name: string, offsetMin: number, timeZone: string | undefined): string {
  const zone = timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (offsetMin === 0 && (name === "GMT" || name === "UTC") && /^(Etc\/)?(UTC|UCT|GMT|Zulu|Universal)$/.test(zone)) return "UTC";
  if (/^[A-Z]{2,5}$/.test(name)) return name;
  if (offsetMin === 0) return "UTC";
  const a = Math.abs(offsetMin);
  return `UTC${offsetMin > 0 ? "+" : "-"}${String(Math.floor(a / 60)).padStart(2, "0")}:${String(a % 60).padStart(2, "0")}`;
}
