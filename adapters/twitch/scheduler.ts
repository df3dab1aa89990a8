import { setMaxListeners } from 'node:events';
import Bottleneck from 'bottleneck';
import { observeSend } from '../../bot/metrics.js';
import { ChannelStates, normalizeChannel, roomBlocks, type ChannelView } from './channel-state.js';
import type { SendPlan } from './plan.js';
import { BUDGET_UNREACHABLE_RETRY_MS, type BudgetAnswer, type SharedChatBudget } from './shared-budget.js';
import { SlidingWindow } from './sliding-window.js';

/** One chat line waiting to go out. */
export interface OutboundLine {
  readonly channel: string;
  readonly text: string;
  /** Twitch reply threading: the message this answers. */
  readonly replyParentId?: string;
  /** Direct answers go before scheduled promotions. */
  readonly kind: 'answer' | 'promotion';
  /** When the message being answered arrived (ms, same clock as the scheduler's). */
  readonly createdAt: number;
}

/** `not_held`: another instance answers in this channel now (its lease moved, see bot/channel-assignment.ts). */
export type DropReason = 'stale' | 'duplicate' | 'emote_only' | 'followers_only' | 'subs_only' | 'not_connected' | 'not_held' | 'stopped';
export type SendOutcome = 'sent' | DropReason;

/** How long answerWaitMs may reuse its plan when nothing was queued or left the queue since. */
const SLOT_MEMO_MS = 100;

/** Where lines finally go: the live connection. */
export interface ChatTransport {
  /** Connected and joined to the channel (Twitch drops what is sent to a channel not joined). */
  canSend(channel: string): boolean;
  /** Resolves once `canSend(channel)`; rejects if `signal` aborts first. */
  whenReady(channel: string, signal: AbortSignal): Promise<void>;
  send(channel: string, text: string, replyParentId?: string): void;
}

export interface SchedulerOptions {
  plan: SendPlan;
  /** An answer older than this is dropped instead of being sent late. */
  maxAnswerAgeMs: number;
  maxPromotionAgeMs: number;
  now?: () => number;
  /**
   * Several instances on one account: every line also takes a slot here (account window, channel
   * gap, duplicate rule across instances). Absent: this process is the account's only sender.
   */
  shared?: SharedChatBudget;
  /** Whether this instance may answer in `channel` now (it holds the channel's lease). Absent: always. */
  holds?: (channel: string) => boolean;
  log?: (line: string) => void;
}

export interface SchedulerStats {
  /** Lines queued and not yet sent or dropped. */
  queued: number;
  sent: number;
  dropped: Record<DropReason, number>;
}

/**
 * The one outbound queue of a Twitch account: a lane per channel (order and per-channel pacing)
 * inside an account-wide queue (the 20/100-per-30-s limits, answers before promotions). Nothing
 * reaches the socket except through here; everything that is not sent is counted with a reason.
 */
export class TwitchScheduler {
  readonly stats: SchedulerStats = {
    queued: 0,
    sent: 0,
    dropped: { stale: 0, duplicate: 0, emote_only: 0, followers_only: 0, subs_only: 0, not_connected: 0, not_held: 0, stopped: 0 },
  };
  private readonly account = new Bottleneck({ maxConcurrent: 1 });
  private readonly lanes = new Map<string, Bottleneck>();
  private readonly window: SlidingWindow;
  private readonly now: () => number;
  private readonly stopping = new AbortController();
  private sharedErrorLoggedAt = Number.NEGATIVE_INFINITY;
  /** Per channel, the deadlines of the answers queued and not yet sent or dropped, in queue order. */
  private readonly waitingAnswers = new Map<string, { deadline: number }[]>();
  /** nextAnswerSlot's last result per channel, reused for SLOT_MEMO_MS while no line was queued, sent or dropped. */
  private readonly slotMemo = new Map<string, { at: number; changes: number; value: number }>();
  private changes = 0;

  constructor(
    private readonly transport: ChatTransport,
    readonly channels: ChannelStates,
    private readonly o: SchedulerOptions,
  ) {
    this.window = new SlidingWindow(o.plan.windowMs);
    // Every line waiting for a reconnect listens for stop(); hundreds may wait at once.
    setMaxListeners(0, this.stopping.signal);
    this.now = o.now ?? Date.now;
  }

