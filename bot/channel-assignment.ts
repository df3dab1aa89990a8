import type { LeaseStore } from '../data/leases.js';
import type { MemberRegistry } from '../data/members.js';

export interface ChannelAssignmentOptions {
  /** This instance (its lease owner name). */
  owner: string;
  /** What the leases and the members list are scoped by, e.g. `twitch:<account>`. */
  group: string;
  leases: LeaseStore;
  members: MemberRegistry;
  /** Every channel the instances together must be in (config and database). */
  channels: () => readonly string[];
  /** Called once this instance holds a channel: join it. */
  join: (channel: string) => void;
  /** Called once this instance no longer answers in a channel (before its lease is given up): leave it. */
  part: (channel: string) => void;
  /** Lease time-to-live; a dead instance's channels are free this long after its last renewal. */
  ttlMs?: number;
  /** How often leases are renewed and free channels taken (with ±10% jitter). */
  renewMs?: number;
  /**
   * A lease is trusted locally until this long before the expiry it was renewed to: the renewal's
   * round trip and timer lateness can't make two instances answer in one channel at once.
   */
  safetyMs?: number;
  now?: () => number;
  random?: () => number;
  log?: (line: string) => void;
}

/**
 * A SIGKILLed instance's channels are free at most `ttlMs` after its last renewal and taken one
 * round (`renewMs`) after being seen free, then JOINed within the account's join window (18 per
 * 10.5 s): 10 + 2 x 3.3 + 10.5 s for a third of 100 channels, inside Twitch's 30 s. A live
 * instance stops answering `safetyMs` before its lease can expire (renewMs + safetyMs < ttlMs).
 */
export const DefaultAssignmentTimings = { ttlMs: 10_000, renewMs: 3_000, safetyMs: 2_000 } as const;

/**
 * Which channels this instance answers in, among several instances sharing one account. Each
 * channel is a lease (`<group>:channel:<name>`); the holder joins and answers it, renews it every
 * `renewMs`, and answers only while its last renewal is fresh (`holds`). A dead instance stops
 * renewing; its channels fall free after `ttlMs` and the others take them. The spread is fair:
 * an instance takes up to ceil(channels / live instances) and sheds above that, and takes any
 * channel that stayed free across two of its rounds regardless (an instance died but is still on
 * the members list). A graceful stop leaves the channels and releases the leases at once.
 */
export class ChannelAssignment {
  private readonly held = new Map<string, number>();
  private readonly freeLastRound = new Set<string>();
  /** Until then this instance covers for a dead one that may still be on the members list: no shedding. */
  private coveringUntil = Number.NEGATIVE_INFINITY;
  private readonly t: { ttlMs: number; renewMs: number; safetyMs: number };
  private readonly now: () => number;
  private readonly random: () => number;
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<void> | undefined;
  private stopped = false;
  private members = 1;

  constructor(private readonly o: ChannelAssignmentOptions) {
    this.t = {
      ttlMs: o.ttlMs ?? DefaultAssignmentTimings.ttlMs,
      renewMs: o.renewMs ?? DefaultAssignmentTimings.renewMs,
      safetyMs: o.safetyMs ?? DefaultAssignmentTimings.safetyMs,
    };
    if (this.t.renewMs + this.t.safetyMs >= this.t.ttlMs) throw new RangeError('channel leases: renewMs + safetyMs must stay below ttlMs');
    this.now = o.now ?? Date.now;
    this.random = o.random ?? Math.random;
  }

  /** Whether this instance answers in `channel` now. */
  holds(channel: string): boolean {
    return (this.held.get(normalize(channel)) ?? Number.NEGATIVE_INFINITY) > this.now();
  }

  /** Channels this instance holds, sorted. */
  channels(): string[] {
    return [...this.held.keys()].sort();
  }

  /** Runs a round now and then every `renewMs` until `stop()`. */
  start(): void {
    const loop = () => {
      if (this.stopped) return;
      this.round = this.tick()
        .catch((err: unknown) => this.o.log?.(`channel assignment round failed: ${err instanceof Error ? err.message : String(err)}`))
        .finally(() => {
          this.round = undefined;
          if (this.stopped) return;
          this.timer = setTimeout(loop, Math.round(this.t.renewMs * (0.9 + 0.2 * this.random())));
        });
    };
    loop();
  }

