import {
  DiscordAPIError, MessageFlags, type ButtonInteraction, type StringSelectMenuInteraction, type ChatInputCommandInteraction, type Interaction,
  type RepliableInteraction,
} from 'discord.js';
import type { Bot } from '../../bot/bot.js';
import type { ChatAction, ChatMessage, Reply } from '../../bot/message.js';
import type { Outbound } from '../../bot/transcript.js';
import { commandMessage, isCommandName, PersonalCommands, type CommandName, type CommandOptions } from './commands.js';
import { decodeCardAction } from './custom-id.js';
import { rolesOf } from './normalize.js';
import { renderForDiscord, textPayload, type DiscordPayload } from './render.js';
import { channelSettings, type DiscordChannelSettings } from './settings.js';

export interface InteractionStats {
  interactions: number;
  /** Interactions Discord no longer accepted an answer to (10062). */
  expired: number;
  /** Unknown commands, bad options, someone else's buttons: answered with an ephemeral error. */
  refused: number;
  /** Interaction answers (edits, follow-ups) that failed after the acknowledgement. */
  failed: number;
}

export interface InteractionDeps {
  readonly bot: Bot;
  readonly log: (line: string) => void;
  readonly settings: DiscordChannelSettings | undefined;
  /** Handling is tracked so `stop()` can wait for it. */
  readonly track: (work: Promise<void>) => void;
}

/**
 * Slash commands and card buttons -> the bot. Every interaction is acknowledged first (a deferred
 * reply or update), since the pipeline can take longer than Discord's 3 s; the answer then edits
 * that response. Personal answers are ephemeral. Errors the user caused get an ephemeral line.
 */
export class InteractionHandler {
  readonly stats: InteractionStats = { interactions: 0, expired: 0, refused: 0, failed: 0 };

  constructor(private readonly d: InteractionDeps) {}

  handle(i: Interaction): void {
    if (!i.isRepliable()) return;
    this.stats.interactions++;
    const work = i.isChatInputCommand() ? this.onCommand(i)
      : i.isButton() ? this.onButton(i)
      : i.isStringSelectMenu() ? this.onTopic(i)
      : this.refuse(i, "I can't handle that here.");
    this.d.track(work.catch((err: unknown) => this.d.log(`interaction ${i.id} failed: ${describe(err)}`)));
  }

  private async onCommand(i: ChatInputCommandInteraction): Promise<void> {
    const name = i.commandName;
    if (!isCommandName(name)) return this.refuse(i, `I don't know /${name}. Try /recommend, /coupon, /insurance, /ask, /points or /checkin.`);
    if (name === 'crossfeed') return channelSettings(i, this.d.settings, (text) => this.refuse(i, text), (f) => this.acknowledged(i, f));
    let options: CommandOptions;
    try {
      options = readOptions(name, i);
    } catch (err) {
      return this.refuse(i, `That option isn't valid: ${describe(err)}`);
    }
    const ephemeral = PersonalCommands.has(name);
    if (!(await this.acknowledged(i, () => i.deferReply(ephemeral ? { flags: MessageFlags.Ephemeral } : {})))) return;
    const channel = i.channelId ?? `dm-${i.user.id}`;
    const typed = commandMessage(name, options) ?? { text: '/help', action: { kind: 'help' } };
    await this.run(i, this.chatMessage(i, channel, typed.text, i.id, ephemeral, typed.action), 'reply', ephemeral);
  }

  private async onButton(i: ButtonInteraction): Promise<void> {
    const action = decodeCardAction(i.customId);
    if (!action) return this.refuse(i, "That button doesn't work any more; ask me again with /recommend.");
    const channel = i.channelId ?? `dm-${i.user.id}`;
    if (action.kind === 'redeem') {
      if (!(await this.acknowledged(i, () => i.deferReply({ flags: MessageFlags.Ephemeral })))) return;
      // As with claims: one request id per (message, reward, user), so a double click spends once.
      const id = `redeem:${i.message.id}:${action.rewardId}:${i.user.id}`;
      return this.run(i, this.chatMessage(i, channel, `/redeem ${action.rewardId}`, id, true, { kind: 'redeem', rewardId: action.rewardId }), 'reply', true);
    }
    if (action.kind === 'claim') {
      if (!(await this.acknowledged(i, () => i.deferReply({ flags: MessageFlags.Ephemeral })))) return;
      // One request id per (card message, coupon, user): a double click or a retried interaction
      // reaches the ledger with the same id and gets the same code, never a second one.
      const id = `claim:${i.message.id}:${action.itemId}:${i.user.id}`;
      return this.run(i, this.chatMessage(i, channel, `/claim ${action.itemId}`, id, true, { kind: 'claim', itemId: action.itemId }), 'reply', true);
    }
    if (action.ownerId !== i.user.id) return this.refuse(i, "These suggestions answer someone else's question; ask me with /recommend to get your own.");
    if (!(await this.acknowledged(i, () => i.deferUpdate()))) return;
    const privateCard = i.message.flags.has(MessageFlags.Ephemeral) || !i.inGuild();
    const refine = action.kind === 'cheaper' ? 'cheaper' : 'another';
    await this.run(i, this.chatMessage(i, channel, `[${refine}]`, i.id, privateCard, { kind: 'refine', refine }), 'update', privateCard);
  }

