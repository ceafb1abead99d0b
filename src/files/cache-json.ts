import { promises as fsp } from "node:fs";
import { join } from "node:path";
import type * as z from "zod/mini";
import { FileFormatError } from "../errors.js";
import { readTextIfExists } from "./atomic-write.js";
import { fileAccessError, isNotFound } from "./file-access.js";

// What the two caches (~/.aws/sso/cache and ~/.aws/cli/cache) have in common: JSON files read
// safely, checked with a schema, listed whatever tool wrote them, and deleted.

/**
 * A schema built on first use: building zod schemas is a measurable part of the start-up of the
 * commands scripts call most, and each of them reads only some of the files these modules know.
 */
export function lazySchema<S extends z.ZodMiniType>(build: () => S): () => S {
  let schema: S | undefined;
  return () => (schema ??= build());
}

export function parseJsonSafely(text: string): unknown {
  // A `__proto__` key must not become a prototype (the guard of the JS SDK's parseIni).
  return JSON.parse(text, (k, v: unknown) => (k === "__proto__" ? undefined : v));
}

/** A cache file parsed and checked; a damaged one is a FileFormatError naming it, never echoing a value. */
export function parseCacheJson<T>(schema: z.ZodMiniType<T>, text: string, file: string): T {
  let json: unknown;
  try {
    json = parseJsonSafely(text);
  } catch {
    throw new FileFormatError(file, undefined, "is not valid JSON", "Delete the file and sign in again.");
  }
  const result = schema.safeParse(json);
  if (!result.success) throw new FileFormatError(file, undefined, describeIssues(result.error, json), "Delete the file and sign in again.");
  return result.data;
}

/** Our words from the issue's path and kind; never the value that was received. */
function describeIssues(error: z.core.$ZodError, input: unknown): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => {
      const path = issue.path.map(String).join(".");
      if (path === "") return "is not a JSON object";
      const received = issue.path.reduce<unknown>((v, k) => (v !== null && typeof v === "object" ? (v as Record<PropertyKey, unknown>)[k] : undefined), input);
      if (issue.code === "invalid_type") return received === undefined ? `${path} is missing` : `${path} is not a ${issue.expected}`;
      if (issue.code === "too_small") return `${path} is empty`;
      return `${path} ${issue.message}`;
    })
    .join("; ");
}

/** Every JSON object file in a cache folder, sorted by name; files that are not such JSON are skipped. */
export async function readJsonFiles(dir: string): Promise<Array<{ fileName: string; json: Record<string, unknown> }>> {
  let names: string[];
  try {
    names = (await fsp.readdir(dir, { withFileTypes: true })).filter((d) => d.isFile()).map((d) => d.name).sort();
  } catch (err) {
    if (isNotFound(err)) return [];
    throw fileAccessError(err, dir, "list");
  }
  const out: Array<{ fileName: string; json: Record<string, unknown> }> = [];
  for (const fileName of names) {
    try {
      const json = parseJsonSafely((await readTextIfExists(join(dir, fileName))) ?? "");
      if (json !== null && typeof json === "object" && !Array.isArray(json)) out.push({ fileName, json: json as Record<string, unknown> });
    } catch {
      // Not JSON (or gone meanwhile): not a cache file for us, as for `aws sso logout`.
    }
  }
  return out;
}

/** True if there was a file to delete. */
export async function deleteIfExists(file: string): Promise<boolean> {
  try {
    await fsp.unlink(file);
    return true;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw fileAccessError(err, file, "delete");
  }
}
