// Loaded lazily: only sign-in flows open a browser.
export async function openBrowser(url: string, env: Readonly<Record<string, string | undefined>>): Promise<boolean> {
  if (env.BROWSER === "none") return false;
  if (env.SSH_CONNECTION || env.SSH_TTY) return false;
  if (process.platform === "linux" && !env.DISPLAY && !env.WAYLAND_DISPLAY && !env.BROWSER) return false;
  try {
    const { default: open } = await import("open");
    const child = await open(url, { wait: false });
    return await new Promise<boolean>((resolve) => {
      child.once("error", () => resolve(false));
      child.once("spawn", () => resolve(true));
      setTimeout(() => resolve(true), 500).unref();
    });
  } catch {
    return false;
  }
}