  /** Queues a line; resolves with what happened to it. Never rejects. */
  enqueue(line: OutboundLine): Promise<SendOutcome> {
    const channel = normalizeChannel(line.channel);
    let lane = this.lanes.get(channel);
    if (!lane) {
      lane = new Bottleneck({ maxConcurrent: 1 });
      this.lanes.set(channel, lane);
    }
    const priority = line.kind === 'answer' ? 2 : 7;
    this.stats.queued++;
    const queuedAt = this.now();
    const waiting = line.kind === 'answer' ? this.waitingIn(channel) : undefined;
    const entry = { deadline: line.createdAt + this.o.maxAnswerAgeMs };
    waiting?.push(entry);
    this.changes++;
    return lane
      .schedule({ priority }, () => this.throughLane(channel, line, priority))
      .catch(() => this.drop('stopped'))
      .then((outcome) => (observeSend('twitch', outcome, this.now() - queuedAt), outcome))
      .finally(() => {
        this.stats.queued--;
        this.changes++;
        if (waiting) waiting.splice(waiting.indexOf(entry), 1);
      });
  }

  /**
   * When an answer queued now could be sent at the earliest, as a wait from now (0: at once;
   * Infinity: it would go stale first, `createdAt + maxAnswerAgeMs`). The answers queued ahead of
   * it in the channel are played forward on this channel's gap and the account's window (one that
   * would be too late itself is dropped and takes no slot). Other channels, other instances and
   * the time the bot needs to answer only make the real wait longer.
   */
  answerWaitMs(channel: string, createdAt: number): number {
    const key = normalizeChannel(channel);
    const now = this.now();
    const sendAt = this.nextAnswerSlot(key, now);
    return sendAt > createdAt + this.o.maxAnswerAgeMs ? Number.POSITIVE_INFINITY : Math.max(0, sendAt - now);
  }

  private nextAnswerSlot(channel: string, now: number): number {
    const memo = this.slotMemo.get(channel);
    if (memo && memo.changes === this.changes && now - memo.at >= 0 && now - memo.at < SLOT_MEMO_MS) return memo.value;
    const view = this.channels.get(channel);
    const gap = this.channelGap(channel);
    const slots = this.window.playForward(this.limitFor(view), now);
    let at = Math.max(now, view.lastSentAt + gap);
    for (const { deadline } of this.waitingAnswers.get(channel) ?? []) {
      const sendAt = slots.next(at);
      if (sendAt > deadline) continue;
      slots.take(sendAt);
      at = sendAt + gap;
    }
    const value = slots.next(at);
    this.slotMemo.set(channel, { at: now, changes: this.changes, value });
    return value;
  }

  private waitingIn(channel: string): { deadline: number }[] {
    let list = this.waitingAnswers.get(channel);
    if (!list) this.waitingAnswers.set(channel, (list = []));
    return list;
  }

  /** Messages sent in the current window (for stats and tests). */
  sentInWindow(): number {
    return this.window.count(this.now());
  }

  /** Drops whatever is queued; queued promises resolve with 'stopped'. */
  async stop(): Promise<void> {
    this.stopping.abort();
    const lanes = [...this.lanes.values()];
    await Promise.all([this.account, ...lanes].map((l) => l.stop({ dropWaitingJobs: true }).catch(() => undefined)));
  }

  private async throughLane(channel: string, line: OutboundLine, priority: number): Promise<SendOutcome> {
    const deadline = line.createdAt + (line.kind === 'answer' ? this.o.maxAnswerAgeMs : this.o.maxPromotionAgeMs);
    const view = this.channels.get(channel);
    // Per-channel pacing first, so one busy channel waits in its own lane, not in the account queue.
    const gap = this.channelGap(channel);
    const laneWait = view.lastSentAt + gap - this.now();
    if (laneWait > 0) {
      if (this.now() + laneWait > deadline) return this.drop('stale');
      await this.sleep(laneWait);
    }
    return this.account.schedule({ priority }, () => this.sendNow(channel, line, deadline));
  }

