import { readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { RememberedAnswers, SETTLED_MS } from "../../src/files/remembered-answers.js";
import { makeTempHome } from "../helpers/temp-home.js";

const isText = (v: unknown): v is string => typeof v === "string";

async function setUp() {
  const { home, cleanup } = await makeTempHome();
  const [a, b] = [join(home, "a"), join(home, "b")];
  await writeFile(a, "a");
  await writeFile(b, "b");
  const folder = { dir: join(home, "cache"), uid: process.getuid?.(), pid: process.pid };
  const answers = new RememberedAnswers(folder, "answers.json", isText, 3);
  const settled = new Date(Date.now() + SETTLED_MS + 60_000);
  return { home, a, b, folder, answers, settled, cleanup };
}

describe("answers remembered while their files are unchanged", () => {
  it("gives an answer back while every file is as it was, and not after any one changes", async () => {
    const { a, b, answers, settled, cleanup } = await setUp();
    try {
      answers.keep("q", [a, b], "yes", settled);
      expect(answers.recall("q", settled)).toBe("yes");
      expect(answers.recall("other", settled)).toBeUndefined();
      await writeFile(b, "B");
      expect(answers.recall("q", settled)).toBeUndefined();
    } finally {
      await cleanup();
    }
  });

  it("gives nothing back at or after its end time", async () => {
    const { a, answers, settled, cleanup } = await setUp();
    try {
      const until = new Date(settled.getTime() + 1000);
      answers.keep("q", [a], "yes", settled, until);
      expect(answers.recall("q", new Date(until.getTime() - 1))).toBe("yes");
      expect(answers.recall("q", until)).toBeUndefined();
    } finally {
      await cleanup();
    }
  });

  it("keeps nothing worked out from a file that changed less than SETTLED_MS ago", async () => {
    const { a, b, answers, cleanup } = await setUp();
    try {
      const changed = Math.max((await stat(a)).ctimeMs, (await stat(b)).ctimeMs);
      answers.keep("q", [a, b], "yes", new Date(changed + SETTLED_MS - 100));
      expect(answers.recall("q", new Date(changed + SETTLED_MS + 60_000))).toBeUndefined();
    } finally {
      await cleanup();
    }
  });

  it("counts a missing file that appears as a change", async () => {
    const { home, answers, settled, cleanup } = await setUp();
    try {
      const later = join(home, "later");
      answers.keep("q", [later], "yes", settled);
      expect(answers.recall("q", settled)).toBe("yes");
      await writeFile(later, "");
      expect(answers.recall("q", settled)).toBeUndefined();
    } finally {
      await cleanup();
    }
  });

  it("keeps the last few questions, in a private file, and ignores answers that are not what it keeps", async () => {
    const { a, folder, answers, settled, cleanup } = await setUp();
    try {
      for (const q of ["q1", "q2", "q3", "q4"]) answers.keep(q, [a], q, settled);
      expect(answers.recall("q1", settled)).toBeUndefined();
      expect(answers.recall("q4", settled)).toBe("q4");
      const file = join(folder.dir, "answers.json");
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      const kept = JSON.parse(await readFile(file, "utf8")) as { answers: Array<{ answer: unknown }> };
      await writeFile(file, JSON.stringify({ ...kept, answers: kept.answers.map((e) => ({ ...e, answer: 42 })) }));
      expect(answers.recall("q4", settled)).toBeUndefined();
    } finally {
      await cleanup();
    }
  });
});
