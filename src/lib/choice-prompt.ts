import type { Readable, Writable } from "node:stream";

/** One choice of a prompt: what is shown, what it stands for, and a line under it. */
export interface PromptChoiceItem {
  name: string;
  value: string;
  description?: string | undefined;
}

export interface PromptIo {
  input: Readable;
  /** stderr: stdout stays for data. */
  output: Writable;
  signal?: AbortSignal | undefined;
}

/**
 * Asks for one of `choices` on a terminal: arrow keys for a short list, type to search for a long
 * one (or always, with `search`). The prompt library loads only when a prompt is shown.
 */
export async function promptChoice(
  io: PromptIo,
  message: string,
  choices: readonly PromptChoiceItem[],
  opts: { default?: string | undefined; search?: boolean } = {},
): Promise<string> {
  const { select, search } = await import("./prompts.js");
  if (choices.length <= 10 && opts.search !== true)
    return select({ message, choices: [...choices], pageSize: 12, ...(opts.default !== undefined ? { default: opts.default } : {}) }, io);
  // The search prompt has no default: the current choice comes first instead.
  const ordered =
    opts.default === undefined
      ? choices
      : [...choices.filter((c) => c.value === opts.default), ...choices.filter((c) => c.value !== opts.default)];
  return search(
    {
      message: `${message} (type to search)`,
      source: (term) => {
        const t = (term ?? "").toLowerCase();
        return ordered.filter((c) => !t || c.name.toLowerCase().includes(t) || (c.description ?? "").toLowerCase().includes(t));
      },
      pageSize: 12,
    },
    io,
  );
}
