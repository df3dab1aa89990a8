import type tmi from 'tmi.js';
import type { ChatMessage, Role } from '../../bot/message.js';
import { cleanText } from '../../nlp/text.js';

/**
 * tmi.js message tags -> the bot's one message shape. Invisible characters (Chatterino's U+E0000,
 * zero-width joiners) are stripped before anything else looks at the text.
 */
export function toChatMessage(channel: string, tags: tmi.ChatUserstate, rawText: string, botLogin: string, receivedAt: Date): ChatMessage {
  const text = cleanText(rawText);
  const login = String(tags.username ?? '').toLowerCase();
  const parentId = str(tags['reply-parent-msg-id']);
  const parentLogin = str(tags['reply-parent-user-login'])?.toLowerCase();
  const replyingToBot = parentLogin !== undefined && parentLogin === botLogin.toLowerCase();
  // Twitch prefixes a reply's text with "@parent "; that is not a mention of the bot unless the parent is the bot.
  const body = replyingToBot ? text.replace(new RegExp(`^@${escape(botLogin)}\\b\\s*`, 'i'), '') : text;
  const message: ChatMessage = {
    platform: 'twitch',
    channel,
    user: {
      platformId: str(tags['user-id']) ?? login,
      displayName: str(tags['display-name']) ?? login,
      roles: rolesOf(tags, channel, login),
    },
    text: body,
    time: receivedAt,
    direct: false,
    mentionsBot: new RegExp(`(^|\\s)@${escape(botLogin)}\\b`, 'i').test(body),
    ...(str(tags.id) ? { id: str(tags.id) as string } : {}),
    ...(parentId ? { replyTo: { messageId: parentId, ...(str(tags['reply-parent-user-id']) ? { userId: str(tags['reply-parent-user-id']) as string } : {}), isBot: replyingToBot } } : {}),
  };
  return message;
}

function rolesOf(tags: tmi.ChatUserstate, channel: string, login: string): Role[] {
  const badges = tags.badges ?? {};
  const roles: Role[] = [];
  if (badges.broadcaster || login === channel) roles.push('broadcaster');
  if (badges.moderator || tags.mod === true) roles.push('moderator');
  if (badges.vip) roles.push('vip');
  if (badges.subscriber || badges.founder || tags.subscriber === true) roles.push('subscriber');
  return roles;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
