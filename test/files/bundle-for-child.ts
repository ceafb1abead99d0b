import { build } from "esbuild";
import { join } from "node:path";

/**
 * Bundles one of our TypeScript modules into a plain ESM file in `outDir`, so a test can run it in
 * separate `node` processes (cross-process behaviour cannot be tested inside one vitest worker).
 */
export async function bundleForChild(entry: string, outDir: string): Promise<string> {
  const outfile = join(outDir, "module.mjs");
  await build({ entryPoints: [entry], outfile, bundle: true, format: "esm", platform: "node", target: "node20", logLevel: "silent" });
  return outfile;
}
