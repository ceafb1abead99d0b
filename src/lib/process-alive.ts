/** True while a process with this pid exists on this machine (it may belong to another user). */
export function isProcessAlive(pid: number): boolean {
  try {
    // eslint-disable-next-line no-restricted-globals -- signal 0 asks the system whether that process still runs
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}