  private async sendNow(channel: string, line: OutboundLine, deadline: number): Promise<SendOutcome> {
    // Too old already (slow to answer, or queued behind others): late answers are dropped, not sent.
    if (this.now() > deadline) return this.drop('stale');
    if (!this.transport.canSend(channel)) {
      if (this.stopping.signal.aborted) return this.drop('stopped');
      // Paused while disconnected or rejoining; what goes stale meanwhile is dropped, not flooded out later.
      const wait = deadline - this.now();
      if (wait <= 0) return this.drop('stale');
      const signal = AbortSignal.any([AbortSignal.timeout(wait), this.stopping.signal]);
      try {
        await this.transport.whenReady(channel, signal);
      } catch {
        return this.drop(this.stopping.signal.aborted ? 'stopped' : 'stale');
      }
    }
    const view = this.channels.get(channel);
    for (;;) {
      for (;;) {
        // Standing can change while waiting (a USERSTATE after reconnect), so re-plan each time.
        const wait = Math.max(this.window.waitFor(this.limitFor(view), this.now()), view.lastSentAt + this.channelGap(channel) - this.now());
        if (wait <= 0) break;
        if (this.now() + wait > deadline) return this.drop('stale');
        await this.sleep(wait);
        if (this.stopping.signal.aborted) return this.drop('stopped');
      }
      const blocked = roomBlocks(view);
      if (blocked) return this.drop(blocked);
      if (!view.privileged && view.lastText === line.text && this.now() - view.lastSentAt < this.o.plan.duplicateWindowMs) {
        return this.drop('duplicate');
      }
      if (this.o.holds && !this.o.holds(channel)) return this.drop('not_held');
      if (!this.transport.canSend(channel)) return this.drop('not_connected');
      if (!this.o.shared) break;
      // What the other instances sent counts too: take a slot from the shared budget, or wait.
      const answer = await this.takeShared(channel, line.text, view);
      if (answer.granted) {
        if (this.o.holds && !this.o.holds(channel)) return this.drop('not_held');
        if (!this.transport.canSend(channel)) return this.drop('not_connected');
        break;
      }
      if ('duplicate' in answer) return this.drop('duplicate');
      if (this.now() + answer.waitMs > deadline) return this.drop('stale');
      await this.sleep(answer.waitMs);
      if (this.stopping.signal.aborted) return this.drop('stopped');
    }
    const now = this.now();
    // Recorded before sending: Twitch counts a message even when it drops it.
    this.window.record(now);
    view.lastSentAt = now;
    view.lastText = line.text;
    this.transport.send(channel, line.text, line.replyParentId);
    this.stats.sent++;
    return 'sent';
  }

  private limitFor(view: ChannelView): number {
    return view.privileged ? this.o.plan.privilegedLimit : this.o.plan.userLimit;
  }

  /** A slot from the shared budget; unreachable means wait and ask again, never send unchecked. */
  private async takeShared(channel: string, text: string, view: ChannelView): Promise<BudgetAnswer> {
    try {
      return await this.o.shared!.takeMessage({
        channel, text, limit: this.limitFor(view), windowMs: this.o.plan.windowMs, gapMs: this.channelGap(channel),
        duplicateWindowMs: view.privileged ? 0 : this.o.plan.duplicateWindowMs,
      });
    } catch (err) {
      const now = this.now();
      if (now - this.sharedErrorLoggedAt > 10_000) {
        this.sharedErrorLoggedAt = now;
        this.o.log?.(`shared send budget unreachable, holding answers back: ${err instanceof Error ? err.message : String(err)}`);
      }
      return { granted: false, waitMs: BUDGET_UNREACHABLE_RETRY_MS };
    }
  }

  private channelGap(channel: string): number {
    const view = this.channels.get(channel);
    if (view.privileged) return 0;
    const slow = view.room.slowSeconds > 0 ? view.room.slowSeconds * 1000 + this.o.plan.slowModeMarginMs : 0;
    return Math.max(this.o.plan.channelGapMs, slow);
  }

  private drop(reason: DropReason): SendOutcome {
    this.stats.dropped[reason]++;
    return reason;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, Math.ceil(ms));
      const signal = this.stopping.signal;
      signal.addEventListener('abort', done, { once: true });
      function done() {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      }
    });
  }
}
