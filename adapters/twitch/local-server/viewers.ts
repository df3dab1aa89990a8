import { randomBytes, randomUUID } from 'node:crypto';
import { userPrefix, type OutLine } from './irc.js';
import type { HistoryEntry, Room } from './rooms.js';
import type { ReplyParent, ViewerBadges } from './types.js';

/** Real ids of Twitch's global emotes; other configured emote words get a made-up v2 id. */
const KnownEmoteIds: Readonly<Record<string, string>> = { Kappa: '25', PogChamp: '305954156', LUL: '425618', '<3': '9' };

/** The default chat colours Twitch gives users who never picked one. */
const Colors = ['#FF0000', '#0000FF', '#008000', '#B22222', '#FF7F50', '#9ACD32', '#FF4500', '#2E8B57',
  '#DAA520', '#D2691E', '#5F9EA0', '#1E90FF', '#FF69B4', '#8A2BE2', '#00FF7F'] as const;

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) h = Math.imul(h ^ byte, 0x01000193) >>> 0;
  return h;
}

/** A stable numeric Twitch-style id (user-id, room-id) for a login. */
export function numericId(login: string): string {
  return String(100_000_000 + (fnv1a(login) % 900_000_000));
}

export function colorFor(login: string): string {
  return Colors[fnv1a(login) % Colors.length] ?? '#1E90FF';
}

export function emoteId(word: string): string {
  return KnownEmoteIds[word] ?? `emotesv2_${fnv1a(word).toString(16).padStart(8, '0')}`;
}

/** The `emotes` tag: `id:start-end,start-end/id:...` with code-point positions, as Twitch counts them. */
export function emotesTag(text: string, emotes: ReadonlySet<string>): { tag: string; only: boolean } {
  const chars = [...text];
  const found = new Map<string, string[]>();
  let start = 0;
  let words = 0;
  let emoteWords = 0;
  for (let i = 0; i <= chars.length; i++) {
    if (i < chars.length && chars[i] !== ' ') continue;
    if (i > start) {
      words++;
      const word = chars.slice(start, i).join('');
      if (emotes.has(word)) {
        emoteWords++;
        const id = emoteId(word);
        found.set(id, [...(found.get(id) ?? []), `${start}-${i - 1}`]);
      }
    }
    start = i + 1;
  }
  const tag = [...found].map(([id, ranges]) => `${id}:${ranges.join(',')}`).join('/');
  return { tag, only: words > 0 && emoteWords === words };
}

/** Everything about a chatter that goes into the tags of their PRIVMSG. */
export interface Chatter {
  readonly login: string;
  readonly displayName: string;
  readonly userId: string;
  readonly badges: ViewerBadges;
  readonly color: string;
}

export interface ChatLineInput {
  readonly room: Room;
  readonly chatter: Chatter;
  readonly text: string;
  readonly emotes: ReadonlySet<string>;
  readonly at: number;
  readonly id?: string;
  readonly clientNonce?: string;
  readonly parent?: ReplyParent & { readonly threadId?: string; readonly threadLogin?: string };
}

/** A chat PRIVMSG with the full tag set Twitch sends, and the history entry it leaves behind. */
export function chatLine(input: ChatLineInput): { line: OutLine; entry: HistoryEntry } {
  const { room, chatter, text, parent } = input;
  const b = chatter.badges;
  const months = typeof b.subscriber === 'number' ? b.subscriber : b.subscriber ? 1 : 0;
  const badges: string[] = [];
  if (b.broadcaster) badges.push('broadcaster/1');
  if (b.moderator) badges.push('moderator/1');
  if (b.vip) badges.push('vip/1');
  if (months > 0) badges.push(`subscriber/${subscriberBadgeTier(months)}`);
  const id = input.id ?? randomUUID();
  const emotes = emotesTag(text.replace(/^\u0001ACTION (.*)\u0001$/su, '$1'), input.emotes);
  const tags: Record<string, string> = {
    'badge-info': months > 0 ? `subscriber/${months}` : '',
    badges: badges.join(','),
    'client-nonce': input.clientNonce ?? randomBytes(16).toString('hex'),
    color: chatter.color,
    'display-name': chatter.displayName,
    emotes: emotes.tag,
    'first-msg': '0',
    flags: '',
    id,
    mod: b.moderator ? '1' : '0',
    'returning-chatter': '0',
    'room-id': room.id,
    subscriber: months > 0 ? '1' : '0',
    'tmi-sent-ts': String(input.at),
    turbo: '0',
    'user-id': chatter.userId,
    'user-type': b.moderator ? 'mod' : '',
  };
  if (emotes.only) tags['emote-only'] = '1';
  if (b.vip) tags['vip'] = '1';
  if (parent) {
    Object.assign(tags, {
      'reply-parent-display-name': parent.displayName,
      'reply-parent-msg-body': parent.body,
      'reply-parent-msg-id': parent.msgId,
      'reply-parent-user-id': parent.userId,
      'reply-parent-user-login': parent.userLogin,
      'reply-thread-parent-msg-id': parent.threadId ?? parent.msgId,
      'reply-thread-parent-user-login': parent.threadLogin ?? parent.userLogin,
    });
  }
  const entry: HistoryEntry = {
    id, login: chatter.login, userId: chatter.userId, displayName: chatter.displayName, body: text,
    threadId: parent ? parent.threadId ?? parent.msgId : id,
    threadLogin: parent ? parent.threadLogin ?? parent.userLogin : chatter.login,
  };
  return { line: { tags, prefix: userPrefix(chatter.login), command: 'PRIVMSG', params: [`#${room.name}`], trailing: text }, entry };
}

/** A remembered message as the parent of a reply. */
export function asParent(entry: HistoryEntry): NonNullable<ChatLineInput['parent']> {
  return {
    msgId: entry.id, userLogin: entry.login, userId: entry.userId, displayName: entry.displayName, body: entry.body,
    threadId: entry.threadId, threadLogin: entry.threadLogin,
  };
}

/** Subscriber badge versions step through 0, 3, 6, 9, 12, 24... months, as Twitch's default badge set does. */
function subscriberBadgeTier(months: number): number {
  const tiers = [0, 3, 6, 9, 12, 24, 36, 48, 60];
  return tiers.filter((t) => t <= months).pop() ?? 0;
}
