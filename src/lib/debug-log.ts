import { redact, redactText } from "./redact.js";

/** A `--debug` line writer; every line passes through redact, so secrets never reach it. */
export type DebugLog = (message: string, data?: unknown) => void;

export function createDebugLog(enabled: boolean, write: (text: string) => void): DebugLog {
  if (!enabled) return () => {};
  return (message, data) => {
    const detail = data === undefined ? "" : ` ${redactText(JSON.stringify(redact(data)))}`;
    write(`[debug] ${redactText(message)}${detail}\n`);
  };
}

/** An AWS SDK logger that forwards to a DebugLog (the SDK logs each call's input/output at info). */
export function sdkLogger(log: DebugLog): {
  debug(...a: unknown[]): void;
  info(...a: unknown[]): void;
  warn(...a: unknown[]): void;
  error(...a: unknown[]): void;
} {
  const forward =
    (level: string) =>
    (...args: unknown[]) => {
      for (const a of args) {
        if (a && typeof a === "object" && "commandName" in a) {
          const { clientName, commandName, metadata, error } = a as {
            clientName?: string;
            commandName?: string;
            metadata?: { httpStatusCode?: number; requestId?: string; attempts?: number };
            error?: unknown;
          };
          log(`sdk ${level}: ${clientName ?? ""}.${commandName ?? ""}`, {
            status: metadata?.httpStatusCode,
            requestId: metadata?.requestId,
            attempts: metadata?.attempts,
            ...(error ? { error: String((error as Error).name ?? error) } : {}),
          });
        } else {
          log(`sdk ${level}: ${typeof a === "string" ? a : JSON.stringify(redact(a))}`);
        }
      }
    };
  // The SDK's debug level narrates its own config lookups; one line per call (info) is what helps.
  return { debug: () => {}, info: forward("info"), warn: forward("warn"), error: forward("error") };
}

/** The DebugLog of a command: on with --debug, writing to its stderr. */
export function debugLogFor(ctx: { debug: boolean; stderr: { write(s: string): unknown } }): DebugLog {
  return createDebugLog(ctx.debug, (t) => void ctx.stderr.write(t));
}