  /** The card's topic picker: "a <topic> course" for the person who asked, replacing the card. */
  private async onTopic(i: StringSelectMenuInteraction): Promise<void> {
    const action = decodeCardAction(i.customId);
    const topic = i.values[0];
    if (action?.kind !== 'topic' || !topic) return this.refuse(i, "That menu doesn't work any more; ask me again with /recommend.");
    if (action.ownerId !== i.user.id) return this.refuse(i, "These suggestions answer someone else's question; ask me with /recommend to get your own.");
    if (!(await this.acknowledged(i, () => i.deferUpdate()))) return;
    const channel = i.channelId ?? `dm-${i.user.id}`;
    const privateCard = i.message.flags.has(MessageFlags.Ephemeral) || !i.inGuild();
    const chosen = topic.slice(0, 60);
    await this.run(i, this.chatMessage(i, channel, `[${chosen}]`, i.id, privateCard, { kind: 'recommend', topic: chosen }), 'update', privateCard);
  }

  /**
   * Runs the pipeline; its answers edit the acknowledged response. After `deferUpdate` an answer
   * with cards replaces the card, a text-only one ("nothing cheaper") comes as an ephemeral note.
   */
  private async run(i: RepliableInteraction, message: ChatMessage, mode: 'reply' | 'update', ephemeral: boolean): Promise<void> {
    let answered = 0;
    const send = async (payload: DiscordPayload, asNote: boolean): Promise<void> => {
      try {
        if (!asNote && (answered === 0 || mode === 'update')) await i.editReply(payload);
        else await i.followUp({ ...payload, ...(ephemeral || asNote ? { flags: MessageFlags.Ephemeral } : {}) });
        answered++;
      } catch (err) {
        this.stats.failed++;
        this.d.log(`answer to interaction ${i.id} failed: ${describe(err)}`);
      }
    };
    const out: Outbound = {
      send: (reply: Reply) => send(renderForDiscord(reply, { ownerId: message.user.platformId }), mode === 'update' && reply.cards.length === 0),
    };
    await this.d.bot.handle(message, out);
    if (answered === 0 && mode === 'reply') await send(textPayload("I don't have anything for that yet."), false);
  }

  private chatMessage(i: RepliableInteraction, channel: string, text: string, id: string, direct: boolean, action?: ChatAction): ChatMessage {
    const member = i.member && 'displayName' in i.member ? i.member : undefined;
    return {
      platform: 'discord', channel, text, time: i.createdAt, id, direct: direct || !i.inGuild(), mentionsBot: true, ...(action ? { action } : {}),
      user: {
        platformId: i.user.id,
        displayName: member?.displayName ?? i.user.globalName ?? i.user.username,
        roles: rolesOf(i.memberPermissions, i.guild?.ownerId === i.user.id),
      },
    };
  }

  /** An ephemeral error line as the interaction's one response. */
  private async refuse(i: RepliableInteraction, text: string): Promise<void> {
    this.stats.refused++;
    await this.acknowledged(i, () => i.reply({ ...textPayload(text), flags: MessageFlags.Ephemeral }));
  }

  /** Sends the acknowledgement; false (logged, counted) when Discord no longer knows the interaction. */
  private async acknowledged(i: RepliableInteraction, ack: () => Promise<unknown>): Promise<boolean> {
    try {
      await ack();
      return true;
    } catch (err) {
      if (err instanceof DiscordAPIError && err.code === 10062) {
        this.stats.expired++;
        this.d.log(`interaction ${i.id} expired before it was answered (10062 Unknown interaction)`);
        return false;
      }
      throw err;
    }
  }
}

/** The options of one command, typed; discord.js throws when a value has the wrong type. */
function readOptions(name: CommandName, i: ChatInputCommandInteraction): CommandOptions {
  const o = i.options;
  switch (name) {
    case 'recommend': return { topic: o.getString('topic'), level: o.getString('level'), budget: o.getNumber('budget') };
    case 'coupon': return { near: o.getString('near') };
    case 'insurance': return { type: o.getString('type'), age: o.getInteger('age') };
    case 'ask': return { question: o.getString('question', true) };
    default: return {};
  }
}

export function describe(err: unknown): string {
  if (err instanceof DiscordAPIError) return `${err.code} ${err.message}`;
  return err instanceof Error ? err.message : String(err);
}

