// This computer's clock against the service's. Every AWS answer carries a `Date` header (RFC 9110
// §6.6.1); when it is more than 5 minutes from the local clock (AWS refuses SigV4 requests that far
// off, so other tools will fail too), sso-cli says so once and reads the service's absolute times
// (role credentials' expiration, a registration's clientSecretExpiresAt) relative to the service's
// clock, so keys are judged valid or expired by the right hour. Relative answers (expiresIn) need no
// correction: they start now, whatever the clock says.

/** SigV4's allowed skew; beyond it AWS answers RequestTimeTooSkewed. */
export const CLOCK_SKEW_LIMIT_MS = 5 * 60_000;

export class ServiceClock {
  private offsetMs = 0;
  private warned = false;

  constructor(
    private readonly now: () => Date,
    private readonly warn: (line: string) => void,
  ) {}

  /** Reads one answer's Date header (absent or unreadable: nothing learned). */
  observe(dateHeader: string | undefined): void {
    if (!dateHeader) return;
    const serviceMs = Date.parse(dateHeader);
    if (Number.isNaN(serviceMs)) return;
    const offset = serviceMs - this.now().getTime();
    // Within the limit the header's whole seconds and the network's delay are noise: no correction.
    this.offsetMs = Math.abs(offset) > CLOCK_SKEW_LIMIT_MS ? offset : 0;
    if (this.offsetMs !== 0 && !this.warned) {
      this.warned = true;
      this.warn(
        `warning: this computer's clock is ${formatOffset(Math.abs(offset))} ${offset > 0 ? "behind" : "ahead of"} IAM Identity Center's (the Date of its answers); expiry times are taken from the service's clock. Set the clock right (e.g. turn on NTP): AWS refuses requests signed more than 5 minutes off.`,
      );
    }
  }

  /** Service's time minus this computer's, when beyond the limit; else 0. */
  get skewMs(): number {
    return this.offsetMs;
  }

  /** A moment the service named on its own clock, on this computer's clock. */
  toLocal(serviceTime: Date): Date {
    return new Date(serviceTime.getTime() - this.offsetMs);
  }
}

/** "1 h 2 min", "7 min", "3 days 4 h". */
export function formatOffset(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  const parts = [
    days ? `${days} day${days === 1 ? "" : "s"}` : "",
    hours ? `${hours} h` : "",
    mins && days === 0 ? `${mins} min` : "",
  ].filter(Boolean);
  return parts.join(" ") || "0 min";
}
