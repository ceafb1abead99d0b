import { access, constants } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach } from "vitest";
import { writeAwsDataPath } from "../../src/emulator/aws-data-path.js";
import { startTestEmulator } from "./emulator.js";
import { runProcess } from "./run-process.js";
import { makeTempHome } from "./temp-home.js";

/** Debian's awscli: the AWS CLI v2.9, which ignores AWS_ENDPOINT_URL_* (the emulator's data path redirects it). */
export const AWS_V2 = "/usr/bin/aws";

/**
 * Why the AWS CLI v2 cannot run here, or undefined. Its tests fail with this (CI installs it
 * through .ci/run), never skip.
 */
export async function checkAwsCliV2(): Promise<string | undefined> {
  try {
    await access(AWS_V2, constants.X_OK);
  } catch {
    return `The AWS CLI v2 is missing at ${AWS_V2}: install Debian's awscli: apt-get install -y awscli`;
  }
  const scratch = await makeTempHome();
  const v = await runProcess(AWS_V2, ["--version"], { home: scratch.home }).finally(() => scratch.cleanup());
  if (!/^aws-cli\/2\./.test(v.stdout + v.stderr)) {
    return `${AWS_V2} is not the AWS CLI v2 (install Debian's awscli: apt-get install -y awscli): ${v.stdout}${v.stderr}`;
  }
  return undefined;
}

/** A throwaway HOME with an AWS_DATA_PATH that sends the CLI v2 to the emulator, whose state starts afresh. */
export async function makeAwsCliV2Home(emulatorUrl: string): Promise<{ home: string; dataPath: string; cleanup(): Promise<void> }> {
  const temp = await makeTempHome();
  const dataPath = join(temp.home, "aws-data");
  await writeAwsDataPath(dataPath, emulatorUrl);
  await fetch(emulatorUrl + "/_admin/reset", { method: "POST", headers: { "content-type": "application/json" }, body: '{"state":"all"}' });
  return { ...temp, dataPath };
}

export type TestEmulator = Awaited<ReturnType<typeof startTestEmulator>>;

/**
 * An AWS CLI v2 test file's set-up: one emulator for the file, and before each test a throwaway
 * HOME with the data path that sends the CLI to it; `use` receives them then. Without the CLI every
 * test fails, naming the install command (CI installs it through .ci/run), never skips.
 */
export function useAwsCliV2Suite(
  emulator: Parameters<typeof startTestEmulator>[0],
  use: (s: { emu: TestEmulator; home: string; dataPath: string }) => void,
): void {
  let emu: TestEmulator | undefined;
  let missingCli: string | undefined;
  beforeAll(async () => {
    missingCli = await checkAwsCliV2();
    emu = await startTestEmulator(emulator);
  });
  afterAll(async () => {
    await emu?.close();
  });
  beforeEach(async () => {
    if (missingCli) throw new Error(missingCli);
    const temp = await makeAwsCliV2Home(emu!.url);
    use({ emu: emu!, home: temp.home, dataPath: temp.dataPath });
    return temp.cleanup;
  });
}
