/**
 * The web chat's bounded, fair queue of work in front of the bot.
 *
 * Every message waits in the queue of its source (the client address), and within it in the queue
 * of its visitor. Sources are served in turn, and within a source its visitors in turn, so a noisy
 * address or visitor only ever delays itself. At most `concurrency` messages are with the bot at
 * once, and at most one per visitor (the bot answers a visitor's messages in order anyway). Past
 * `maxQueued` in all, or `maxQueuedPerSource` from one address, a new message is refused at once
 * (the socket answers "busy"): the newest arrivals are shed, nobody already waiting is delayed.
 */

export interface IntakeOptions {
  /** Messages with the bot at once. */
  concurrency: number;
  /** Messages waiting in all; past it new ones are shed. */
  maxQueued: number;
  /** Messages waiting from one client address; past it that address's new ones are shed. */
  maxQueuedPerSource: number;
  /** Readiness says "degraded" from this many waiting messages... */
  degradedQueued: number;
  /** ...or when a message has waited, or recent answers took, longer than this. */
  lateAnswerMs: number;
  now: () => number;
}

export const DefaultIntakeOptions = {
  concurrency: 4,
  maxQueued: 256,
  maxQueuedPerSource: 32,
  degradedQueued: 128,
  lateAnswerMs: 3000,
  now: () => Date.now(),
} as const satisfies Required<IntakeOptions>;

export type SubmitResult = 'queued' | 'busy' | 'stopped';

/** Figures for readiness and /metrics. */
export interface IntakeStats {
  queued: number;
  inFlight: number;
  /** Client addresses with work waiting. */
  sources: number;
  /** Milliseconds the oldest waiting message has waited (0 when none). */
  oldestWaitMs: number;
  /** The slowest of the recent answers' queue-to-answer times, 90th percentile (0 when none). */
  recentAnswerP90Ms: number;
  /** Totals since start. */
  accepted: number;
  shed: number;
  answered: number;
  dropped: number;
}

export interface Readiness {
  status: 'ok' | 'degraded';
  reasons: string[];
}

interface Job {
  source: string;
  visitor: string;
  run: () => Promise<void>;
  queuedAt: number;
}

/** A source's or visitor's line: kept while it has work waiting or with the bot, so its turn is remembered. */
interface Line<T> {
  items: T;
  /** Waiting jobs. */
  size: number;
  inFlight: number;
  /** When it was last served (a tick); 0 = never. The line served longest ago goes next. */
  servedAt: number;
}

const RECENT_ANSWERS = 50;
/** Recent answers older than this no longer count as "late". */
const RECENT_WINDOW_MS = 30_000;

export class WorkIntake {
  private readonly o: IntakeOptions;
  private readonly sources = new Map<string, Line<Map<string, Line<Job[]>>>>();
  private tick = 0;
  private queuedCount = 0;
  private inFlightCount = 0;
  private stopped = false;
  private readonly recent: { at: number; ms: number }[] = [];
  private readonly idleWaiters: (() => void)[] = [];
  private readonly totals = { accepted: 0, shed: 0, answered: 0, dropped: 0 };

  constructor(options: Partial<IntakeOptions> = {}) {
    this.o = { ...DefaultIntakeOptions, ...options };
  }

  /** Queues `run` for `visitor` from `source`; 'busy' when the queue is full for it (nothing queued). */
  submit(source: string, visitor: string, run: () => Promise<void>): SubmitResult {
    if (this.stopped) return 'stopped';
    const src = this.sources.get(source);
    if (this.queuedCount >= this.o.maxQueued || (src?.size ?? 0) >= this.o.maxQueuedPerSource) {
      this.totals.shed += 1;
      return 'busy';
    }
    const line = src ?? { items: new Map<string, Line<Job[]>>(), size: 0, inFlight: 0, servedAt: 0 };
    this.sources.set(source, line);
    const v = line.items.get(visitor) ?? { items: [], size: 0, inFlight: 0, servedAt: 0 };
    line.items.set(visitor, v);
    v.items.push({ source, visitor, run, queuedAt: this.o.now() });
    v.size += 1;
    line.size += 1;
    this.queuedCount += 1;
    this.totals.accepted += 1;
    this.pump();
    return 'queued';
  }

