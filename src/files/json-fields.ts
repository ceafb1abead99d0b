// Checks of the JSON files sso-cli reads on the hot path (the token cache, the role cache, the
// ledger), written by hand: credential-process and an up-to-date login read them before every
// job of the tools that call sso-cli, and setting up zod and its schemas is work those commands
// would do at every start (npm run bench, hot-path). zod still checks the service's replies (src/sso/replies.ts).
//
// A problem is said in our words from the field's path and kind, never with the value read.

export interface StringRule {
  optional?: boolean;
  nonEmpty?: boolean;
  /** A further check, and what to say when it fails ("is not a UTC timestamp"). */
  check?: [(value: string) => boolean, string];
}

/** The fields of one JSON object, checked one call per field; problems pile up in `problems`. */
export class JsonFields {
  constructor(
    private readonly fields: Record<string, unknown>,
    readonly problems: string[],
    private readonly prefix = "",
  ) {}

  string(key: string, rule: StringRule = {}): void {
    const value = this.fields[key];
    if (value === undefined) {
      if (!rule.optional) this.problems.push(`${this.prefix}${key} is missing`);
    } else if (typeof value !== "string") this.problems.push(`${this.prefix}${key} is not a string`);
    else if (rule.nonEmpty && value === "") this.problems.push(`${this.prefix}${key} is empty`);
    else if (rule.check && !rule.check[0](value)) this.problems.push(`${this.prefix}${key} ${rule.check[1]}`);
  }

  /** An optional array of strings. */
  strings(key: string): void {
    const value = this.fields[key];
    if (value === undefined) return;
    if (!Array.isArray(value)) this.problems.push(`${this.prefix}${key} is not an array`);
    else if (!value.every((v) => typeof v === "string")) this.problems.push(`${this.prefix}${key} holds something that is not a string`);
  }

  /** A nested object, whose fields `check` reads. */
  object(key: string, check: (fields: JsonFields) => void): void {
    const value = this.fields[key];
    if (value === undefined) this.problems.push(`${this.prefix}${key} is missing`);
    else if (!isJsonObject(value)) this.problems.push(`${this.prefix}${key} is not an object`);
    else check(new JsonFields(value, this.problems, `${this.prefix}${key}.`));
  }
}

export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** What is wrong with `json` (at most three problems), or undefined when nothing is. */
export function fieldProblems(json: unknown, check: (fields: JsonFields) => void): string | undefined {
  if (!isJsonObject(json)) return "is not a JSON object";
  const problems: string[] = [];
  check(new JsonFields(json, problems));
  return problems.length === 0 ? undefined : problems.slice(0, 3).join("; ");
}
