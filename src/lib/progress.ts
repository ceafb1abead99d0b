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

/** A short local-independent expiry for humans: "2026-11-22 13:46 UTC". */
export function formatExpiry(date: Date): string {
  return date.toISOString().replace("T", " ").replace(/:\d{2}\.\d{3}Z$/, " UTC");
}
