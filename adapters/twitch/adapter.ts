import type { Bot } from '../../bot/bot.js';
import type { ChatMessage, Reply } from '../../bot/message.js';
import type { Outbound } from '../../bot/transcript.js';
import { ChannelStates } from './channel-state.js';
import { DefaultTwitchConnectionOptions, TwitchConnection, type TwitchConnectionOptions } from './connection.js';
import { PerUserQuota } from './per-user-quota.js';
import { toChatMessage } from './normalize.js';
import { planFor } from './plan.js';
import { renderForChat } from './render.js';
import { TwitchChatRules, type TwitchRules } from './rules.js';
import { TwitchScheduler, type SchedulerStats } from './scheduler.js';
import type { SharedChatBudget } from './shared-budget.js';
import { splitForChat } from './split.js';

export interface TwitchAdapterOptions {
  server: { host: string; port: number; secure: boolean };
  username: string;
  token: string;
  channels: readonly string[];
  /** The platform's limits; tests pass scaled-down copies. */
  rules?: TwitchRules;
  maxAnswerAgeMs?: number;
  /** Messages of one viewer handled per minute; more are ignored (floods). */
  inboundPerUserPerMinute?: number;
  /** Answers one viewer gets per minute, so one person can't use up the channel's share. */
  answersPerUserPerMinute?: number;
  connection?: Partial<Pick<TwitchConnectionOptions, 'reconnectInitialMs' | 'reconnectMaxMs' | 'stableAfterMs' | 'pingIntervalMs' | 'pingTimeoutMs' | 'joinTimeoutMs'>>;
  log?: (line: string) => void;
  /** Sees every message as the bot gets it (demo transcript, tests). */
  onMessage?: (message: ChatMessage) => void;
  /** Several instances on one account: the account's limits as all of them use them together. */
  shared?: SharedChatBudget;
  /**
   * Messages read from chat that the bot has not yet answered or let go. At this many the adapter
   * stops reading the socket (the rest of a flood waits in the server's and the kernel's buffers,
   * not in this process's memory) and reads again once half are done. Default 256.
   */
  maxInHand?: number;
  /**
   * Several instances: whether this one answers in `channel` now (it holds the channel's lease).
   * Messages in other channels are ignored and answers to them are not sent. Absent: every channel.
   */
  holds?: (channel: string) => boolean;
}

export interface TwitchStats extends SchedulerStats {
  received: number;
  /** Messages the bot is still working on (answers waiting for their turn to be sent included). */
  handling: number;
  /** Messages read that the bot has not yet answered or let go (what `maxInHand` bounds). */
  inHand: number;
  /** Times reading paused because `maxInHand` messages were in hand. */
  readPauses: number;
  /** Unaddressed lines the bot left unread because an answer to them would have gone stale (`Outbound.backlogged`). */
  leftUnread: number;
  /** Messages from one viewer beyond their per-minute share, ignored. */
  flooded: number;
  /** Messages in a channel another instance answers (while its lease moves), ignored. */
  notHeld: number;
  /** Answers not sent because the viewer already had their share this minute. */
  answersRefused: number;
  sessions: number;
}

/**
 * Twitch chat <-> the bot: tmi.js messages become ChatMessages, replies become threaded chat lines
 * that pass the account's one scheduler. Who gets answered is the bot's decision (gate, attend).
 */
export class TwitchAdapter {
  readonly connection: TwitchConnection;
  readonly scheduler: TwitchScheduler;
  private readonly channels = new ChannelStates();
  private readonly inbound: PerUserQuota;
  private readonly answers: PerUserQuota;
  private readonly log: (line: string) => void;
  private received = 0;
  private handling = 0;
  private inHand = 0;
  private leftUnread = 0;
  private readonly maxInHand: number;
  private readonly maxAnswerAgeMs: number;
  private notHeld = 0;

