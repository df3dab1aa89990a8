import { once } from 'node:events';
import { Client, Events, GatewayIntentBits, Partials, type ApplicationCommandData, type Message } from 'discord.js';
import type { Bot } from '../../bot/bot.js';
import type { ChatMessage, Reply } from '../../bot/message.js';
import type { Outbound } from '../../bot/transcript.js';
import { SlashCommands } from './commands.js';
import { describe, InteractionHandler, type InteractionStats } from './interactions.js';
import { toChatMessage } from './normalize.js';
import { renderForDiscord } from './render.js';
import { DefaultDiscordSchedulerOptions, DiscordScheduler, type DiscordSchedulerStats } from './scheduler.js';
import type { DiscordChannelSettings } from './settings.js';

export interface DiscordAdapterOptions {
  token: string;
  /** REST base (discord.js `rest.api`); the gateway address comes from `GET /gateway/bot` there. */
  api?: string;
  /** Register the slash commands in this guild only (development: they appear at once). Global otherwise. */
  guildId?: string;
  /** The privileged Message Content intent, enabled in the developer portal: unaddressed messages get content. */
  messageContent?: boolean;
  /** Shards this client runs; absent = discord.js decides (one, or what the ShardingManager gave this process). */
  shards?: readonly number[];
  shardCount?: number;
  /** Register slash commands on start; default: the client that runs shard 0. */
  registerCommands?: boolean;
  maxAnswerAgeMs?: number;
  channelGapMs?: number;
  /** Where `/crossfeed` stores channel settings; absent = the command answers that it can't. */
  settings?: DiscordChannelSettings;
  log?: (line: string) => void;
  /** Sees every message as the bot gets it (tests). */
  onMessage?: (message: ChatMessage) => void;
}

export interface DiscordStats extends DiscordSchedulerStats, InteractionStats {
  received: number;
  /** Gateway events seen twice (a replay after a resume) and ignored the second time. */
  duplicates: number;
  handling: number;
  resumes: number;
}

/** How many handled message and interaction ids are remembered to ignore replays. */
const SeenIds = 5_000;

/**
 * Discord <-> the bot with discord.js: mentions, replies to the bot and DMs become ChatMessages
 * whose answers pass the per-channel scheduler; slash commands and card buttons are interactions
 * (acknowledged at once, answered by editing). Who gets answered is the bot's decision.
 */
export class DiscordAdapter {
  readonly client: Client;
  readonly scheduler: DiscordScheduler;
  private readonly interactions: InteractionHandler;
  private readonly log: (line: string) => void;
  private readonly seen = new Set<string>();
  private readonly working = new Set<Promise<void>>();
  private received = 0;
  private duplicates = 0;
  private resumes = 0;

  constructor(private readonly bot: Bot, private readonly o: DiscordAdapterOptions) {
    this.log = o.log ?? ((line) => process.stdout.write(`crossfeed discord: ${line}\n`));
    const intents = [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.DirectMessages];
    if (o.messageContent) intents.push(GatewayIntentBits.MessageContent);
    this.client = new Client({
      intents,
      // DM channels are not cached before their first message; without this discord.js drops DMs.
      partials: [Partials.Channel],
      ...(o.api ? { rest: { api: o.api } } : {}),
      ...(o.shards ? { shards: [...o.shards], shardCount: o.shardCount ?? o.shards.length } : {}),
    });
    this.scheduler = new DiscordScheduler({
      channelGapMs: o.channelGapMs ?? DefaultDiscordSchedulerOptions.channelGapMs,
      maxAnswerAgeMs: o.maxAnswerAgeMs ?? DefaultDiscordSchedulerOptions.maxAnswerAgeMs,
      onError: (channelId, err) => this.log(`send to channel ${channelId} failed: ${describe(err)}`),
    });
    this.interactions = new InteractionHandler({
      bot, log: this.log, settings: o.settings, track: (w) => this.track(w),
    });
    this.client.on(Events.MessageCreate, (m) => this.onMessage(m));
    this.client.on(Events.InteractionCreate, (i) => {
      if (this.firstTime(`i${i.id}`)) this.interactions.handle(i);
      else this.duplicates++;
    });
    this.client.on(Events.Error, (err) => this.log(`client error: ${describe(err)}`));
    this.client.on(Events.ShardError, (err, shard) => this.log(`shard ${shard} error: ${describe(err)}`));
    this.client.on(Events.ShardDisconnect, (event, shard) => this.log(`shard ${shard} disconnected (${event.code})`));
    this.client.on(Events.ShardResume, (shard) => {
      this.resumes++;
      this.log(`shard ${shard} resumed`);
    });
    this.client.on(Events.ChannelDelete, (c) => this.log(`channel ${c.id} was deleted`));
  }

