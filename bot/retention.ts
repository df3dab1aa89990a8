import type { PrivacyStore } from '../data/support.js';

const DAY_MS = 86_400_000;

export interface RetentionOptions {
  retentionDays: number;
  /** How often the purge runs after the first one (default daily). */
  everyMs?: number;
  now?: () => Date;
  onPurged?: (r: { messages: number; queueEntries: number; cutoff: Date }) => void;
  onError?: (err: unknown) => void;
}

/** Deletes transcripts older than `support.retentionDays`: once at start, then daily. */
export class RetentionJob {
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly privacy: PrivacyStore, private readonly o: RetentionOptions) {}

  async runOnce(): Promise<{ messages: number; queueEntries: number; cutoff: Date }> {
    const now = (this.o.now ?? (() => new Date()))();
    const cutoff = new Date(now.getTime() - this.o.retentionDays * DAY_MS);
    const r = { ...(await this.privacy.purgeBefore(cutoff)), cutoff };
    this.o.onPurged?.(r);
    return r;
  }

  start(): void {
    this.stop();
    this.timer = setInterval(() => void this.runOnce().catch((err) => this.o.onError?.(err)), this.o.everyMs ?? DAY_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
