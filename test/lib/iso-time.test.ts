import { describe, expect, it } from "vitest";
import { formatIsoOffset } from "../../src/lib/iso-time.js";

describe("formatIsoOffset: the AWS CLI's expiry text", () => {
  it.each([
    ["2026-12-07T17:21:17.369Z", "2026-12-07T17:21:17+00:00"],
    ["2026-01-02T03:04:05.000Z", "2026-01-02T03:04:05+00:00"],
    ["0099-12-31T23:59:59.999Z", "0099-12-31T23:59:59+00:00"],
    ["9999-12-31T23:59:59.000Z", "9999-12-31T23:59:59+00:00"],
  ])("%s → %s", (iso, text) => {
    expect(formatIsoOffset(new Date(iso))).toBe(text);
  });

  it("matches toISOString without its fraction for many times, and for years past 9999", () => {
    for (let ms = 0; ms < 4e12; ms += 7_777_777_777) {
      const d = new Date(ms);
      expect(formatIsoOffset(d)).toBe(d.toISOString().replace(/\.\d{3}Z$/, "+00:00"));
    }
    const far = new Date(Date.UTC(12000, 0, 1));
    expect(formatIsoOffset(far)).toBe(far.toISOString().replace(/\.\d{3}Z$/, "+00:00"));
  });
});
