import { describe, expect, it } from "vitest";
import { forwardedSignals } from "../../src/lib/child-signals.js";

describe("signals passed on to exec's child", () => {
  it("none on Windows, where kill() always terminates abruptly and the console gives the child Ctrl-C itself", () => {
    expect(forwardedSignals("win32", true)).toEqual([]);
    expect(forwardedSignals("win32", false)).toEqual([]);
  });

  it("SIGTERM and SIGHUP on POSIX, and SIGINT too when no terminal sends it to the child", () => {
    expect(forwardedSignals("darwin", true)).toEqual(["SIGTERM", "SIGHUP"]);
    expect(forwardedSignals("linux", false)).toEqual(["SIGINT", "SIGTERM", "SIGHUP"]);
  });
});
