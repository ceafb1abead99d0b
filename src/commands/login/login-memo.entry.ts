import { join } from "node:path";
import type { AwsPaths } from "../../context.js";
import type { PrivateFolder } from "../../files/private-cache.js";
import { RememberedAnswers } from "../../files/remembered-answers.js";
import { tokenCacheFileName } from "../../files/token-cache.js";
import type { PreparedLogin } from "./login-plan.entry.js";

/**
 * That a `login` was up to date, kept while the files it was worked out from are unchanged
 * (files/remembered-answers.ts) and until its first token or key comes within its margin: scripts
 * run `login --profile P` before every job, and reading and checking the config, the token cache,
 * the credentials file and the ledger is most of what an up-to-date one does. No secret is kept:
 * how many profiles hold keys, and until when. In `~/.cache/sso-cli/logins.json`, a private file.
 */

export const LOGIN_MEMO_FILE = "logins.json";

/** What an up-to-date login says. */
export interface UpToDateAnswer {
  profileCount: number;
  /** ISO 8601: the earliest key expiry (the token's, without profiles). */
  validUntil: string;
}

/**
 * The question a login answers: its command line as given, AWS_PROFILE (the profile when none is
 * named) and the files it reads. Two command lines that mean the same are two questions: each is
 * worked out once.
 */
export function loginQuestion(argv: readonly string[], envProfile: string | undefined, paths: AwsPaths): string {
  return JSON.stringify([argv, envProfile ?? null, paths.configFile, paths.credentialsFile, paths.ssoCacheDir]);
}

export function loginMemo(folder: PrivateFolder): RememberedAnswers<UpToDateAnswer> {
  return new RememberedAnswers(folder, LOGIN_MEMO_FILE, isUpToDateAnswer);
}

/** The files an up-to-date login was worked out from: the config, the credentials file, the ledger and each sign-in's token. */
export function loginFiles(paths: AwsPaths, prepared: PreparedLogin): string[] {
  return [
    paths.configFile,
    paths.credentialsFile,
    prepared.ledgerFile,
    ...prepared.plan.signIns.map((spec) =>
      join(paths.ssoCacheDir, tokenCacheFileName({ ssoSession: spec.ssoSession, startUrl: spec.startUrl })),
    ),
  ];
}

function isUpToDateAnswer(v: unknown): v is UpToDateAnswer {
  if (typeof v !== "object" || v === null) return false;
  const { profileCount, validUntil } = v as Record<string, unknown>;
  return (
    typeof profileCount === "number" &&
    Number.isSafeInteger(profileCount) &&
    profileCount >= 0 &&
    typeof validUntil === "string" &&
    !Number.isNaN(Date.parse(validUntil))
  );
}
