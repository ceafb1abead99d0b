import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../helpers/run-process.js";

/**
 * The code says why by citing notes (`docs/protocol/sts.md §7`). Every cited note must be in the
 * repository, under docs/, and have the cited section, so the reasons stay readable by anyone who
 * clones it.
 */
const SCOPE = ["src"];

interface Citation {
  where: string;
  file: string;
  sections: string[];
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return e.name.endsWith(".ts") ? [path] : [];
  });
}

/** `x.md`, then any `§N`, `§N.M`, `§N–§M`, `§N, §M` right after it. */
const CITATION = /([\w./-]+\.md)\b((?:[\s,–-]*§\d+(?:\.\d+)*)*)/g;

function citations(scope: string[]): Citation[] {
  return scope.flatMap((dir) =>
    sourceFiles(join(REPO_ROOT, dir)).flatMap((path) =>
      readFileSync(path, "utf8")
        .split("\n")
        .flatMap((line, i) =>
          [...line.matchAll(CITATION)].map((m) => ({
            where: `${relative(REPO_ROOT, path)}:${i + 1}`,
            file: m[1]!,
            sections: [...(m[2] ?? "").matchAll(/§(\d+(?:\.\d+)*)/g)].map((s) => s[1]!),
          })),
        ),
    ),
  );
}

/** Section numbers of a note: `## 7. …`, `### 7.3 …`. */
function sectionsOf(file: string): Set<string> {
  const text = readFileSync(join(REPO_ROOT, file), "utf8");
  return new Set([...text.matchAll(/^#{2,4}\s+(\d+(?:\.\d+)*)\.?\s/gm)].map((m) => m[1]!));
}

describe("notes the code cites", () => {
  const found = citations(SCOPE);

  it("are found at all (the scan reads the code)", () => {
    expect(found.length).toBeGreaterThan(20);
  });

  it("are files under docs/, named by their path in the repository", () => {
    const missing = found.filter((c) => !c.file.startsWith("docs/") || !existsSync(join(REPO_ROOT, c.file)));
    expect(missing.map((c) => `${c.where}: ${c.file}`)).toEqual([]);
  });

  it("have the sections they cite", () => {
    const wrong = found
      .filter((c) => c.file.startsWith("docs/") && existsSync(join(REPO_ROOT, c.file)))
      .flatMap((c) => {
        const known = sectionsOf(c.file);
        return c.sections.filter((s) => !known.has(s)).map((s) => `${c.where}: ${c.file} §${s}`);
      });
    expect(wrong).toEqual([]);
  });
});
