import type { Context } from "../context.js";
import { ChoiceNeededError } from "../errors.js";
import { escapeControlChars } from "../lib/control-chars.js";
import { promptChoice } from "../lib/choice-prompt.js";

export type PickTargetDeps = Pick<Context, "tty" | "stdin" | "stderr" | "signal">;

/**
 * Runs a command's use case; when several sign-ins (or profiles) fit and none was named, a person
 * at a terminal picks one (type to search) and the use case runs again with it. Elsewhere (a
 * script, a pipe) the error stands: it names the choices, and nothing waits for an answer.
 */
export async function withTargetPicker<I extends object, T>(deps: PickTargetDeps, input: I, run: (input: I) => Promise<T>): Promise<T> {
  try {
    return await run(input);
  } catch (err) {
    if (!(err instanceof ChoiceNeededError) || !deps.tty.stdin || !deps.tty.stderr) throw err;
    const byValue = new Map(err.choices.map((c, i) => [String(i), c]));
    const picked = await promptChoice(
      { input: deps.stdin, output: deps.stderr, signal: deps.signal },
      err.question,
      err.choices.map((c, i) => ({
        name: escapeControlChars(c.name),
        value: String(i),
        description: c.description !== undefined ? escapeControlChars(c.description) : undefined,
      })),
      { search: true },
    );
    return run({ ...input, ...byValue.get(picked)!.selection });
  }
}
