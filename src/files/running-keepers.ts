import { readFileSync } from "node:fs";
import * as fsp from "node:fs/promises";
import { join } from "node:path";
import { isProcessAlive } from "../lib/process-alive.js";
import { writeFileAtomic } from "./atomic-write.js";

// Which sso-cli processes keep keys fresh right now (`serve`, `exec --ecs-server`,
// `login --keep-fresh`), for `status`: one small file each under ~/.aws/sso-cli/running/, named by
// pid, holding no secret (no token, no URL path, no key). A file whose process is gone, or was left
// by an earlier boot (its pid may belong to another process now), is ignored.

export interface RunningKeeper {
  pid: number;
  /** The command, as a person would type it: "serve", "exec --ecs-server", "login --keep-fresh". */
  command: string;
  profiles: string[];
  /** The endpoint's port (`serve`, `exec --ecs-server`). */
  port?: number | undefined;
  startedAt: string;
  /** /proc/sys/kernel/random/boot_id where there is one: a pid from another boot is not this process. */
  boot?: string | undefined;
}

export function runningKeepersDir(home: string): string {
  return join(home, ".aws", "sso-cli", "running");
}

function bootId(): string | undefined {
  try {
    return readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
  } catch {
    return undefined;
  }
}

/** Records this process; the returned function removes the record (call it on the way out). */
export async function recordRunningKeeper(home: string, o: Omit<RunningKeeper, "boot" | "pid">): Promise<() => Promise<void>> {
  // eslint-disable-next-line no-restricted-globals -- the record names this process, so status can tell whether it still runs
  const k: Omit<RunningKeeper, "boot"> = { pid: process.pid, ...o };
  const file = join(runningKeepersDir(home), `${k.pid}.json`);
  await writeFileAtomic(file, JSON.stringify({ ...k, boot: bootId() }) + "\n");
  return () => fsp.rm(file, { force: true });
}

/** The processes recorded and still running, oldest first. Unreadable records are skipped. */
export async function listRunningKeepers(home: string): Promise<RunningKeeper[]> {
  const dir = runningKeepersDir(home);
  let names: string[];
  try {
    names = await fsp.readdir(dir);
  } catch {
    return [];
  }
  const boot = bootId();
  const found: RunningKeeper[] = [];
  for (const name of names.filter((n) => /^\d+\.json$/.test(n))) {
    let k: RunningKeeper;
    try {
      const v = JSON.parse(await fsp.readFile(join(dir, name), "utf8")) as Partial<RunningKeeper>;
      if (typeof v.pid !== "number" || typeof v.command !== "string" || !Array.isArray(v.profiles) || typeof v.startedAt !== "string")
        continue;
      k = {
        pid: v.pid,
        command: v.command,
        profiles: v.profiles.filter((p): p is string => typeof p === "string"),
        port: typeof v.port === "number" ? v.port : undefined,
        startedAt: v.startedAt,
        boot: typeof v.boot === "string" ? v.boot : undefined,
      };
    } catch {
      continue;
    }
    // Reads never write: a stale record is skipped here, and replaced when its pid records again.
    if (isProcessAlive(k.pid) && (boot === undefined || k.boot === undefined || k.boot === boot)) found.push(k);
  }
  return found.sort((a, b) => a.startedAt.localeCompare(b.startedAt));
}
