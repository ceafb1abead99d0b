import { describe, expect, it } from "vitest";
import { browserAvailability, parseBrowserVariable, splitShellWords } from "../../src/lib/browser-command.js";
import { isWsl, type WslFacts } from "../../src/lib/wsl.js";

const URL_ = "https://example.test/device?user_code=ABCD-EFGH";

describe("BROWSER, read as Python's webbrowser (and so the AWS CLI) reads it", () => {
  it.each([
    ["firefox", [["firefox", URL_]]],
    ["/usr/bin/chromium --new-window", [["/usr/bin/chromium", "--new-window", URL_]]],
    ["open -a Safari %s", [["open", "-a", "Safari", URL_]]],
    [
      "w3m:lynx",
      [
        ["w3m", URL_],
        ["lynx", URL_],
      ],
    ],
    ["::firefox::", [["firefox", URL_]]],
    ["sh -c 'echo %s > /tmp/x'", [["sh", "-c", `echo ${URL_} > /tmp/x`]]],
    ['"/opt/My Browser/run" --url=%s', [["/opt/My Browser/run", `--url=${URL_}`]]],
    ["none", []],
    ["firefox:none", [["firefox", URL_]]],
    ["'unclosed:firefox", [["firefox", URL_]]],
  ])("%j → %j", (value, expected) => {
    expect(parseBrowserVariable(value, URL_, "linux").map((c) => c.argv)).toEqual(expected);
  });

  it("a trailing & starts the command in the background", () => {
    expect(parseBrowserVariable("firefox %s &", URL_, "linux")).toEqual([{ argv: ["firefox", URL_], background: true }]);
    expect(parseBrowserVariable("firefox", URL_, "linux")[0]!.background).toBe(false);
  });

  it("runs a program path that holds spaces as one word, as Python does", () => {
    const path = "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome";
    expect(parseBrowserVariable(path, URL_, "darwin", (p) => p === path).map((c) => c.argv)).toEqual([[path, URL_]]);
  });

  describe("on Windows, a list separated by ; (os.pathsep), where every path holds a :", () => {
    const firefox = String.raw`C:\Program Files\Mozilla Firefox\firefox.exe`;
    const isProgram = (p: string): boolean => p === firefox;
    it.each([
      [firefox, [[firefox, URL_]]],
      [
        `${firefox};C:\\Tools\\w3m.exe`,
        [
          [firefox, URL_],
          [String.raw`C:\Tools\w3m.exe`, URL_],
        ],
      ],
      [
        String.raw`"C:\Program Files\Google\Chrome\Application\chrome.exe" --new-window %s`,
        [[String.raw`C:\Program Files\Google\Chrome\Application\chrome.exe`, "--new-window", URL_]],
      ],
      [String.raw`C:\Tools\browser.exe --profile "a \"b\"" %s`, [[String.raw`C:\Tools\browser.exe`, "--profile", 'a "b"', URL_]]],
      [String.raw`"\\server\share\b.exe"`, [[String.raw`\\server\share\b.exe`, URL_]]],
      ["chrome;none", [["chrome", URL_]]],
    ])("%j → %j", (value, expected) => {
      expect(parseBrowserVariable(value, URL_, "win32", isProgram).map((c) => c.argv)).toEqual(expected);
    });

    it("while elsewhere : still separates", () => {
      expect(parseBrowserVariable("w3m;lynx:links", URL_, "linux").map((c) => c.argv)).toEqual([
        ["w3m;lynx", URL_],
        ["links", URL_],
      ]);
    });
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
    const r = browserAvailability(env, platform, () => isWsl(plainLinux({ platform: platform as NodeJS.Platform, env })));
    expect(r.available).toBe(available);
    if (reason) expect(r.reason).toMatch(reason);
  });
});

/** A plain Linux machine's facts, changed by `over`. */
function plainLinux(over: Partial<WslFacts> & { files?: Record<string, string> } = {}): WslFacts {
  const files: Record<string, string> = {
    "/proc/version":
      "Linux version 6.1.0-18-amd64 (debian-kernel@lists.debian.org) (gcc-12 (Debian 12.2.0-14) 12.2.0) #1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1",
    "/proc/self/cgroup": "0::/user.slice\n",
    ...over.files,
  };
  return { platform: "linux", env: {}, release: () => "6.1.0-18-amd64", readText: (p) => files[p], exists: (p) => p in files, ...over };
}

describe("WSL, recognised as the open package recognises it (sudo, cron and systemd drop WSL_DISTRO_NAME)", () => {
  const WSL2_RELEASE = "5.15.153.1-microsoft-standard-WSL2";
  const WSL1_VERSION =
    "Linux version 4.4.0-19041-Microsoft (Microsoft@Microsoft.com) (gcc version 5.4.0 (GCC) ) #1237-Microsoft Sat Sep 11 14:32:00 PST 2021";
  it.each([
    ["plain Linux", plainLinux(), false],
    ["WSL_DISTRO_NAME", plainLinux({ env: { WSL_DISTRO_NAME: "Ubuntu" } }), true],
    ["WSL_INTEROP", plainLinux({ env: { WSL_INTEROP: "/run/WSL/8_interop" } }), true],
    ["a WSL2 kernel release, no variables (sudo)", plainLinux({ release: () => WSL2_RELEASE }), true],
    [
      "a WSL1 /proc/version, no variables (cron)",
      plainLinux({ release: () => "4.4.0-19041-Microsoft", files: { "/proc/version": WSL1_VERSION } }),
      true,
    ],
    ["/proc/version alone naming Microsoft", plainLinux({ files: { "/proc/version": WSL1_VERSION } }), true],
    ["a custom kernel, WSLInterop registered", plainLinux({ files: { "/proc/sys/fs/binfmt_misc/WSLInterop": "enabled" } }), true],
    ["a custom kernel, /run/WSL", plainLinux({ files: { "/run/WSL": "" } }), true],
    ["no /proc/version at all", plainLinux({ readText: () => undefined }), false],
    ["WSL2 kernel, inside Docker (/.dockerenv)", plainLinux({ release: () => WSL2_RELEASE, files: { "/.dockerenv": "" } }), false],
    ["WSL2 kernel, inside Podman", plainLinux({ release: () => WSL2_RELEASE, files: { "/run/.containerenv": "" } }), false],
    [
      "WSL2 kernel, a docker cgroup",
      plainLinux({ release: () => WSL2_RELEASE, files: { "/proc/self/cgroup": "0::/docker/0123abcd\n" } }),
      false,
    ],
    ["a WSL kernel release, but win32", plainLinux({ platform: "win32", release: () => WSL2_RELEASE }), false],
  ])("%s → %s", (_name, facts, expected) => {
    expect(isWsl(facts)).toBe(expected);
  });

  it("under sudo (no WSL variables, no display) a browser can still be opened: Windows's", () => {
    expect(browserAvailability({}, "linux", () => isWsl(plainLinux({ release: () => WSL2_RELEASE }))).available).toBe(true);
    expect(browserAvailability({}, "linux", () => isWsl(plainLinux())).available).toBe(false);
  });

  it("is not asked when something cheaper decides (a display, BROWSER, macOS)", () => {
    const asked = (): boolean => {
      throw new Error("asked");
    };
    expect(browserAvailability({ DISPLAY: ":0" }, "linux", asked).available).toBe(true);
    expect(browserAvailability({ BROWSER: "w3m" }, "linux", asked).available).toBe(true);
    expect(browserAvailability({}, "darwin", asked).available).toBe(true);
  });
});
