import type { Context } from "../context.js";
import { Exit, SsoCliError } from "../errors.js";
import { fileAccessError } from "../files/file-access.js";
import { escapeControlChars, escapeControlCharsPerLine } from "../lib/control-chars.js";
import { redactText } from "../lib/redact.js";
import type { PreparedLogin } from "../commands/login/login-plan.entry.js";
import { toCredentialsRequest } from "../commands/export/credentials-output.entry.js";
import type { HotCommand } from "./hot-command.entry.js";
import { toLoginInput } from "../commands/login/login-grammar.entry.js";
import { separateExecCommand } from "../commands/exec/exec-grammar.entry.js";

export { createRealContext } from "./real-context.js";

/** What the entry already worked out before loading this bundle, so it is not done twice. */
export interface Handoff {
  /** The command the entry read (src/cli/hot-command.ts): it goes on here, without commander. */
  command?: HotCommand | undefined;
  /** The plan of that `login`, when it must go to the network. */
  preparedLogin?: PreparedLogin | undefined;
}

/** Runs sso-cli with argv (without node and script) and returns the exit code. */
export async function main(argv: string[], ctx: Context, handoff: Handoff = {}): Promise<number> {
  const debug = argv.includes("--debug");
  ctx.debug = debug;
  try {
    // A command the entry read goes on without building the commander tree.
    const command = handoff.command;
    if (command?.name === "login") {
      const { runLogin } = await import("../commands/login/login-run.js");
      await runLogin(ctx, toLoginInput(command.parsed), handoff.preparedLogin);
      return Exit.ok;
    }
    if (command) {
      const request = toCredentialsRequest(command.name, command.parsed);
      const { runCredentials } = await import("../commands/export/credentials-run.js");
      await runCredentials(ctx, request);
      return Exit.ok;
    }
    const { buildProgram } = await import("./program.js");
    await buildProgram(ctx, argv).parseAsync(separateExecCommand(argv), { from: "user" });
    return Exit.ok;
  } catch (err) {
    return report(err, ctx, debug);
  }
}

/**
 * The only place an error becomes text and an exit code. Message and hint are one line each:
 * values quoted in them (arguments, names from files, the service's words) have their control
 * characters escaped, so none can forge a line or reach the terminal as a command.
 */
function report(thrown: unknown, ctx: Context, debug: boolean): number {
  const line = (text: string): string => escapeControlChars(redactText(text));
  const err = asFileAccessError(thrown);
  // commander is loaded lazily, so its errors are recognised by their code, not their class.
  if (isCommanderError(err)) {
    if (err.exitCode === 0) return Exit.ok;
    return Exit.usage;
  }
  if (err instanceof SsoCliError) {
    // A child's exit code passed on (exec): the child has said what it had to say.
    if ((err as { silent?: boolean }).silent) return err.exitCode;
    ctx.stderr.write(`sso-cli: ${line(err.message)}\n${err.hint ? `  ${line(err.hint)}\n` : ""}`);
    if (debug && err.cause) ctx.stderr.write(`${escapeControlCharsPerLine(redactText(describeCause(err.cause)))}\n`);
    return err.exitCode;
  }
  // Ctrl-C inside a prompt: the prompt library reports it as an error of its own.
  if (ctx.signal.aborted || (err instanceof Error && (err.name === "ExitPromptError" || err.name === "AbortPromptError"))) {
    ctx.stderr.write("sso-cli: Interrupted.\n");
    return Exit.interrupted;
  }
  const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  ctx.stderr.write(`sso-cli: unexpected error: ${line(text)}\n`);
  if (debug && err instanceof Error && err.stack) ctx.stderr.write(`${escapeControlCharsPerLine(redactText(err.stack))}\n`);
  else ctx.stderr.write("  Re-run with --debug for details, and report it if it persists.\n");
  return Exit.internal;
}

/**
 * A file system error that reached here without being named by files/ (a full disk, a read-only
 * folder) is still the user's to fix, not a bug: it becomes the same one line, naming the path.
 */
function asFileAccessError(err: unknown): unknown {
  const path: unknown = (err as { path?: unknown } | null)?.path;
  const syscall: unknown = (err as { syscall?: unknown } | null)?.syscall;
  if (!(err instanceof Error) || typeof path !== "string") return err;
  const action =
    syscall === "open" || syscall === "read" || syscall === "stat" || syscall === "lstat" || syscall === "scandir"
      ? "read"
      : syscall === "unlink" || syscall === "rmdir"
        ? "delete"
        : "write";
  return fileAccessError(err, path, action);
}

function isCommanderError(err: unknown): err is Error & { exitCode: number } {
  const code: unknown = (err as { code?: unknown } | null)?.code;
  return err instanceof Error && typeof code === "string" && code.startsWith("commander.");
}

function describeCause(cause: unknown): string {
  if (cause instanceof Error) return `  caused by: ${cause.stack ?? `${cause.name}: ${cause.message}`}`;
  return `  caused by: ${String(cause)}`;
}
