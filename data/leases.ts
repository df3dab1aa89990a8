/**
 * Leases: a named thing (a Twitch channel, a Discord shard, a job) held by one instance at a time,
 * for a time-to-live the holder keeps renewing. A holder that dies stops renewing and loses the
 * lease when it expires; another instance then takes it. Redis implements it for several
 * instances (data/redis/leases.ts); one instance alone uses the local one below.
 */
export interface LeaseStore {
  /** Takes `key` for `owner` (or renews it when `owner` already holds it); true when `owner` holds it now. */
  acquire(key: string, owner: string, ttlMs: number): Promise<boolean>;
  /** Extends `owner`'s lease; false when it was lost (expired and taken, or released). */
  renew(key: string, owner: string, ttlMs: number): Promise<boolean>;
  /** Gives the lease up at once (graceful shutdown hands over without waiting for expiry). */
  release(key: string, owner: string): Promise<boolean>;
  /** Who holds `key` now, if anyone. */
  holder(key: string): Promise<string | null>;
}

/** One process: leases live in memory, with the same expiry rules (tests and single instances). */
export class LocalLeaseStore implements LeaseStore {
  private readonly held = new Map<string, { owner: string; until: number }>();
  constructor(private readonly now: () => number = Date.now) {}

  private current(key: string) {
    const lease = this.held.get(key);
    if (lease && lease.until <= this.now()) {
      this.held.delete(key);
      return undefined;
    }
    return lease;
  }

  async acquire(key: string, owner: string, ttlMs: number) {
    const lease = this.current(key);
    if (lease && lease.owner !== owner) return false;
    this.held.set(key, { owner, until: this.now() + ttlMs });
    return true;
  }

  async renew(key: string, owner: string, ttlMs: number) {
    const lease = this.current(key);
    if (!lease || lease.owner !== owner) return false;
    lease.until = this.now() + ttlMs;
    return true;
  }

  async release(key: string, owner: string) {
    const lease = this.current(key);
    if (!lease || lease.owner !== owner) return false;
    this.held.delete(key);
    return true;
  }

  async holder(key: string) {
    return this.current(key)?.owner ?? null;
  }
}
