import { spawn, type ChildProcess } from "node:child_process";
import { accessSync, constants, statSync } from "node:fs";
import type { Socket } from "node:net";
import type { BrowserLaunch } from "../context.js";
import { parseBrowserVariable, type BrowserCommand } from "../lib/browser-command.js";
import { loopbackPeerUid, peerIsTrusted } from "../lib/loopback-peer.js";
import { startOneTimeRedirect, type OneTimeRedirect } from "../lib/one-time-redirect.js";

// Loaded lazily: only sign-in flows and `console` open a browser.

/**
 * How long the opener's verdict is waited for. An opener that failed (no browser, no X server)
 * has exited non-zero by then: the system's xdg-open tries every browser it knows before it
 * gives up, which takes about a second. One still running has started a browser (a browser
 * started by its command line stays in the foreground until closed), and a browser that has
 * already come for the address has opened, whatever its opener does next.
 */
const LAUNCH_GRACE_MS = 3000;

type Verdict = { opened: true } | { opened: false; failure: string };

/** What the machine is, beyond its platform: its user id, whether it is WSL (src/lib/wsl.ts); and the grace period (tests shorten it). */
export interface OpenerFacts {
  ownUid?: number | undefined;
  wsl: boolean;
  graceMs?: number | undefined;
}

/**
 * Opens the URL, through a one-time local address (src/lib/one-time-redirect.ts), with the
 * commands in `BROWSER`, each in turn, else with the platform's opener: the system's `xdg-open`
 * on Linux (the copy bundled with the `open` package exits 0 even when every browser failed),
 * `open` on macOS, PowerShell on Windows and WSL (through the `open` package). Opened when the
 * opener exited 0, the browser came for the address, or the opener is still running after the
 * grace period. Never throws, and always settles: opening a browser never decides whether a
 * command finishes.
 */
export async function openBrowser(
  url: string,
  env: Readonly<Record<string, string | undefined>>,
  importOpen: () => Promise<typeof import("./browser-opener.js")>,
  platform: NodeJS.Platform,
  facts: OpenerFacts,
): Promise<BrowserLaunch> {
  const { ownUid, wsl } = facts;
  // Linux tells who owns a loopback connection; under WSL the browser is Windows's, not listed there.
  const ownerKnown = platform === "linux" && !wsl && ownUid !== undefined;
  const trustPeer = ownerKnown
    ? (socket: Socket): boolean =>
        peerIsTrusted(
          loopbackPeerUid(
            { address: socket.remoteAddress ?? "", port: socket.remotePort ?? 0 },
            { address: socket.localAddress ?? "", port: socket.localPort ?? 0 },
          ),
          ownUid,
        )
    : undefined;
  let redirect: OneTimeRedirect;
  try {
    redirect = await startOneTimeRedirect(url, { trustPeer });
  } catch (err) {
    return {
      opened: false,
      failure: `no local address could be opened for it (${(err as NodeJS.ErrnoException).code ?? "error"})`,
      followed: Promise.resolve(false),
      close: async () => {},
    };
  }
  const verdict = await launch(redirect.url, env, importOpen, platform, wsl, {
    followed: redirect.followed,
    graceMs: facts.graceMs ?? LAUNCH_GRACE_MS,
  });
  return { ...verdict, followed: redirect.followed, close: redirect.close };
}

async function launch(
  address: string,
  env: Readonly<Record<string, string | undefined>>,
  importOpen: () => Promise<typeof import("./browser-opener.js")>,
  platform: NodeJS.Platform,
  wsl: boolean,
  wait: Wait,
): Promise<Verdict> {
  if (env.BROWSER !== undefined && env.BROWSER.trim() !== "") {
    let verdict: Verdict = { opened: false, failure: "BROWSER names no command" };
    for (const command of parseBrowserVariable(env.BROWSER, address, platform, isProgram)) {
      verdict = await runOpener(command, wait);
      if (verdict.opened) return verdict;
    }
    return verdict;
  }
  if (platform === "linux" && !wsl) return runOpener({ argv: ["xdg-open", address], background: false }, wait);
  // macOS, Windows, WSL. On Windows and WSL `open()` resolves only once PowerShell has exited,
  // which can take seconds: it is raced against the grace period like any other opener.
  const name = platform === "darwin" ? "open" : "PowerShell";
  return settle((done) => {
    importOpen()
      .then(({ default: open }) => open(address, { wait: false }))
      .then(
        (child) => watch(child, name, done),
        (err: unknown) => done({ opened: false, failure: `${name} could not be run (${describeError(err)})` }),
      );
  }, wait);
}

/** What a verdict is waited for against: the browser coming for the address, and how long. */
interface Wait {
  followed: Promise<boolean>;
  graceMs: number;
}

function runOpener(command: BrowserCommand, wait: Wait): Promise<Verdict> {
  const name = command.argv[0]!;
  let child: ChildProcess;
  try {
    // Detached, stdio ignored: a browser that stays open must not hold the terminal or this process.
    child = spawn(name, command.argv.slice(1), { stdio: "ignore", detached: true });
  } catch (err) {
    return Promise.resolve({ opened: false, failure: `${name} could not be run (${describeError(err)})` });
  }
  if (command.background) {
    return new Promise((resolve) => {
      child.once("error", (err) => resolve({ opened: false, failure: `${name} could not be run (${describeError(err)})` }));
      child.once("spawn", () => {
        child.unref();
        resolve({ opened: true });
      });
    });
  }
  return settle((done) => watch(child, name, done), wait);
}

/** The first of: the opener's verdict, the browser coming for the address, the grace period (opened). */
function settle(start: (done: (v: Verdict) => void) => void, { followed, graceMs }: Wait): Promise<Verdict> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (v: Verdict): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(v);
    };
    const timer = setTimeout(() => done({ opened: true }), graceMs);
    void followed.then((f) => f && done({ opened: true }));
    start(done);
  });
}

/** Exit 0 → opened; non-zero, a signal or an error → not, and why. A child still running is let go. */
function watch(child: ChildProcess, name: string, done: (v: Verdict) => void): void {
  const verdict = (code: number | null, signal: NodeJS.Signals | null): Verdict =>
    code === 0
      ? { opened: true }
      : { opened: false, failure: code !== null ? `${name} exited with status ${code}` : `${name} was ended by ${signal ?? "a signal"}` };
  child.unref();
  if (child.exitCode !== null || child.signalCode !== null) {
    done(verdict(child.exitCode, child.signalCode));
    return;
  }
  child.once("error", (err) => done({ opened: false, failure: `${name} could not be run (${describeError(err)})` }));
  child.once("exit", (code, signal) => done(verdict(code, signal)));
}

function describeError(err: unknown): string {
  return (err as NodeJS.ErrnoException)?.code ?? (err instanceof Error ? err.message : String(err));
}

function isProgram(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
