import { spawn, type ChildProcess } from "node:child_process";
import { accessSync, constants, statSync } from "node:fs";
import { parseBrowserVariable, type BrowserCommand } from "../lib/browser-command.js";

// Loaded lazily: only sign-in flows open a browser.

/**
 * A launcher that is still running after this long has started a browser (a browser started by
 * its command line stays in the foreground until closed); one that failed has exited non-zero
 * by then. Either way the sign-in never waits longer on it.
 */
const LAUNCH_GRACE_MS = 1000;

/**
 * Opens the URL with the commands in `BROWSER`, each in turn, else with the platform's opener.
 * True only when a command actually started: it exited 0, or is still running after the grace
 * period. Never throws, and always settles: opening a browser never decides whether a command
 * finishes.
 */
export async function openBrowser(
  url: string,
  env: Readonly<Record<string, string | undefined>>,
  importOpen: () => Promise<typeof import("./browser-opener.js")> = () => import("./browser-opener.js"),
): Promise<boolean> {
  if (env.BROWSER !== undefined && env.BROWSER.trim() !== "") {
    for (const command of parseBrowserVariable(env.BROWSER, url, isProgram)) {
      if (await runBrowserCommand(command)) return true;
    }
    return false;
  }
  try {
    const { default: open } = await importOpen();
    return await settleLaunch(await open(url, { wait: false }));
  } catch {
    return false;
  }
}

function runBrowserCommand(command: BrowserCommand): Promise<boolean> {
  let child: ChildProcess;
  try {
    // Detached, stdio ignored: a browser that stays open must not hold the terminal or this process.
    child = spawn(command.argv[0]!, command.argv.slice(1), { stdio: "ignore", detached: true });
  } catch {
    return Promise.resolve(false);
  }
  if (command.background) {
    return new Promise((resolve) => {
      child.once("error", () => resolve(false));
      child.once("spawn", () => {
        child.unref();
        resolve(true);
      });
    });
  }
  return settleLaunch(child);
}

/** Waits for the launcher's verdict: exit 0 → started; non-zero or error → not; still running → started. */
function settleLaunch(child: ChildProcess): Promise<boolean> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) {
      resolve(child.exitCode === 0);
      return;
    }
    const timer = setTimeout(() => {
      child.unref();
      resolve(true);
    }, LAUNCH_GRACE_MS);
    child.once("error", () => {
      clearTimeout(timer);
      resolve(false);
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve(code === 0);
    });
  });
}

function isProgram(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
