import { chmod } from "node:fs/promises";
import { isAbsolute, resolve } from "node:path";
import type { Context } from "../../context.js";
import { UsageError } from "../../errors.js";
import { writeFileAtomic } from "../../files/atomic-write.js";
import { recordRunningKeeper } from "../../files/running-keepers.js";
import type { CredentialsEndpoint } from "./credentials-endpoint.js";
import { startProfileEndpoint } from "./profile-endpoint.js";

export interface ServeInput {
  /** None: AWS_PROFILE, else the only profile with an account and role. */
  profiles: string[];
  port?: string | undefined;
  tokenFile?: string | undefined;
}

/** What the command prints once the endpoint answers. */
export interface Serving {
  /** The FULL_URI of each profile, in the order asked. */
  urls: [profile: string, url: string][];
  /** The token itself, or where it was written (never both). */
  token: { value: string } | { file: string };
}

function parsePort(text: string): number {
  if (!/^\d{1,5}$/.test(text) || Number(text) < 1 || Number(text) > 65535)
    throw new UsageError(`--port must be a number from 1 to 65535.`, "Or leave it out for a free port.");
  return Number(text);
}

/**
 * `sso-cli serve`: the credentials endpoint for these profiles until the signal (Ctrl-C,
 * SIGTERM). Calls `ready` once it answers; on the way out closes it and removes the token file
 * and the record `status` reads.
 */
export async function serve(ctx: Context, input: ServeInput, ready: (s: Serving) => void): Promise<void> {
  const port = input.port === undefined ? undefined : parsePort(input.port);
  const tokenFile =
    input.tokenFile === undefined ? undefined : isAbsolute(input.tokenFile) ? input.tokenFile : resolve(ctx.paths.home, input.tokenFile);
  const asked = input.profiles.length ? [...new Set(input.profiles)] : [undefined];
  const endpoint: CredentialsEndpoint = await startProfileEndpoint(ctx, asked, port);
  const undo: Array<() => Promise<unknown>> = [() => endpoint.close()];
  try {
    if (tokenFile !== undefined) {
      await writeFileAtomic(tokenFile, endpoint.token, { newFileMode: 0o600 });
      // An existing file keeps its mode through writeFileAtomic: this one must be ours alone.
      await chmod(tokenFile, 0o600);
      undo.push(() => import("node:fs/promises").then((f) => f.rm(tokenFile, { force: true })));
    }
    undo.push(
      await recordRunningKeeper(ctx.paths.home, {
        command: "serve",
        profiles: [...endpoint.urls.keys()],
        port: endpoint.port,
        startedAt: ctx.now().toISOString(),
      }),
    );
    ready({ urls: [...endpoint.urls], token: tokenFile !== undefined ? { file: tokenFile } : { value: endpoint.token } });
    await new Promise<void>((done) => {
      if (ctx.signal.aborted) done();
      else ctx.signal.addEventListener("abort", () => done(), { once: true });
    });
  } finally {
    for (const u of undo.reverse()) await u().catch(() => undefined);
  }
}
