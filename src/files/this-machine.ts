import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import { sha1Hex } from "../lib/sha.js";

/**
 * What tells machines apart when a folder is shared between them (a network home, WSL and the
 * Windows beside it, a container and its host): a host name alone does not. WSL takes the Windows
 * computer's name by default, but the two have separate pids; a container often shares its host's
 * boot id but not its pids, and then its host name differs. A pid written into a lock's owner file
 * or a temp file's name means a process here only when all three match.
 */
export interface Machine {
  host: string;
  platform: string;
  /** Linux's /proc/sys/kernel/random/boot_id: new at every boot, one per kernel. */
  bootId: string | undefined;
}

let bootId: string | undefined | null = null;

// eslint-disable-next-line no-restricted-globals -- which platform this process runs on: a fact of the process, not an input
export function thisMachine(platform: string = process.platform): Machine {
  if (bootId === null) {
    try {
      bootId = readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim() || undefined;
    } catch {
      bootId = undefined;
    }
  }
  return { host: hostname(), platform, bootId };
}

/** Eight hex digits naming a machine in a temp file's name (atomic-write.ts). */
export function machineTag(machine: Machine): string {
  return sha1Hex(`${machine.host}\n${machine.platform}\n${machine.bootId ?? ""}`).slice(0, 8);
}
