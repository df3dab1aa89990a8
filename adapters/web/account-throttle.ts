/**
 * Failed logins per account (the username as typed, whether or not it exists, so the answers
 * never tell which names are real). The first `freeFailures` in a row cost nothing; each further
 * one locks the name for a backoff that doubles from `baseBackoffMs` up to `maxBackoffMs`. Guesses
 * spread over many addresses are slowed to one per `maxBackoffMs`, while the real agent is never
 * locked out for long: the lock lasts at most `maxBackoffMs`, and addresses the agent logged in
 * from recently (`knownForMs`) skip it. A success clears the count.
 */
export interface AccountThrottleOptions {
  freeFailures: number;
  baseBackoffMs: number;
  maxBackoffMs: number;
  /** Failures this long ago are forgotten. */
  forgetAfterMs: number;
  /** An address an account logged in from skips that account's lock for this long. */
  knownForMs: number;
  maxKeys: number;
  now: () => number;
}

export const DefaultAccountThrottleOptions = {
  freeFailures: 5,
  baseBackoffMs: 1000,
  maxBackoffMs: 60_000,
  forgetAfterMs: 15 * 60_000,
  knownForMs: 30 * 24 * 60 * 60_000,
  maxKeys: 10_000,
  now: () => Date.now(),
} as const satisfies Required<AccountThrottleOptions>;

export class AccountThrottle {
  private readonly o: AccountThrottleOptions;
  private readonly failures = new Map<string, { count: number; lastAt: number; lockedUntil: number }>();
  /** `account\0address` -> when the account last logged in from there. */
  private readonly known = new Map<string, number>();

  constructor(options: Partial<AccountThrottleOptions> = {}) {
    this.o = { ...DefaultAccountThrottleOptions, ...options };
  }

  /** Seconds until `account` may try again from `address`; 0 when it may now. */
  retryAfterS(account: string, address: string): number {
    const f = this.failures.get(key(account));
    if (!f) return 0;
    const t = this.o.now();
    if (t - f.lastAt > this.o.forgetAfterMs) {
      this.failures.delete(key(account));
      return 0;
    }
    if (t >= f.lockedUntil || this.isKnown(account, address, t)) return 0;
    return Math.ceil((f.lockedUntil - t) / 1000);
  }

  fail(account: string): void {
    const t = this.o.now();
    const k = key(account);
    let f = this.failures.get(k);
    if (!f || t - f.lastAt > this.o.forgetAfterMs) {
      bound(this.failures, this.o.maxKeys);
      f = { count: 0, lastAt: t, lockedUntil: 0 };
      this.failures.set(k, f);
    }
    f.count += 1;
    f.lastAt = t;
    const over = f.count - this.o.freeFailures;
    if (over > 0) f.lockedUntil = t + Math.min(this.o.maxBackoffMs, this.o.baseBackoffMs * 2 ** Math.min(over - 1, 30));
  }

  succeed(account: string, address: string): void {
    this.failures.delete(key(account));
    const k = `${key(account)}\u0000${address}`;
    this.known.delete(k);
    bound(this.known, this.o.maxKeys);
    this.known.set(k, this.o.now());
  }

  private isKnown(account: string, address: string, t: number): boolean {
    const at = this.known.get(`${key(account)}\u0000${address}`);
    return at !== undefined && t - at <= this.o.knownForMs;
  }
}

function key(account: string): string {
  return account.trim().toLowerCase();
}

/** Forgets the oldest entry once full: memory stays bounded, at worst someone gets a fresh start. */
function bound(map: Map<string, unknown>, max: number): void {
  if (map.size >= max) map.delete(map.keys().next().value!);
}
