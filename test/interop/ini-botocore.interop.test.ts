import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { FileFormatError } from "../../src/errors.js";
import { type IniDocument } from "../../src/files/ini-document.js";
import { IniChain } from "../../src/files/ini-chain.js";
import { IniEditor } from "../../src/files/ini-editor.js";
import { IniScanner } from "../../src/files/ini-scanner.js";
import { isPythonSpace, pythonSplitLines } from "../../src/files/ini-syntax.js";
import { configureProfile } from "../../src/commands/configure-profile/configure-profile.js";
import { runProcess } from "../helpers/run-process.js";
import { makeTempHome } from "../helpers/temp-home.js";
import { createTestContext } from "../helpers/test-context.js";

// Our ini reader against botocore's own (python3, botocore.configloader.load_config), on texts
// drawn at random from configparser's grammar with every kind of white space Python or JavaScript
// knows, and the characters where the two disagree (U+FEFF, U+001C–U+001F, U+0085). For each
// text both must read the same profiles, sso-sessions, services and other sections, keys and
// values (nested ones too), or both must refuse it. One python3 process reads the whole batch.

const SCRIPT = fileURLToPath(new URL("./python/read_configs.py", import.meta.url));

type Reading = { ok: Record<string, unknown> } | { error: string };

async function botocoreReads(texts: string[]): Promise<Reading[]> {
  const { home, cleanup } = await makeTempHome();
  try {
    const r = await runProcess("python3", [SCRIPT], { home, input: JSON.stringify(texts), timeoutMs: 120_000 });
    if (r.code !== 0) throw new Error(`python3 ${SCRIPT} failed: ${r.stderr}`);
    return JSON.parse(r.stdout) as Reading[];
  } finally {
    await cleanup();
  }
}

/** What load_config gives, built from our reading: build_profile_map over the sections in file order. */
function ourReading(text: string, lazy: boolean): Reading {
  let doc: IniDocument;
  const read = (): Record<string, unknown> => {
    const defaults = doc.getSection("DEFAULT") ?? {};
    const out: Record<string, unknown> = {};
    const profiles: Record<string, unknown> = {};
    const ssoSessions: Record<string, unknown> = {};
    const services: Record<string, unknown> = {};
    for (const { name } of doc.listSections()) {
      if (name === undefined || name === "DEFAULT") continue;
      const own = doc.getSection(name) as Record<string, string>;
      // configparser gives every section [DEFAULT]'s keys under its own; botocore reads nested values after.
      const values: Record<string, unknown> = {};
      for (const [key, value] of Object.entries({ ...defaults, ...own })) {
        const from = Object.hasOwn(own, key) ? name : "DEFAULT";
        values[key] = value.startsWith("\n") ? { ...doc.getNested(from, key) } : value;
      }
      if (name === "default") profiles.default = values;
      else if (name.startsWith("profile ")) profiles[name.slice(8)] = values;
      else if (name.startsWith("sso-session ")) ssoSessions[name.slice(12)] = values;
      else if (name.startsWith("services ")) services[name.slice(9)] = values;
      else out[name] = values;
    }
    return { ...out, profiles, sso_sessions: ssoSessions, services };
  };
  try {
    doc = lazy ? IniScanner.scan(text, "config") : IniChain.read(text, "config");
    return { ok: read() };
  } catch (err) {
    if (err instanceof FileFormatError) return { error: err.message };
    throw err;
  }
}

