import Bottleneck from 'bottleneck';
import { observeSend } from '../../bot/metrics.js';

/** One channel message waiting to go out. */
export interface OutboundMessage {
  readonly channelId: string;
  /** When the message being answered arrived (ms, the scheduler's clock). */
  readonly createdAt: number;
  /** Does the sending; discord.js's REST queue then keeps Discord's per-route buckets and 429s. */
  readonly send: () => Promise<unknown>;
}

export type DiscordDropReason = 'stale' | 'failed' | 'stopped';
export type DiscordSendOutcome = 'sent' | DiscordDropReason;

export interface DiscordSchedulerOptions {
  /** Least time between two messages in one channel (Discord allows 5 per 5 s per channel). */
  channelGapMs: number;
  /** An answer not sent within this time of its question is dropped, not sent late. */
  maxAnswerAgeMs: number;
  now?: () => number;
  /** Where a failed send is reported (a deleted channel, missing permissions). */
  onError?: (channelId: string, err: unknown) => void;
}

export const DefaultDiscordSchedulerOptions = { channelGapMs: 1_100, maxAnswerAgeMs: 20_000 } as const satisfies Partial<DiscordSchedulerOptions>;

export interface DiscordSchedulerStats {
  queued: number;
  sent: number;
  dropped: Record<DiscordDropReason, number>;
}

/**
 * The account's outbound queue for plain channel messages (interaction responses don't count
 * against Discord's limits and skip it): a bottleneck lane per channel keeps order and spacing, so
 * one busy channel can't make discord.js queue behind its bucket; stale answers are dropped and
 * counted, so a reconnect never releases a burst of old answers.
 */
export class DiscordScheduler {
  readonly stats: DiscordSchedulerStats = { queued: 0, sent: 0, dropped: { stale: 0, failed: 0, stopped: 0 } };
  private readonly lanes = new Map<string, Bottleneck>();
  private readonly now: () => number;

  constructor(private readonly o: DiscordSchedulerOptions) {
    this.now = o.now ?? Date.now;
  }

  /** Resolves with what happened to the message. Never rejects. */
  enqueue(m: OutboundMessage): Promise<DiscordSendOutcome> {
    let lane = this.lanes.get(m.channelId);
    if (!lane) {
      lane = new Bottleneck({ maxConcurrent: 1, minTime: this.o.channelGapMs });
      this.lanes.set(m.channelId, lane);
    }
    this.stats.queued++;
    const queuedAt = this.now();
    return lane.schedule(() => this.sendNow(m))
      .catch(() => this.drop('stopped'))
      .then((outcome) => (observeSend('discord', outcome, this.now() - queuedAt), outcome))
      .finally(() => void this.stats.queued--);
  }

  async stop(): Promise<void> {
    await Promise.all([...this.lanes.values()].map((l) => l.stop({ dropWaitingJobs: true }).catch(() => undefined)));
  }

  private async sendNow(m: OutboundMessage): Promise<DiscordSendOutcome> {
    if (this.now() - m.createdAt > this.o.maxAnswerAgeMs) return this.drop('stale');
    try {
      await m.send();
    } catch (err) {
      this.o.onError?.(m.channelId, err);
      return this.drop('failed');
    }
    this.stats.sent++;
    return 'sent';
  }

  private drop(reason: DiscordDropReason): DiscordSendOutcome {
    this.stats.dropped[reason]++;
    return reason;
  }
}
