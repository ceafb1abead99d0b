// When role keys are renewed, for every command that keeps keys fresh for a long-running tool
// (`serve`, `exec --ecs-server`, `login --keep-fresh`).

/**
 * Keys with less than this left are renewed: botocore refreshes container credentials once fewer
 * than 15 minutes remain (docs/protocol/container-credentials.md §5).
 */
export const RENEW_WINDOW_MS = 15 * 60_000;

/** No profile's keys are renewed more than once a minute, however short their lifetime. */
export const MIN_RENEWAL_GAP_MS = 60_000;

/**
 * How long to wait, from now, before renewing keys that have `remainingMs` left: until the
 * window opens; keys already inside it (a lifetime shorter than the window) at about half their
 * remaining life; never sooner than a minute, so short keys cause no busy loop.
 */
export function renewalDelayMs(remainingMs: number): number {
  const untilWindow = remainingMs - RENEW_WINDOW_MS;
  return Math.max(MIN_RENEWAL_GAP_MS, untilWindow > 0 ? untilWindow : remainingMs / 2);
}

/**
 * Whether keys held for a tool must be renewed before being handed out again: they are inside the
 * window and the last renewal is a minute old (a tool asks again and again inside the window;
 * keys renewed less than a minute ago are as fresh as the service makes them), or they are
 * about to expire.
 */
export function mustRenew(remainingMs: number, sinceRenewalMs: number): boolean {
  if (remainingMs <= MIN_RENEWAL_GAP_MS) return true;
  return remainingMs < RENEW_WINDOW_MS && sinceRenewalMs >= MIN_RENEWAL_GAP_MS;
}
