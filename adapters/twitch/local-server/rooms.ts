import { OpenRoom, type RoomState } from '../rules.js';
import type { BotRole } from './types.js';
import { colorFor, numericId } from './viewers.js';

/** A message remembered so that replies to it can carry Twitch's `reply-parent-*` tags. */
export interface HistoryEntry {
  readonly id: string;
  readonly login: string;
  readonly userId: string;
  readonly displayName: string;
  readonly body: string;
  /** The first message of the reply thread this one belongs to (itself when it starts one). */
  readonly threadId: string;
  readonly threadLogin: string;
}

const HistoryLimit = 2_000;

/** One channel: its modes, who is privileged in it, and what was said there. */
export class Room {
  readonly id: string;
  state: RoomState;
  readonly roles = new Map<string, BotRole>();
  private readonly history = new Map<string, HistoryEntry>();
  private readonly seen = new Set<string>();

  constructor(readonly name: string, state: Partial<RoomState> = {}) {
    this.id = numericId(name);
    this.state = { ...OpenRoom, ...state };
  }

  roleOf(login: string): BotRole {
    return this.roles.get(login) ?? {};
  }

  isBroadcaster(login: string): boolean {
    return login === this.name;
  }

  /** Mods, VIPs and the broadcaster get the higher message limit and skip the per-channel checks. */
  isPrivileged(login: string): boolean {
    const role = this.roleOf(login);
    return this.isBroadcaster(login) || role.moderator === true || role.vip === true;
  }

  remember(entry: HistoryEntry): void {
    this.history.set(entry.id, entry);
    if (this.history.size > HistoryLimit) this.history.delete(this.history.keys().next().value as string);
    this.seen.add(uniqueKey(entry.body));
    if (this.seen.size > HistoryLimit * 5) this.seen.clear();
  }

  message(id: string): HistoryEntry | undefined {
    return this.history.get(id);
  }

  /** Unique-chat compares messages ignoring case, surrounding space and the U+E0000 "bypass" tag. */
  hasSeen(text: string): boolean {
    return this.seen.has(uniqueKey(text));
  }

  /** ROOMSTATE tags: all of them on join, only `changed` ones (plus room-id) on a mode change. */
  roomStateTags(changed?: Partial<RoomState>): Record<string, string> {
    const s = this.state;
    const all: Record<string, string> = {
      'emote-only': s.emoteOnly ? '1' : '0',
      'followers-only': String(s.followersOnlyMinutes),
      r9k: s.uniqueChat ? '1' : '0',
      slow: String(s.slowSeconds),
      'subs-only': s.subsOnly ? '1' : '0',
    };
    const names: Record<keyof RoomState, string> = {
      emoteOnly: 'emote-only', followersOnlyMinutes: 'followers-only', uniqueChat: 'r9k', slowSeconds: 'slow', subsOnly: 'subs-only',
    };
    const tags: Record<string, string> = { 'room-id': this.id };
    for (const [key, tag] of Object.entries(names) as [keyof RoomState, string][]) {
      if (!changed || key in changed) tags[tag] = all[tag] ?? '';
    }
    return tags;
  }

  /** USERSTATE tags of `login` in this room, as Twitch sends them on join and after each PRIVMSG. */
  userStateTags(login: string): Record<string, string> {
    const role = this.roleOf(login);
    const badges: string[] = [];
    if (this.isBroadcaster(login)) badges.push('broadcaster/1');
    else if (role.moderator) badges.push('moderator/1');
    else if (role.vip) badges.push('vip/1');
    if (role.subscriber) badges.push('subscriber/0');
    const tags: Record<string, string> = {
      'badge-info': role.subscriber ? 'subscriber/1' : '',
      badges: badges.join(','),
      color: colorFor(login),
      'display-name': login,
      'emote-sets': '0',
      mod: role.moderator && !this.isBroadcaster(login) ? '1' : '0',
      subscriber: role.subscriber ? '1' : '0',
      'user-type': role.moderator && !this.isBroadcaster(login) ? 'mod' : '',
    };
    if (role.vip && !this.isBroadcaster(login)) tags['vip'] = '1';
    return tags;
  }
}

function uniqueKey(text: string): string {
  return text.replace(/\u{E0000}/gu, '').trim().toLowerCase();
}
