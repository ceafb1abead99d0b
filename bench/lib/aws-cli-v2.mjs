// The AWS CLI v2 as a point of comparison: Debian's awscli (v2.9) at /usr/bin/aws. It ignores
// AWS_ENDPOINT_URL_*, so it is pointed at the emulator with AWS_DATA_PATH endpoint rule sets written
// by the product's own writeAwsDataPath (src/emulator/aws-data-path.ts), loaded through esbuild.
import { spawnSync } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { REPO_ROOT } from "./sandbox.mjs";

export const AWS_V2 = "/usr/bin/aws";

/** `{ path, version }` when the AWS CLI v2 is installed, else `{ missing: why }`. */
export function findAwsCliV2(scratchHome) {
  const r = spawnSync(AWS_V2, ["--version"], { encoding: "utf8", env: { PATH: "/usr/bin:/bin", HOME: scratchHome }, timeout: 30_000 });
  if (r.error) return { missing: `the AWS CLI v2 is not installed at ${AWS_V2} (Debian: apt-get install -y awscli)` };
  const version = `${r.stdout}${r.stderr}`.trim().split(/\s+/)[0] ?? "";
  if (!/^aws-cli\/2\./.test(version)) return { missing: `${AWS_V2} is ${version || "unknown"}, not the AWS CLI v2` };
  return { path: AWS_V2, version };
}

/** Writes the three endpoint rule sets for `url` under `dir` (the AWS_DATA_PATH to use). */
export async function writeAwsDataPath(dir, url) {
  const { build } = await import("esbuild");
  const out = await build({
    entryPoints: [join(REPO_ROOT, "src", "emulator", "aws-data-path.ts")],
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20",
    write: false,
    logLevel: "silent",
  });
  const module = join(dir, "aws-data-path.mjs");
  await writeFile(module, out.outputFiles[0].text);
  const { writeAwsDataPath: write } = await import(pathToFileURL(module).href);
  await write(join(dir, "aws-data"), url);
  return join(dir, "aws-data");
}
