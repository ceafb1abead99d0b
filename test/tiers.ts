import { spawnSync } from "node:child_process";
import { accessSync, constants } from "node:fs";

/**
 * Test tiers that need a tool from outside the project. On a machine without the tool, a tier's
 * files are not run and the run ends by naming the tier and the command that installs its tool
 * (test/summary-reporter.ts). Under CI=true nothing is left out: a missing tool fails its tests,
 * since .ci/run installs every one.
 */
export interface Tier {
  name: string;
  /** What is missing, in a user's words. */
  tool: string;
  install: string;
  files: string[];
  available(): boolean;
}

const executable = (path: string): boolean => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

export const TIERS: Tier[] = [
  {
    name: "AWS CLI v2 interop",
    tool: "the AWS CLI v2 at /usr/bin/aws",
    install: "sudo apt-get install -y awscli",
    files: ["test/interop/aws-cli-v2.interop.test.ts", "test/interop/aws-cli-v2-role-chains.interop.test.ts"],
    available: () =>
      executable("/usr/bin/aws") &&
      /^aws-cli\/2\./.test(spawnSync("/usr/bin/aws", ["--version"], { encoding: "utf8", env: { PATH: "/usr/bin:/bin" } }).stdout ?? ""),
  },
  {
    name: "real browser (Chromium)",
    tool: "Chromium at /usr/bin/chromium",
    install: "sudo apt-get install -y chromium",
    files: ["test/browser/**/*.test.ts"],
    available: () => executable("/usr/bin/chromium"),
  },
  {
    name: "zsh and fish",
    tool: "zsh at /usr/bin/zsh and fish at /usr/bin/fish",
    install: "sudo apt-get install -y zsh fish",
    files: ["test/e2e/completion-shells.e2e.test.ts", "test/role-keys/format-credentials-shells.test.ts"],
    available: () => executable("/usr/bin/zsh") && executable("/usr/bin/fish"),
  },
  {
    name: "second local user",
    tool: "root and setpriv (util-linux) at /usr/bin/setpriv, to run an attacker as uid 65534",
    install: "sudo apt-get install -y util-linux, and run the tests as root",
    files: ["test/e2e/second-user.e2e.test.ts", "test/e2e/serve-second-user.e2e.test.ts"],
    available: () => executable("/usr/bin/setpriv") && process.getuid?.() === 0,
  },
  {
    name: "botocore and AWS CLI v1 interop",
    tool: "python3 with boto3, botocore and the AWS CLI v1",
    install: "python3 -m pip install boto3 awscli",
    files: [
      "test/interop/botocore.interop.test.ts",
      "test/interop/ini-botocore.interop.test.ts",
      "test/interop/aws-cli-v1.interop.test.ts",
      "test/interop/token-cache-sharing.interop.test.ts",
      "test/interop/credential-helpers.interop.test.ts",
      "test/interop/sigv4-botocore.interop.test.ts",
      "test/e2e/user-journey.e2e.test.ts",
      "test/interop/aws-cli-v1-role-chains.interop.test.ts",
      "test/interop/windows-paths.interop.test.ts",
      "test/interop/container-credentials.interop.test.ts",
    ],
    available: () => spawnSync("python3", ["-c", "import boto3, botocore, awscli"], { stdio: "ignore" }).status === 0,
  },
  {
    name: "a second local user and a bind mount",
    tool: "root, with setpriv and unshare (util-linux) and leave to mount in a new mount namespace",
    install: "sudo apt-get install -y util-linux, then run the tests as root (CI does)",
    files: ["test/e2e/file-trust.e2e.test.ts", "test/files/other-user.test.ts"],
    available: () =>
      process.getuid?.() === 0 &&
      executable("/usr/bin/setpriv") &&
      spawnSync("unshare", ["--mount", "true"], { stdio: "ignore" }).status === 0,
  },
];

/** The tiers this run leaves out: those whose tool is missing, unless CI asks for everything. */
export function tiersNotRun(env: Record<string, string | undefined> = process.env): Tier[] {
  if (env.CI === "true" || env.CI === "1") return [];
  return TIERS.filter((t) => !t.available());
}
