import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createProgress, formatCountdown, formatExpiry } from "../../src/lib/progress.js";

function sink() {
  let text = "";
  const stream = new Writable({ write: (chunk: Buffer, _enc, done) => ((text += chunk.toString()), done()) });
  return { stream, text: () => text };
}

describe("progress", () => {
  it("redraws one line in place on a terminal and clears it when done", () => {
    const s = sink();
    const p = createProgress(s.stream, true, () => 0);
    p.update("waiting 9:59");
    p.update("waiting 9:58");
    p.done("Signed in.");
    expect(s.text()).toBe("\r\x1b[2K⠋ waiting 9:59\r\x1b[2K⠙ waiting 9:58\r\x1b[2KSigned in.\n");
  });

  it("prints plain lines, at most one every 30 s, when not a terminal", () => {
    const s = sink();
    let t = 0;
    const p = createProgress(s.stream, false, () => t);
    for (; t <= 65_000; t += 1000) p.update(`waiting ${t}`);
    p.done();
    expect(s.text()).toBe("waiting 0\nwaiting 30000\nwaiting 60000\n");
  });

  it("formats countdowns and expiries", () => {
    expect(formatCountdown(125)).toBe("2:05");
    expect(formatCountdown(-3)).toBe("0:00");
    expect(formatExpiry(new Date("2026-11-22T13:46:19.123Z"))).toBe("2026-11-22 13:46 UTC");
  });
});

describe("a note above the status line (#18 item 7)", () => {
  it("on a terminal clears the line, prints the note, and the next update draws the status again", async () => {
    const { createProgress } = await import("../../src/lib/progress.js");
    let out = "";
    const p = createProgress({ write: (s: string) => ((out += s), true) } as unknown as import("node:stream").Writable, true, () => 0);
    p.update("listing");
    p.note("slowed down");
    p.update("listing more");
    expect(out).toBe("\r\x1b[2K⠋ listing\r\x1b[2Kslowed down\n\r\x1b[2K⠙ listing more");
  });
});

describe("human times in the local time zone, with its offset (#18 item 9)", () => {
  const at = new Date("2026-12-07T13:46:30Z");
  it.each([
    [0, "2026-12-07 13:46 UTC"],
    [60, "2026-12-07 14:46 UTC+01:00"],
    [540, "2026-12-07 22:46 UTC+09:00"],
    [-210, "2026-12-07 10:16 UTC-03:30"],
    [-600, "2026-12-07 03:46 UTC-10:00"],
  ])("%i minutes east of UTC: %s", (offset, text) => {
    expect(formatExpiry(at, offset)).toBe(text);
  });
  it("a date line crossed: the local day", () => {
    expect(formatExpiry(new Date("2026-12-31T23:30:00Z"), 120)).toBe("2027-01-01 01:30 UTC+02:00");
  });
  // The default, the process's own zone (TZ), is shown by the status e2e test with TZ=Europe/Stockholm.
});
