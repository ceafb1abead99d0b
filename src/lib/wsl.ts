/**
 * What this Linux machine tells about WSL, read lazily (only a browser opening asks): the kernel's
 * release (`os.release()`), a file's text, whether a path exists. Injected, so tests can be any
 * machine; src/cli/real-context.ts gives the real ones.
 */
export interface WslFacts {
  platform: NodeJS.Platform;
  env: Readonly<Record<string, string | undefined>>;
  /** os.release(), e.g. "5.15.153.1-microsoft-standard-WSL2". */
  release(): string;
  /** A file's text, undefined when it cannot be read. */
  readText(path: string): string | undefined;
  exists(path: string): boolean;
}

/**
 * Whether this is Linux under WSL with Windows at hand, decided as the `open` package (is-wsl 3,
 * is-inside-container) decides it, so that the browser opener and this agree: the variables WSL
 * sets in its shells (WSL_DISTRO_NAME, WSL_INTEROP), else the kernel (`os.release()` or
 * /proc/version naming Microsoft, else WSL's interop file or /run/WSL, for custom kernels). `sudo`,
 * cron and systemd drop the variables; the kernel stays. Inside a container (Docker, Podman) it is
 * plain Linux, as `open` treats it.
 */
export function isWsl(facts: WslFacts): boolean {
  if (facts.platform !== "linux") return false;
  const { env } = facts;
  const wsl =
    !!env.WSL_DISTRO_NAME ||
    !!env.WSL_INTEROP ||
    facts.release().toLowerCase().includes("microsoft") ||
    (facts.readText("/proc/version") ?? "").toLowerCase().includes("microsoft") ||
    facts.exists("/proc/sys/fs/binfmt_misc/WSLInterop") ||
    facts.exists("/run/WSL");
  return wsl && !insideContainer(facts);
}

/** is-inside-container: Podman's /run/.containerenv, Docker's /.dockerenv or a docker cgroup. */
function insideContainer(facts: WslFacts): boolean {
  return (
    facts.exists("/run/.containerenv") || facts.exists("/.dockerenv") || (facts.readText("/proc/self/cgroup") ?? "").includes("docker")
  );
}