  constructor(private readonly bot: Bot, private readonly o: TwitchAdapterOptions) {
    const plan = planFor(o.rules ?? TwitchChatRules);
    this.log = o.log ?? ((line) => process.stdout.write(`crossfeed twitch: ${line}\n`));
    this.connection = new TwitchConnection({
      ...DefaultTwitchConnectionOptions, ...o.connection,
      server: o.server, username: o.username.toLowerCase(), token: o.token, plan, log: this.log,
      ...(o.shared ? { shared: o.shared } : {}),
    });
    this.maxAnswerAgeMs = o.maxAnswerAgeMs ?? 20_000;
    this.scheduler = new TwitchScheduler(this.connection, this.channels, {
      plan, maxAnswerAgeMs: this.maxAnswerAgeMs, maxPromotionAgeMs: 5 * 60_000, log: this.log,
      ...(o.shared ? { shared: o.shared } : {}), ...(o.holds ? { holds: o.holds } : {}),
    });
    this.maxInHand = o.maxInHand ?? 256;
    if (!Number.isInteger(this.maxInHand) || this.maxInHand < 1) throw new Error(`maxInHand must be a positive integer (got ${o.maxInHand})`);
    this.inbound = new PerUserQuota(o.inboundPerUserPerMinute ?? 30);
    this.answers = new PerUserQuota(o.answersPerUserPerMinute ?? 4);
    this.connection.on('userstate', (channel, tags) => this.channels.applyUserState(channel, tags));
    this.connection.on('roomstate', (channel, tags) => this.channels.applyRoomState(channel, tags));
    this.connection.on('disconnected', () => this.channels.resetStanding());
    this.connection.on('notice', (channel, id, text) => {
      if (id) this.log(`notice in #${channel}: ${id} ${text}`);
    });
    this.connection.on('message', (channel, tags, text) => this.onMessage(channel, tags, text));
  }

  start(): void {
    this.connection.start(this.o.channels);
  }

  join(channel: string): void {
    this.connection.join(channel);
  }

  part(channel: string): void {
    this.connection.part(channel);
  }

  stats(): TwitchStats {
    return { ...this.scheduler.stats, dropped: { ...this.scheduler.stats.dropped }, received: this.received, handling: this.handling, inHand: this.inHand, readPauses: this.connection.readPauses, leftUnread: this.leftUnread, notHeld: this.notHeld, flooded: this.inbound.refused, answersRefused: this.answers.refused, sessions: this.connection.sessions };
  }

  async stop(): Promise<void> {
    await this.scheduler.stop();
    await this.connection.stop();
  }

  private onMessage(channel: string, tags: Parameters<typeof toChatMessage>[1], text: string): void {
    if (this.o.holds && !this.o.holds(channel)) {
      this.notHeld++;
      return;
    }
    this.received++;
    let message: ChatMessage;
    try {
      message = toChatMessage(channel, tags, text, this.o.username, new Date());
    } catch (err) {
      this.log(`unreadable message in #${channel}: ${String(err)}`);
      return;
    }
    this.o.onMessage?.(message);
    if (!this.inbound.admit(message)) return;
    const receivedAt = Date.now();
    // In hand until the bot answers (the answer then waits in the scheduler, which bounds its own
    // queue by age) or lets the message go.
    let inHand = true;
    const letGo = () => {
      if (!inHand) return;
      inHand = false;
      if (--this.inHand <= this.maxInHand / 2) this.connection.resumeReading();
    };
    const out: Outbound = {
      send: async (reply: Reply) => {
        letGo();
        if (!this.answers.admit(message)) return false;
        // Mention the asker when not threading, so two viewers' identical answers differ too.
        const body = renderForChat(reply, message.user.displayName);
        const parts = splitForChat(body, (this.o.rules ?? TwitchChatRules).maxMessageChars);
        let sent = false;
        for (const part of parts) {
          const outcome = await this.scheduler.enqueue({ channel, text: part, kind: 'answer', createdAt: receivedAt, ...(message.id ? { replyParentId: message.id } : {}) });
          if (outcome === 'sent') sent = true;
        }
        // Dropped (stale, room mode): the viewer never saw it, so it counts as no impression.
        return sent;
      },
      // Unaddressed chat is left unread while an answer would wait more than half its allowed age:
      // it would reach the viewer late and take the slots that answers to addressed messages need.
      backlogged: () => {
        const full = this.scheduler.answerWaitMs(channel, receivedAt) > this.maxAnswerAgeMs / 2;
        if (full) this.leftUnread++;
        return full;
      },
    };
    this.handling++;
    if (++this.inHand >= this.maxInHand) this.connection.pauseReading();
    void this.bot.handle(message, out).finally(() => {
      this.handling--;
      letGo();
    });
  }
}
