import type { BotMessage, JsonObject } from './types.js';
import type { ChannelRecord, UserRecord, World } from './world.js';

export const EphemeralFlag = 1 << 6;
/** "Bot is thinking...": the placeholder of a deferred reply until it is edited. */
export const LoadingFlag = 1 << 7;

/** A message a user wrote (through `say`): kept so components and replies can refer to it. */
export interface UserMessage {
  readonly id: string;
  readonly channelId: string;
  readonly authorId: string;
  readonly content: string;
  readonly mentionIds: readonly string[];
  readonly at: number;
  /** The bot message this one replies to (message_reference). */
  readonly replyTo?: BotMessage;
}

/** The editable parts of a message body as a bot sends them. */
export interface MessageBody {
  readonly content?: string;
  readonly embeds?: readonly JsonObject[];
  readonly components?: readonly JsonObject[];
  readonly flags?: number;
}

/** Every message in every channel: the bot's (with edits) and the users'. */
export class MessageStore {
  private readonly bot = new Map<string, BotMessage>();
  private readonly users = new Map<string, UserMessage>();

  addBot(m: BotMessage): BotMessage {
    this.bot.set(m.id, m);
    return m;
  }

  addUser(m: UserMessage): void {
    this.users.set(m.id, m);
  }

  botMessage(id: string): BotMessage | undefined {
    const m = this.bot.get(id);
    return m && !m.deleted ? m : undefined;
  }

  /** The bot's messages in a channel, oldest first, deleted ones included (marked). */
  inChannel(channelId: string): BotMessage[] {
    return [...this.bot.values()].filter((m) => m.channelId === channelId);
  }

  all(): BotMessage[] {
    return [...this.bot.values()];
  }

  /** Applies an edit, keeping the previous version in `edits`; absent fields stay as they were. */
  edit(m: BotMessage, body: MessageBody, at: number): void {
    m.edits.push({ content: m.content, embeds: m.embeds, components: m.components, at });
    if (body.content !== undefined) m.content = body.content;
    if (body.embeds !== undefined) m.embeds = body.embeds;
    if (body.components !== undefined) m.components = body.components;
    m.flags &= ~LoadingFlag;
  }
}

/** The wire shape of a bot message, as REST answers and MESSAGE_CREATE / MESSAGE_UPDATE carry it. */
export function botMessagePayload(world: World, m: BotMessage, appId: string): Record<string, unknown> {
  const last = m.edits.at(-1);
  return {
    id: m.id, channel_id: m.channelId, ...(m.guildId === undefined ? {} : { guild_id: m.guildId }),
    author: world.userPayload(world.bot), content: m.content, embeds: m.embeds, components: m.components,
    attachments: [], mentions: [], mention_roles: [], mention_everyone: false, pinned: false, tts: false,
    timestamp: new Date(m.at).toISOString(), edited_timestamp: last ? new Date(last.at).toISOString() : null,
    type: m.interactionId === undefined ? 0 : 20, flags: m.flags,
    ...(m.interactionId === undefined ? {} : { webhook_id: appId, application_id: appId }),
  };
}

/**
 * A user message's MESSAGE_CREATE payload for one session. Without the MessageContent intent,
 * Discord blanks content, embeds, attachments and components unless the message is a DM,
 * mentions the bot, or is the bot's own.
 */
export function userMessagePayload(
  world: World, m: UserMessage, channel: ChannelRecord, author: UserRecord, hasContentIntent: boolean,
): Record<string, unknown> {
  const visible = hasContentIntent || channel.type === 1 || m.mentionIds.includes(world.bot.id) || author.id === world.bot.id;
  const guild = channel.guildId === undefined ? undefined : world.guilds.get(channel.guildId);
  const member = guild?.members.get(author.id);
  const mentions = m.mentionIds.map((id) => world.users.get(id)).filter((u): u is UserRecord => !!u);
  return {
    id: m.id, channel_id: m.channelId, channel_type: channel.type, ...(guild ? { guild_id: guild.id } : {}),
    author: world.userPayload(author), ...(member ? { member: world.memberPayload(member, false) } : {}),
    content: visible ? m.content : '', embeds: [], attachments: [], components: [],
    mentions: mentions.map((u) => world.userPayload(u)), mention_roles: [], mention_everyone: false,
    pinned: false, tts: false, timestamp: new Date(m.at).toISOString(), edited_timestamp: null, type: m.replyTo ? 19 : 0, flags: 0,
    ...(m.replyTo ? {
      message_reference: { type: 0, message_id: m.replyTo.id, channel_id: m.channelId, ...(guild ? { guild_id: guild.id } : {}) },
      referenced_message: botMessagePayload(world, m.replyTo, ''),
    } : {}),
  };
}
