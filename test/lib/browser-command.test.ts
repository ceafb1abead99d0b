import { describe, expect, it } from "vitest";
import { browserAvailability, parseBrowserVariable, splitShellWords } from "../../src/lib/browser-command.js";

const URL_ = "https://example.test/device?user_code=ABCD-EFGH";

describe("BROWSER, read as Python's webbrowser (and so the AWS CLI) reads it", () => {
  it.each([
    ["firefox", [["firefox", URL_]]],
    ["/usr/bin/chromium --new-window", [["/usr/bin/chromium", "--new-window", URL_]]],
    ["open -a Safari %s", [["open", "-a", "Safari", URL_]]],
    ["w3m:lynx", [["w3m", URL_], ["lynx", URL_]]],
    ["::firefox::", [["firefox", URL_]]],
    ["sh -c 'echo %s > /tmp/x'", [["sh", "-c", `echo ${URL_} > /tmp/x`]]],
    ['"/opt/My Browser/run" --url=%s', [["/opt/My Browser/run", `--url=${URL_}`]]],
    ["none", []],
    ["firefox:none", [["firefox", URL_]]],
    ["'unclosed:firefox", [["firefox", URL_]]],
  ])("%j → %j", (value, expected) => {
    expect(parseBrowserVariable(value, URL_).map((c) => c.argv)).toEqual(expected);
  });

  it("a trailing & starts the command in the background", () => {
    expect(parseBrowserVariable("firefox %s &", URL_)).toEqual([{ argv: ["firefox", URL_], background: true }]);
    expect(parseBrowserVariable("firefox", URL_)[0]!.background).toBe(false);
  });

  it("runs a program path that holds spaces as one word, as Python does", () => {
    const path = "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome";
    expect(parseBrowserVariable(path, URL_, (p) => p === path).map((c) => c.argv)).toEqual([[path, URL_]]);
  });
});

describe("splitShellWords (shlex.split)", () => {
  it.each([
    ["a b  c", ["a", "b", "c"]],
    [`a "b c" 'd e'`, ["a", "b c", "d e"]],
    [String.raw`a\ b "c\"d" 'e\f'`, ["a b", 'c"d', String.raw`e\f`]],
    [`x""y`, ["xy"]],
    [`''`, [""]],
  ])("%j → %j", (line, words) => {
    expect(splitShellWords(line)).toEqual(words);
  });

  it("refuses an unclosed quote", () => {
    expect(() => splitShellWords(`a "b`)).toThrow(/unclosed/);
  });
});

describe("where a local browser can be opened", () => {
  it.each([
    [{}, "linux", false, /no display/],
    [{ DISPLAY: ":0" }, "linux", true, undefined],
    [{ WAYLAND_DISPLAY: "wayland-0" }, "linux", true, undefined],
    [{ BROWSER: "w3m" }, "linux", true, undefined],
    [{ BROWSER: "none", DISPLAY: ":0" }, "linux", false, /BROWSER=none/],
    [{ BROWSER: " NONE " }, "darwin", false, /BROWSER=none/],
    [{ SSH_CONNECTION: "10.0.0.1 5000 10.0.0.2 22", DISPLAY: ":0" }, "linux", false, /SSH/],
    [{ SSH_TTY: "/dev/pts/1" }, "darwin", false, /SSH/],
    [{}, "darwin", true, undefined],
    [{}, "win32", true, undefined],
    [{ WSL_DISTRO_NAME: "Ubuntu" }, "linux", true, undefined],
    [{ BROWSER: "" }, "linux", false, /no display/],
  ])("%j on %s → %s", (env, platform, available, reason) => {
    const r = browserAvailability(env, platform);
    expect(r.available).toBe(available);
    if (reason) expect(r.reason).toMatch(reason);
  });
});
