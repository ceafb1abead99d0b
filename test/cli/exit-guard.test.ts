import { EventEmitter } from "node:events";
import { describe, expect, it } from "vitest";
import { runToCompletion } from "../../src/cli/exit-guard.entry.js";

/** A stand-in for `process`: emits beforeExit when the test says the event loop has emptied. */
function fakeProcess() {
  const emitter = new EventEmitter();
  let stderr = "";
  const proc = {
    exitCode: undefined as number | string | undefined | null,
    once: (event: "beforeExit", fn: () => void) => emitter.once(event, fn),
    stderr: { write: (s: string) => (stderr += s) },
    emptyEventLoop: () => emitter.emit("beforeExit"),
    stderrText: () => stderr,
  };
  return proc;
}

describe("a command can never end with exit code 0 unless it finished", () => {
  it("exits 255 with one sso-cli line when the event loop empties while the command is pending", () => {
    const proc = fakeProcess();
    void runToCompletion(() => new Promise<number>(() => {}), proc);
    proc.emptyEventLoop();
    expect(proc.exitCode).toBe(255);
    expect(proc.stderrText()).toMatch(/^sso-cli: internal error: the command stopped before it finished/);
    expect(
      proc
        .stderrText()
        .split("\n")
        .filter((l) => l.startsWith("sso-cli:")),
    ).toHaveLength(1);
  });

  it("sets the command's own exit code when it finishes, and says nothing when the loop then empties", async () => {
    const proc = fakeProcess();
    await runToCompletion(async () => 3, proc);
    proc.emptyEventLoop();
    expect(proc.exitCode).toBe(3);
    expect(proc.stderrText()).toBe("");
  });

  it("turns a rejected command into 255, never 0", async () => {
    const proc = fakeProcess();
    await runToCompletion(() => Promise.reject(new Error("boom")), proc);
    expect(proc.exitCode).toBe(255);
    expect(proc.stderrText()).toBe("sso-cli: internal error: boom\n");
  });
});