/** mulberry32: a small seeded generator, so that a failure can be run again. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

// Python's white space (str.isspace), JavaScript's extra (U+FEFF), a character neither takes
// (U+200B), and a lone \r, which ends a line for both.
const SPACES = [
  " ",
  "\t",
  "\v",
  "\f",
  "\x1c",
  "\x1d",
  "\x1e",
  "\x1f",
  "\x85",
  "\xa0",
  "\u1680",
  "\u2000",
  "\u2001",
  "\u2005",
  "\u2009",
  "\u200a",
  "\u2028",
  "\u2029",
  "\u202f",
  "\u205f",
  "\u3000",
  "\ufeff",
  "\u200b",
  "\r",
];

function generator(seed: number): () => string {
  const r = random(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const chance = (p: number): boolean => r() < p;
  /** Mostly nothing or plain spaces; sometimes one or two odd ones. */
  const sp = (): string => (chance(0.55) ? "" : chance(0.4) ? " " : pick(SPACES) + (chance(0.3) ? pick(SPACES) : ""));
  const indent = (): string => (chance(0.5) ? "  " : pick(SPACES.filter((s) => s !== "\r")) + (chance(0.5) ? " " : ""));
  return () => {
    let n = 0;
    const names: string[] = [];
    const fresh = (): string => {
      const name = chance(0.1) && names.length > 0 ? pick(names) : pick(["p", "dev", "Prod", "ü", "a.b"]) + n++;
      names.push(name);
      return name;
    };
    const header = (): string => {
      const name = fresh();
      const inner = pick([
        "default",
        "DEFAULT",
        `profile ${name}`,
        `profile ${name}`,
        `profile${sp()}${name}`,
        `profile '${name} x'`,
        `profile "${name}"`,
        `profile ${name} x`,
        `sso-session ${name}`,
        `services ${name}`,
        name,
        `profile ${name}${pick(SPACES)}x`,
      ]);
      return `${sp()}[${inner}]${chance(0.1) ? pick(["x", " # c", "]"]) : ""}${sp()}`;
    };
    const key = (): string => {
      const k = chance(0.6) ? `k${n++}` : pick(["region", "Output", "sso_session", "s3", "a b", `x${pick(SPACES)}y`]);
      const v = pick(["", "json", "us-west-2", "a=b", "x:y", "v # c", `a${pick(SPACES)}b`, `${pick(SPACES)}v`]);
      return `${sp()}${k}${sp()}${pick(["=", "=", ":"])}${sp()}${v}${sp()}`;
    };
    const continuation = (): string =>
      `${indent()}${pick(["n = 1", "m=2", "text", `a${pick(SPACES)}b = c`, `q = 1${pick(SPACES)}r`, "[profile c]", "# not a comment?"])}${sp()}`;
    const line = (): string => {
      const x = r();
      if (x < 0.38) return key();
      if (x < 0.52) return header();
      if (x < 0.68) return continuation();
      if (x < 0.78) return sp();
      if (x < 0.86) return `${sp()}${pick(["#", ";"])} note${sp()}`;
      if (x < 0.9) return `${sp()}just text`;
      return `${pick(SPACES)}${chance(0.5) ? header() : key()}`;
    };
    const lines = [chance(0.9) ? header() : line()];
    for (let count = 2 + Math.floor(r() * 8); count > 0; count--) lines.push(line());
    const eols = lines.map(() => pick(["\n", "\n", "\n", "\r\n", "\r"]));
    if (chance(0.2)) eols[eols.length - 1] = "";
    return lines.map((l, i) => l + eols[i]).join("");
  };
}

const show = (text: string): string => JSON.stringify(text);

