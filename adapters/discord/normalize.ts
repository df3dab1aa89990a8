import { PermissionFlagsBits, type Message, type PermissionsBitField } from 'discord.js';
import type { ChatMessage, Role } from '../../bot/message.js';
import { cleanText } from '../../nlp/text.js';

/**
 * discord.js message -> the bot's one message shape. The bot's own `<@id>` mention is removed
 * (`mentionsBot` says it was there); other users' mentions become `@name`. Direct = a DM.
 */
export function toChatMessage(message: Message, botUserId: string): ChatMessage {
  const mentionsBot = message.mentions.users.has(botUserId);
  const text = cleanText(message.content.replace(/<@!?(\d{17,20})>/g, (token, id: string) => {
    if (id === botUserId) return ' ';
    const user = message.mentions.users.get(id);
    return user ? `@${user.username}` : token;
  })).trim();
  const replyId = message.reference?.messageId;
  return {
    platform: 'discord',
    channel: message.channelId,
    user: {
      platformId: message.author.id,
      displayName: message.member?.displayName ?? message.author.globalName ?? message.author.username,
      roles: rolesOf(message.member?.permissions, message.guild?.ownerId === message.author.id),
    },
    text,
    time: message.createdAt,
    id: message.id,
    direct: message.guildId === null,
    mentionsBot,
    ...(replyId ? { replyTo: { messageId: replyId, ...(message.mentions.repliedUser ? { userId: message.mentions.repliedUser.id } : {}), isBot: message.mentions.repliedUser?.id === botUserId } } : {}),
  };
}

/** Discord permissions as the bot's roles: the owner and server managers are admins, message managers moderators. */
export function rolesOf(permissions: Readonly<PermissionsBitField> | null | undefined, owner: boolean): Role[] {
  const roles: Role[] = [];
  if (owner) roles.push('broadcaster');
  if (owner || permissions?.has(PermissionFlagsBits.ManageGuild)) roles.push('admin');
  if (permissions?.has(PermissionFlagsBits.ManageMessages)) roles.push('moderator');
  return roles;
}
