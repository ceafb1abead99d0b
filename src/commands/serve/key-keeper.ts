import type { Context } from "../../context.js";
import { SsoCliError } from "../../errors.js";
import type { ProfileCredentials } from "../../role-keys/profile-credentials.js";
import { mustRenew, renewalDelayMs } from "./renewal-rule.js";

/** Gets a profile's keys without a person: the role cache, else GetRoleCredentials (role-keys/profile-credentials.ts). */
export type KeySource = (profile: string) => Promise<ProfileCredentials>;

/** What a tool asking for a profile's keys gets: keys, or why none (the message says what to run). */
export type KeeperAnswer = { ok: true; keys: ProfileCredentials } | { ok: false; error: SsoCliError | Error };

/**
 * Holds each profile's keys for the credentials endpoint and renews them by the renewal rule
 * (renewal-rule.ts): one renewal at a time per profile, however many tools ask at once. When a
 * renewal fails (the sign-in can no longer be renewed without a browser), it says so once on
 * stderr, keeps handing out the held keys while they last, and tries again at the next request,
 * so a `login` elsewhere revives it.
 */
export class KeyKeeper {
  private readonly held = new Map<string, { keys: ProfileCredentials; renewedAt: number }>();
  private readonly inFlight = new Map<string, Promise<KeeperAnswer>>();
  private readonly failing = new Set<string>();
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private closed = false;

  constructor(
    private readonly deps: Pick<Context, "now" | "stderr">,
    private readonly source: KeySource,
    private readonly say: (line: string) => void = (line) => void deps.stderr.write(line + "\n"),
  ) {}

  /** The profile's keys, renewed first when the rule says so. */
  async keysFor(profile: string): Promise<KeeperAnswer> {
    const now = this.deps.now().getTime();
    const h = this.held.get(profile);
    if (h && !mustRenew(h.keys.expiration.getTime() - now, now - h.renewedAt)) return { ok: true, keys: h.keys };
    let pending = this.inFlight.get(profile);
    if (!pending) {
      pending = this.renew(profile).finally(() => this.inFlight.delete(profile));
      this.inFlight.set(profile, pending);
    }
    return pending;
  }

  private async renew(profile: string): Promise<KeeperAnswer> {
    try {
      const keys = await this.source(profile);
      this.held.set(profile, { keys, renewedAt: this.deps.now().getTime() });
      this.schedule(profile, keys.expiration.getTime() - this.deps.now().getTime());
      if (this.failing.delete(profile)) this.say(`sso-cli: profile ${profile}: keys renewed again.`);
      return { ok: true, keys };
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      // Said once, and only for a profile served before: a failure at start is the command's error.
      if (this.held.has(profile) && !this.failing.has(profile)) {
        this.failing.add(profile);
        this.say(
          `sso-cli: profile ${profile}: ${error instanceof SsoCliError ? error.message : "its keys could not be renewed"} (still serving; a sign-in elsewhere revives it)`,
        );
      }
      const h = this.held.get(profile);
      if (h) this.schedule(profile, 0);
      if (h && h.keys.expiration.getTime() > this.deps.now().getTime()) return { ok: true, keys: h.keys };
      return { ok: false, error };
    }
  }

  /**
   * Renews a served profile's keys in the background by the renewal rule, so that a tool's
   * request, which SDKs give a second or two (docs/protocol/container-credentials.md §4), rarely
   * waits for IAM Identity Center. A real timer, unref'd: it keeps no process alive, and on a
   * test's fake clock it never fires (requests alone then drive renewal, by the same rule).
   */
  private schedule(profile: string, remainingMs: number): void {
    if (this.closed) return;
    clearTimeout(this.timers.get(profile));
    const timer = setTimeout(() => {
      this.timers.delete(profile);
      if (!this.inFlight.has(profile)) {
        const pending = this.renew(profile).finally(() => this.inFlight.delete(profile));
        this.inFlight.set(profile, pending);
      }
    }, renewalDelayMs(remainingMs));
    timer.unref();
    this.timers.set(profile, timer);
  }

  /** Stops the background renewals. */
  close(): void {
    this.closed = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }
}