describe("our ini reader and botocore's agree", () => {
  it("on white space and line breaks: isPythonSpace is str.isspace(), pythonSplitLines is str.splitlines()", async () => {
    const { home, cleanup } = await makeTempHome();
    const script =
      "import json; print(json.dumps([[c for c in range(0x110000) if chr(c).isspace()], [c for c in range(0x10000) if len(('a' + chr(c) + 'b').splitlines()) > 1]]))";
    const r = await runProcess("python3", ["-c", script], { home }).finally(cleanup);
    const [spaces, breaks] = JSON.parse(r.stdout) as [number[], number[]];
    const all = Array.from({ length: 0x10000 }, (_, c) => c);
    expect(all.filter(isPythonSpace)).toEqual(spaces);
    expect(all.filter((c) => pythonSplitLines(`a${String.fromCharCode(c)}b`).length > 1)).toEqual(breaks);
  });

  it("on the issue's cases: a byte order mark mid-file, U+0085 indentation, a nested value cut by U+2028, [DEFAULT]'s nested values", async () => {
    const cases = [
      "[default]\nregion = us-west-2\n\ufeff[profile dev]\noutput = json\n",
      "[default]\nregion = us-west-2\n\x85[profile dev]\noutput = json\n",
      "[profile a]\ns3 =\n  addressing_style = path\u2028virtual\n",
      "[profile a]\ns3 =\n  addressing_style = path\u2028b = c\n",
      "[profile a]\nregion = eu-west-1\x85\n\x1cnext = x\n",
      // botocore reads [DEFAULT]'s nested values only in the sections that take them.
      "[DEFAULT]\ns3 =\n  no equals sign\n",
      "[DEFAULT]\ns3 =\n  no equals sign\n[profile a]\n",
      "[DEFAULT]\ns3 =\n  no equals sign\n[profile a]\ns3 = own\n",
      "[DEFAULT]\ns3 =\n  k = v\n[profile a]\n",
    ];
    const theirs = await botocoreReads(cases);
    expect("error" in (theirs[0] as Reading)).toBe(true);
    cases.forEach((text, i) => {
      const ours = ourReading(text, false);
      expect({ text: show(text), ours: "ok" in ours ? ours : "refused" }).toEqual({
        text: show(text),
        ours: "ok" in (theirs[i] as Reading) ? theirs[i] : "refused",
      });
    });
    expect(() => IniEditor.parse(cases[0] as string, "config")).toThrow(/^config:3: holds a byte order mark/);
  });

  it("on 3,000 random texts from configparser's grammar with Unicode white space (seeded)", async () => {
    const seed = Number(process.env.INI_PROPERTY_SEED ?? 20);
    const next = generator(seed);
    const texts = Array.from({ length: 3_000 }, next);
    const theirs = await botocoreReads(texts);
    let parsed = 0;
    for (const [i, text] of texts.entries()) {
      const want = theirs[i] as Reading;
      const whole = ourReading(text, false);
      const context = `seed ${seed}, case ${i}: ${show(text)}`;
      if ("ok" in want) {
        parsed++;
        expect(whole, context).toEqual(want);
        expect(ourReading(text, true), `${context} (lazy)`).toEqual(want);
      } else {
        expect("error" in whole ? "refused" : whole, `${context} botocore: ${want.error}`).toBe("refused");
      }
    }
    // Both kinds must be common, or the test proves little.
    expect(parsed).toBeGreaterThan(texts.length / 5);
    expect(parsed).toBeLessThan((texts.length * 4) / 5);
  });
});

describe("what sso-cli writes, botocore reads", () => {
  it("configure over an empty `sso_session =` names the sso-session of the start URL, which botocore resolves", async () => {
    const { home, cleanup } = await makeTempHome();
    try {
      const ctx = createTestContext({ home });
      await mkdir(dirname(ctx.paths.configFile), { recursive: true });
      await writeFile(ctx.paths.configFile, "[profile NEW]\nsso_session =\nregion = eu-west-1\n");
      const startUrl = "https://d-1234567890.awsapps.com/start";
      await configureProfile(
        ctx,
        {
          profile: "NEW",
          startUrl,
          region: "us-east-1",
          accountId: "111122223333",
          roleName: "Admin",
          legacy: false,
          force: false,
          browser: false,
        },
        undefined,
      );
      const [reading] = await botocoreReads([await readFile(ctx.paths.configFile, "utf8")]);
      expect(reading).toEqual({
        ok: {
          profiles: { NEW: { sso_session: "d-1234567890", region: "eu-west-1", sso_account_id: "111122223333", sso_role_name: "Admin" } },
          sso_sessions: {
            "d-1234567890": { sso_start_url: startUrl, sso_region: "us-east-1", sso_registration_scopes: "sso:account:access" },
          },
          services: {},
        },
      });
    } finally {
      await cleanup();
    }
  });
});
