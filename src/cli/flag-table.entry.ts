/**
 * A command's grammar, declared once: commander builds its options from it (program-grammar.ts), and the
 * entry's hot parser reads the simplest shapes of the hot commands with it, without loading
 * commander, whose tree is much of start-up (npm run bench). Pure data and a parser: no commander here.
 */
export interface FlagSpec {
  /** The long flag, e.g. "--profile". */
  flag: string;
  /** The value's placeholder for flags that take one, e.g. "<name>". */
  value?: string;
  /** The key commander gives it (camelCase; "--no-browser" → "browser"). */
  key: string;
  description: string;
  /** "--no-x": the key is true unless the flag is given. */
  negates?: boolean;
  /** Keys of flags that cannot be given with this one. */
  conflicts?: string[];
  /** May be given more than once; the value is the list (commander only: the hot parser declines). */
  repeatable?: boolean;
}

export interface ArgSpec {
  name: string;
  description: string;
  /** Required arguments come first; the hot parser handles optional ones only. */
  required?: boolean;
}

export interface CommandGrammar {
  /** The words that name the command, e.g. ["login"] or ["configure", "profile"]. */
  path: string[];
  description: string;
  /** Optional positional arguments, in order. */
  args: ArgSpec[];
  flags: FlagSpec[];
  /** Examples and notes shown after the options in --help. */
  help?: string;
}

export interface ParsedArgs {
  positionals: string[];
  /** Every flag's key: the value given (a list for a repeatable flag), true for a flag given, false for a negated flag given; negated flags default to true. */
  values: Record<string, string | string[] | boolean | undefined>;
}

/**
 * Reads argv (after the command words) when it is one of the simple shapes: known flags, each at
 * most once, values present and not flag-like, no conflicts, at most as many positionals as the
 * grammar has. Anything else (--help, --debug, `--`, a typo, a repeat) is undefined: commander
 * then owns the full grammar and every error message.
 */
export function parseSimpleArgs(argv: readonly string[], grammar: CommandGrammar): ParsedArgs | undefined {
  const values: ParsedArgs["values"] = {};
  for (const f of grammar.flags) if (f.negates) values[f.key] = true;
  const positionals: string[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith("-")) {
      positionals.push(arg);
      continue;
    }
    const eq = arg.startsWith("--") ? arg.indexOf("=") : -1;
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const spec = grammar.flags.find((f) => f.flag === name);
    if (!spec || spec.repeatable || seen.has(spec.key)) return undefined;
    seen.add(spec.key);
    if (spec.value) {
      const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined || value === "" || value.startsWith("-")) return undefined;
      values[spec.key] = value;
    } else {
      if (eq > 0) return undefined;
      values[spec.key] = !spec.negates;
    }
  }
  if (positionals.length > grammar.args.length) return undefined;
  for (const f of grammar.flags) {
    if (seen.has(f.key) && f.conflicts?.some((k) => seen.has(k))) return undefined;
  }
  return { positionals, values };
}

/** The value of a string flag, if given. */
export function stringValue(values: ParsedArgs["values"], key: string): string | undefined {
  const v = values[key];
  return typeof v === "string" ? v : undefined;
}

/** The values of a repeatable flag, in the order given (none: empty). */
export function stringList(values: ParsedArgs["values"], key: string): string[] {
  const v = values[key];
  return Array.isArray(v) ? v : typeof v === "string" ? [v] : [];
}
