// npm run demo: the user journey of the README, offline. It starts the embedded emulator, makes a
// throwaway HOME (the real ~/.aws is never touched), and runs, as a user would:
//   sso-cli configure profile myprofile …   sso-cli login START_URL REGION
//   GetCallerIdentity with the keys login wrote        sso-cli exec -- node …      sso-cli logout
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const BIN = fileURLToPath(new URL("../bin/sso-cli", import.meta.url));
const START_URL = "https://d-0000000000.awsapps.com/start";
const REGION = "eu-north-1";
const bold = (s) => (process.stdout.isTTY && !process.env.NO_COLOR ? `\x1b[1m${s}\x1b[0m` : s);

const home = await mkdtemp(join(tmpdir(), "sso-cli-demo-"));
const portFile = join(home, "emulator.port");
const emulator = spawn(
  process.execPath,
  [
    BIN,
    "emulator",
    "--port",
    "0",
    "--port-file",
    portFile,
    "--start-url",
    START_URL,
    "--region",
    REGION,
    "--accounts",
    "3",
    "--roles-per-account",
    "2",
    "--account-names",
    "production,staging,sandbox",
    "--auto-approve-ms",
    "2500",
    "--quiet",
  ],
  { stdio: ["ignore", "pipe", "pipe"] },
);
let emulatorErrors = "";
emulator.stderr.on("data", (d) => (emulatorErrors += d));
let cleanedUp = false;
async function cleanup() {
  if (cleanedUp) return;
  cleanedUp = true;
  if (emulator.exitCode === null) {
    const exited = new Promise((resolve) => emulator.once("exit", resolve));
    emulator.kill("SIGTERM");
    await exited;
  }
  await rm(home, { recursive: true, force: true });
}
process.on("SIGINT", () => void cleanup().then(() => process.exit(130)));

try {
  const url = await new Promise((resolve, reject) => {
    let out = "";
    emulator.stdout.on("data", (d) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    emulator.once("exit", (code) => reject(new Error(`the emulator exited (${code}): ${emulatorErrors.trim()}`)));
  });
  const env = {
    PATH: process.env.PATH ?? "",
    HOME: home,
    BROWSER: "none",
    ...(process.env.NO_COLOR ? { NO_COLOR: process.env.NO_COLOR } : {}),
    AWS_ENDPOINT_URL_SSO: url,
    AWS_ENDPOINT_URL_SSO_OIDC: url,
    AWS_ENDPOINT_URL_STS: url,
  };
  console.log(`${bold("sso-cli demo")}: an offline IAM Identity Center at ${url}, HOME=${home}\n`);

  const run = (args, shown = args.join(" ")) =>
    new Promise((resolve, reject) => {
      console.log(bold(`$ sso-cli ${shown}`));
      const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ["ignore", "inherit", "inherit"] });
      child.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`sso-cli ${args[0]} exited with ${code}`))));
    });

  await run([
    "configure",
    "profile",
    "myprofile",
    "--sso-start-url",
    START_URL,
    "--sso-region",
    REGION,
    "--account-id",
    "100000000001",
    "--role-name",
    "AdministratorAccess",
    "--output",
    "json",
  ]);
  console.log();
  await run(["login", START_URL, REGION]);
  console.log();

  const credentials = await readFile(join(home, ".aws", "credentials"), "utf8");
  const keyId = /aws_access_key_id = (\S+)/.exec(credentials)?.[1] ?? "?";
  console.log(bold("~/.aws/credentials now has [myprofile] with a temporary key ") + `${keyId.slice(0, 4)}…${keyId.slice(-4)}`);
  console.log(bold("GetCallerIdentity signed with those keys (AWS SDK for JavaScript, fromIni):"));
  for (const [k, v] of Object.entries(env)) process.env[k] = v;
  delete process.env.AWS_PROFILE;
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
  const { STSClient, GetCallerIdentityCommand } = await import("@aws-sdk/client-sts");
  const { fromIni } = await import("@aws-sdk/credential-providers");
  const sts = new STSClient({
    region: REGION,
    endpoint: url,
    credentials: fromIni({
      profile: "myprofile",
      filepath: join(home, ".aws", "credentials"),
      configFilepath: join(home, ".aws", "config"),
    }),
  });
  const id = await sts.send(new GetCallerIdentityCommand({}));
  console.log(`  Account ${id.Account}\n  Arn     ${id.Arn}\n  UserId  ${id.UserId}\n`);

  await run(["login", "--profile", "myprofile"]);
  console.log();
  // Another way to hand the keys to a tool: a command run under exec gets them in its environment.
  const show =
    'const k = process.env.AWS_ACCESS_KEY_ID; console.log(`  the command sees AWS_ACCESS_KEY_ID=${k.slice(0, 4)}…${k.slice(-4)}, AWS_REGION=${process.env.AWS_REGION}, AWS_PROFILE=${process.env.AWS_PROFILE ?? "(unset)"}`)';
  await run(
    ["exec", "--profile", "myprofile", "--", process.execPath, "-e", show],
    "exec --profile myprofile -- node -e '…print what it sees…'",
  );
  console.log();
  await run(["logout"]);
  console.log(`\n${bold("Done.")} Against real AWS it is the same, without the AWS_ENDPOINT_URL_* variables:`);
  console.log(`  sso-cli configure profile myprofile --sso-start-url https://d-xxxx.awsapps.com/start --sso-region eu-north-1
  sso-cli login https://d-xxxx.awsapps.com/start eu-north-1
  aws sts get-caller-identity --profile myprofile`);
} catch (err) {
  console.error(`demo failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
} finally {
  await cleanup();
}