  /**
   * Stops intake for good (later submits answer 'stopped') and drops every waiting message;
   * returns how many were dropped. Messages already with the bot go on: await `idle()` for them.
   */
  stop(): number {
    this.stopped = true;
    const dropped = this.queuedCount;
    for (const [key, src] of this.sources) {
      for (const [visitor, v] of src.items) {
        v.items.length = 0;
        v.size = 0;
        if (v.inFlight === 0) src.items.delete(visitor);
      }
      src.size = 0;
      if (src.inFlight === 0) this.sources.delete(key);
    }
    this.queuedCount = 0;
    this.totals.dropped += dropped;
    this.settleIdle();
    return dropped;
  }

  /** Resolves once nothing is with the bot and nothing waits. */
  idle(): Promise<void> {
    if (this.inFlightCount === 0 && this.queuedCount === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  stats(): IntakeStats {
    const t = this.o.now();
    let oldest = t;
    for (const src of this.sources.values()) for (const v of src.items.values()) if (v.items[0] && v.items[0].queuedAt < oldest) oldest = v.items[0].queuedAt;
    const recent = this.recent.filter((r) => t - r.at <= RECENT_WINDOW_MS).map((r) => r.ms).sort((a, b) => a - b);
    return {
      queued: this.queuedCount,
      inFlight: this.inFlightCount,
      sources: [...this.sources.values()].filter((src) => src.size > 0).length,
      oldestWaitMs: t - oldest,
      recentAnswerP90Ms: recent.length ? recent[Math.min(recent.length - 1, Math.floor(recent.length * 0.9))]! : 0,
      ...this.totals,
    };
  }

  /** "degraded" when the queue is past its threshold or answers are late; the reasons name which. */
  readiness(): Readiness {
    const s = this.stats();
    const reasons: string[] = [];
    if (s.queued >= this.o.degradedQueued) reasons.push(`queue: ${s.queued} messages waiting (threshold ${this.o.degradedQueued})`);
    if (s.oldestWaitMs >= this.o.lateAnswerMs) reasons.push(`late: a message has waited ${s.oldestWaitMs} ms (threshold ${this.o.lateAnswerMs} ms)`);
    if (s.recentAnswerP90Ms >= this.o.lateAnswerMs) reasons.push(`late: recent answers took ${s.recentAnswerP90Ms} ms (90th percentile; threshold ${this.o.lateAnswerMs} ms)`);
    return { status: reasons.length ? 'degraded' : 'ok', reasons };
  }

  private pump(): void {
    while (this.inFlightCount < this.o.concurrency) {
      const job = this.takeNext();
      if (!job) return;
      this.inFlightCount += 1;
      void job.run().catch(() => undefined).finally(() => {
        const t = this.o.now();
        this.recent.push({ at: t, ms: t - job.queuedAt });
        if (this.recent.length > RECENT_ANSWERS) this.recent.shift();
        this.totals.answered += 1;
        this.inFlightCount -= 1;
        this.release(job);
        this.pump();
        this.settleIdle();
      });
    }
  }

  /**
   * The next job in turn: of the sources with work waiting, the one served longest ago; in it, of
   * the visitors with work waiting and nothing with the bot, the one served longest ago.
   */
  private takeNext(): Job | undefined {
    let best: { src: Line<Map<string, Line<Job[]>>>; v: Line<Job[]> } | undefined;
    for (const src of this.sources.values()) {
      if (src.size === 0 || (best && best.src.servedAt <= src.servedAt)) continue;
      let pick: Line<Job[]> | undefined;
      for (const v of src.items.values()) if (v.size > 0 && v.inFlight === 0 && (!pick || v.servedAt < pick.servedAt)) pick = v;
      if (pick) best = { src, v: pick };
    }
    if (!best) return undefined;
    const job = best.v.items.shift()!;
    this.tick += 1;
    best.src.servedAt = best.v.servedAt = this.tick;
    best.v.size -= 1;
    best.v.inFlight += 1;
    best.src.size -= 1;
    best.src.inFlight += 1;
    this.queuedCount -= 1;
    return job;
  }

  /** A job is done: its lines are forgotten once nothing of theirs waits or runs. */
  private release(job: Job): void {
    const src = this.sources.get(job.source);
    if (!src) return;
    src.inFlight -= 1;
    const v = src.items.get(job.visitor);
    if (v) {
      v.inFlight -= 1;
      if (v.size === 0 && v.inFlight === 0) src.items.delete(job.visitor);
    }
    if (src.size === 0 && src.inFlight === 0) this.sources.delete(job.source);
  }

  private settleIdle(): void {
    if (this.inFlightCount === 0 && this.queuedCount === 0) this.idleWaiters.splice(0).forEach((w) => w());
  }
}
