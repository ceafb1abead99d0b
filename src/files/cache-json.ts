import { promises as fsp } from "node:fs";
import { join } from "node:path";
import { FileFormatError } from "../errors.js";
import { readTextIfExists } from "./atomic-write.js";
import { fileAccessError, isNotFound } from "./file-access.js";
import { fieldProblems, isJsonObject, type JsonFields } from "./json-fields.js";

// What the two caches (~/.aws/sso/cache and ~/.aws/cli/cache) have in common: JSON files read
// safely, checked field by field, listed whatever tool wrote them, and deleted.

export function parseJsonSafely(text: string): unknown {
  // A `__proto__` key must not become a prototype (the guard of the JS SDK's parseIni).
  return JSON.parse(text, (k, v: unknown) => (k === "__proto__" ? undefined : v));
}

/**
 * A cache file parsed and checked by `check` (json-fields.ts); a damaged one is a FileFormatError
 * naming it, never echoing a value.
 */
export function parseCacheJson<T>(check: (fields: JsonFields) => void, text: string, file: string): T {
  let json: unknown;
  try {
    json = parseJsonSafely(text);
  } catch {
    throw new FileFormatError(file, undefined, "is not valid JSON", "Delete the file and sign in again.");
  }
  const problems = fieldProblems(json, check);
  if (problems !== undefined) throw new FileFormatError(file, undefined, problems, "Delete the file and sign in again.");
  return json as T;
}

/** Every JSON object file in a cache folder, sorted by name; files that are not such JSON are skipped. */
export async function readJsonFiles(dir: string): Promise<Array<{ fileName: string; json: Record<string, unknown> }>> {
  let names: string[];
  try {
    names = (await fsp.readdir(dir, { withFileTypes: true }))
      .filter((d) => d.isFile())
      .map((d) => d.name)
      .sort();
  } catch (err) {
    if (isNotFound(err)) return [];
    throw fileAccessError(err, dir, "list");
  }
  const out: Array<{ fileName: string; json: Record<string, unknown> }> = [];
  for (const fileName of names) {
    try {
      const json = parseJsonSafely((await readTextIfExists(join(dir, fileName))) ?? "");
      if (isJsonObject(json)) out.push({ fileName, json });
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