  /** One round: beat, renew (or lose), shed the excess, take free channels. */
  async tick(): Promise<void> {
    if (this.stopped) return;
    const startedAt = this.now();
    const { ttlMs } = this.t;
    // Membership only sets the fair share (leases decide who answers): it lives twice a lease, so
    // one late heartbeat under load doesn't make the others grab and then shed channels.
    const alive = await this.o.members.heartbeat(this.o.group, this.o.owner, ttlMs * 2).catch(() => undefined);
    if (alive) this.members = Math.max(1, alive.length);
    const wanted = new Set(this.o.channels().map(normalize));

    await Promise.all([...this.held.keys()].map(async (channel) => {
      if (!wanted.has(channel)) return this.giveUp(channel, 'no longer configured');
      let kept: boolean;
      try {
        kept = await this.o.leases.renew(this.key(channel), this.o.owner, ttlMs);
      } catch {
        // Can't reach the lease store: keep the channel, but answer only until the last renewal runs out.
        return;
      }
      if (this.stopped) return;
      if (kept) this.held.set(channel, startedAt + ttlMs - this.t.safetyMs);
      else this.lose(channel, 'lease lost');
    }));

    const quota = Math.ceil(wanted.size / this.members);
    // Above its share (another instance came up): shed the excess for it to take. Not while channels
    // stay free (an instance is gone but still counted), nor while a dead instance whose channels it
    // took may still be counted (membership lives 2 x ttlMs): then the excess is what covers them,
    // and shedding it would only PART and re-JOIN the same channels.
    const shed = new Set<string>();
    if (this.held.size > quota && this.freeLastRound.size === 0 && startedAt >= this.coveringUntil) {
      for (const channel of this.shuffled([...this.held.keys()]).slice(0, this.held.size - quota)) {
        await this.giveUp(channel, 'rebalancing');
        shed.add(channel);
      }
    }

    // What it just shed is for the others, not free channels to note as orphans.
    const free = this.shuffled([...wanted].filter((c) => !this.held.has(c) && !shed.has(c)));
    const freeNow = new Set<string>();
    const taken: string[] = [];
    for (const channel of free) {
      if (this.stopped) return;
      const orphan = this.freeLastRound.has(channel);
      if (this.held.size >= quota && !orphan) {
        // At its share: only note which channels nobody holds, to take them next round if still free.
        if ((await this.o.leases.holder(this.key(channel)).catch(() => 'unknown')) === null) freeNow.add(channel);
        continue;
      }
      const takenAt = this.now();
      if (await this.o.leases.acquire(this.key(channel), this.o.owner, ttlMs).catch(() => false)) {
        if (this.stopped) {
          await this.o.leases.release(this.key(channel), this.o.owner).catch(() => false);
          return;
        }
        this.held.set(channel, takenAt + ttlMs - this.t.safetyMs);
        if (orphan) this.coveringUntil = takenAt + 2 * ttlMs;
        this.o.join(channel);
        taken.push(channel);
      }
    }
    this.freeLastRound.clear();
    for (const c of freeNow) this.freeLastRound.add(c);
    if (taken.length) this.o.log?.(`took ${taken.length} channel(s), holding ${this.held.size} of ${wanted.size} with ${this.members} instance(s) alive`);
  }

  /** Leaves every channel and releases its lease at once, so the others take over without waiting. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.round;
    await Promise.all([...this.held.keys()].map((c) => this.giveUp(c, 'shutting down')));
    await this.o.members.leave(this.o.group, this.o.owner).catch(() => undefined);
  }

  /** Stops answering, leaves, then releases the lease (in that order: never two answerers). */
  private async giveUp(channel: string, why: string): Promise<void> {
    this.lose(channel, why);
    await this.o.leases.release(this.key(channel), this.o.owner).catch(() => false);
  }

  private lose(channel: string, why: string): void {
    if (!this.held.delete(channel)) return;
    this.o.part(channel);
    this.o.log?.(`#${channel}: no longer answering here (${why})`);
  }

  private key(channel: string): string {
    return `${this.o.group}:channel:${channel}`;
  }

  private shuffled<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.random() * (i + 1));
      [items[i], items[j]] = [items[j] as T, items[i] as T];
    }
    return items;
  }
}

function normalize(channel: string): string {
  return channel.replace(/^#/, '').toLowerCase();
}
