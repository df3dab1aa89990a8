import type { LeaseStore } from '../data/leases.js';

/**
 * A job that must run on one instance at a time (retention purge, the collaborative retraining
 * schedule). Every instance runs an ElectedJob for it; they compete for the lease `job:<name>`.
 * The holder renews the lease every `renewMs` and runs the job every `everyMs`; the others stand
 * by, trying the lease at the same pace, and the first to find it free after the holder died
 * (stopped renewing for `ttlMs`) takes over. `stop()` releases the lease at once, so a standby
 * takes over at its next try instead of after the expiry.
 *
 * When the lease store cannot be reached (Redis away) the holder steps down: it cannot prove it
 * still holds the lease, and another instance may take it once it expires. Nobody runs the job
 * until the store answers again; then the instances compete as at start.
 *
 * Pure scheduling: the clock and the timer are injected, `tick()` is one step (tests drive it).
 */
export interface ElectedJobOptions {
  name: string;
  /** This instance's name (the lease's holder). */
  owner: string;
  leases: LeaseStore;
  /** The work; a run that fails is reported and the next one comes at the usual time. */
  run: () => Promise<unknown>;
  everyMs: number;
  /** The lease's time-to-live: how long a dead holder keeps the job (default 30 s). */
  ttlMs?: number;
  /** How often the lease is renewed or tried (default ttlMs / 3). */
  renewMs?: number;
  /** Whether a new holder runs the job at once (true) or `everyMs` after taking over. */
  runOnTakeover?: boolean;
  now?: () => number;
  /** The timer `start()` uses; by default setInterval, unref'd. */
  every?: (ms: number, f: () => void) => () => void;
  /** Taking over, stepping down, failed runs. */
  log?: (line: string) => void;
}

export type ElectedState = 'leader' | 'standby' | 'stopped';

export class ElectedJob {
  private leader = false;
  private stopped = false;
  private nextRunAt = 0;
  private running: Promise<void> | undefined;
  private ticking: Promise<void> | undefined;
  private cancel: (() => void) | undefined;
  private storeDown = false;
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(private readonly o: ElectedJobOptions) {
    this.ttlMs = o.ttlMs ?? 30_000;
    this.now = o.now ?? Date.now;
  }

  get key(): string {
    return `job:${this.o.name}`;
  }

  get state(): ElectedState {
    return this.stopped ? 'stopped' : this.leader ? 'leader' : 'standby';
  }

  /** Tries (or renews) the lease now and then every `renewMs`. */
  start(): void {
    if (this.cancel || this.stopped) return;
    const every = this.o.every ?? ((ms, f) => {
      const t = setInterval(f, ms);
      t.unref();
      return () => clearInterval(t);
    });
    this.cancel = every(this.o.renewMs ?? Math.max(1, Math.floor(this.ttlMs / 3)), () => void this.tick());
    void this.tick();
  }

  /** One step: hold (take or renew) the lease, and run the job when it is due. Concurrent calls share one step. */
  tick(): Promise<void> {
    this.ticking ??= this.step().finally(() => (this.ticking = undefined));
    return this.ticking;
  }

  /** Resolves once a run under way (if any) is over; for tests and shutdown. */
  async settled(): Promise<void> {
    await this.ticking;
    await this.running;
  }

  /** Stops trying and gives the lease up at once (a standby takes over at its next try). Does not wait for a run under way. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.cancel?.();
    this.cancel = undefined;
    await this.ticking?.catch(() => undefined);
    const was = this.leader;
    this.leader = false;
    if (was) await this.o.leases.release(this.key, this.o.owner).catch(() => false);
  }

  private async step(): Promise<void> {
    if (this.stopped) return;
    let holds: boolean;
    try {
      holds = this.leader
        ? await this.o.leases.renew(this.key, this.o.owner, this.ttlMs)
        : await this.o.leases.acquire(this.key, this.o.owner, this.ttlMs);
      if (this.storeDown) this.o.log?.(`job ${this.o.name}: lease store answers again`);
      this.storeDown = false;
    } catch (err) {
      if (!this.storeDown) this.o.log?.(`job ${this.o.name}: lease store unreachable (${err instanceof Error ? err.message : String(err)}); paused`);
      this.storeDown = true;
      holds = false;
    }
    if (this.stopped) {
      // stop() came while the lease was being taken: give it back.
      if (holds) await this.o.leases.release(this.key, this.o.owner).catch(() => false);
      return;
    }
    if (holds && !this.leader) {
      this.leader = true;
      this.nextRunAt = this.o.runOnTakeover ? this.now() : this.now() + this.o.everyMs;
      this.o.log?.(`job ${this.o.name}: this instance runs it now`);
    } else if (!holds && this.leader) {
      this.leader = false;
      this.o.log?.(`job ${this.o.name}: lease lost; standing by`);
    }
    if (this.leader && !this.running && this.now() >= this.nextRunAt) {
      this.nextRunAt = this.now() + this.o.everyMs;
      this.running = Promise.resolve().then(() => this.o.run())
        .then(() => undefined, (err: unknown) => this.o.log?.(`job ${this.o.name} failed: ${err instanceof Error ? err.message : String(err)}`))
        .finally(() => (this.running = undefined));
    }
  }
}
