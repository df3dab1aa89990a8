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
  concurrency: 8,
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
  visitor: string;
  run: () => Promise<void>;
  queuedAt: number;
}

interface Source {
  /** Visitors with waiting work, served in turn. */
  visitors: Map<string, Job[]>;
  size: number;
}

const RECENT_ANSWERS = 50;
/** Recent answers older than this no longer count as "late". */
const RECENT_WINDOW_MS = 30_000;

export class WorkIntake {
  private readonly o: IntakeOptions;
  /** Sources with waiting work, in serving order (Map keeps insertion order; served ones move to the back). */
  private readonly sources = new Map<string, Source>();
  private readonly busyVisitors = new Set<string>();
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
    const s = this.sources.get(source);
    if (this.queuedCount >= this.o.maxQueued || (s?.size ?? 0) >= this.o.maxQueuedPerSource) {
      this.totals.shed += 1;
      return 'busy';
    }
    const src = s ?? { visitors: new Map<string, Job[]>(), size: 0 };
    if (!s) this.sources.set(source, src);
    const jobs = src.visitors.get(visitor) ?? [];
    jobs.push({ visitor, run, queuedAt: this.o.now() });
    src.visitors.set(visitor, jobs);
    src.size += 1;
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
    this.sources.clear();
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
    for (const src of this.sources.values()) for (const jobs of src.visitors.values()) if (jobs[0] && jobs[0].queuedAt < oldest) oldest = jobs[0].queuedAt;
    const recent = this.recent.filter((r) => t - r.at <= RECENT_WINDOW_MS).map((r) => r.ms).sort((a, b) => a - b);
    return {
      queued: this.queuedCount,
      inFlight: this.inFlightCount,
      sources: this.sources.size,
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
      this.busyVisitors.add(job.visitor);
      void job.run().catch(() => undefined).finally(() => {
        const t = this.o.now();
        this.recent.push({ at: t, ms: t - job.queuedAt });
        if (this.recent.length > RECENT_ANSWERS) this.recent.shift();
        this.totals.answered += 1;
        this.inFlightCount -= 1;
        this.busyVisitors.delete(job.visitor);
        this.pump();
        this.settleIdle();
      });
    }
  }

  /** The next job in turn: first source in line, its first visitor not already with the bot. */
  private takeNext(): Job | undefined {
    for (const [key, src] of this.sources) {
      for (const [visitor, jobs] of src.visitors) {
        if (this.busyVisitors.has(visitor)) continue;
        const job = jobs.shift()!;
        src.visitors.delete(visitor);
        if (jobs.length) src.visitors.set(visitor, jobs); // to the back of its source's line
        src.size -= 1;
        this.queuedCount -= 1;
        this.sources.delete(key);
        if (src.size > 0) this.sources.set(key, src); // to the back of the line of sources
        return job;
      }
    }
    return undefined;
  }

  private settleIdle(): void {
    if (this.inFlightCount === 0 && this.queuedCount === 0) this.idleWaiters.splice(0).forEach((w) => w());
  }
}