  /** Logs in, waits for READY, then registers the slash commands (guild-scoped when `guildId` is set). */
  async start(): Promise<void> {
    const ready = once(this.client, Events.ClientReady);
    await this.client.login(this.o.token);
    await ready;
    const shards = this.o.shards ?? this.client.shard?.ids ?? [0];
    if (this.o.registerCommands ?? shards.includes(0)) await this.registerCommands();
  }

  /**
   * Registers the slash commands unless Discord already has exactly these (a restart, or another
   * instance taking shard 0 over, then costs one GET instead of a bulk overwrite).
   */
  async registerCommands(): Promise<'registered' | 'unchanged'> {
    const app = this.client.application;
    if (!app) throw new Error('discord: no application after READY');
    const where = this.o.guildId ? `in guild ${this.o.guildId}` : 'globally';
    const existing = this.o.guildId ? await app.commands.fetch({ guildId: this.o.guildId }) : await app.commands.fetch();
    const same = existing.size === SlashCommands.length && SlashCommands.every((c) => existing.find((e) => e.name === c.name)?.equals(c as unknown as ApplicationCommandData));
    if (same) {
      this.log(`${SlashCommands.length} slash commands already registered ${where}`);
      return 'unchanged';
    }
    if (this.o.guildId) await app.commands.set([...SlashCommands], this.o.guildId);
    else await app.commands.set([...SlashCommands]);
    this.log(`registered ${SlashCommands.length} slash commands ${where}`);
    return 'registered';
  }

  stats(): DiscordStats {
    return {
      ...this.scheduler.stats, dropped: { ...this.scheduler.stats.dropped }, ...this.interactions.stats,
      received: this.received, duplicates: this.duplicates, handling: this.working.size, resumes: this.resumes,
    };
  }

  /** Waits for messages being handled (bounded), then drops what is queued and disconnects. */
  async stop(timeoutMs = 5_000): Promise<void> {
    await Promise.race([Promise.allSettled([...this.working]), new Promise((r) => setTimeout(r, timeoutMs).unref())]);
    await this.scheduler.stop();
    await this.client.destroy();
  }

  private onMessage(m: Message): void {
    if (m.author.bot || m.system) return;
    if (!this.firstTime(`m${m.id}`)) {
      this.duplicates++;
      return;
    }
    const botId = this.client.user?.id;
    if (!botId) return;
    this.received++;
    let message = toChatMessage(m, botId);
    const addressed = message.direct || message.mentionsBot === true || message.replyTo?.isBot === true;
    // Without Message Content, unaddressed messages arrive blank: nothing to do with them.
    if (!addressed && !message.text) return;
    if (addressed && !message.text) message = { ...message, text: 'hi' };
    this.o.onMessage?.(message);
    const receivedAt = Date.now();
    const out: Outbound = {
      send: async (reply: Reply) => {
        const payload = renderForDiscord(reply, { ownerId: message.user.platformId });
        const outcome = await this.scheduler.enqueue({
          channelId: m.channelId, createdAt: receivedAt,
          send: () => m.reply({ ...payload, failIfNotExists: false }),
        });
        return outcome === 'sent';
      },
    };
    this.track(this.bot.handle(message, out));
  }

  private track(work: Promise<void>): void {
    this.working.add(work);
    void work.finally(() => this.working.delete(work));
  }

  /** False for an id already handled (an event replayed after a resume). */
  private firstTime(id: string): boolean {
    if (this.seen.has(id)) return false;
    this.seen.add(id);
    if (this.seen.size > SeenIds) this.seen.delete(this.seen.values().next().value as string);
    return true;
  }
}
