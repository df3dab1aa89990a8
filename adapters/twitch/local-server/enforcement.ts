import type { TwitchRules } from '../rules.js';
import type { Room } from './rooms.js';
import type { ViolationKind } from './types.js';

/** One bot PRIVMSG as the rules see it. `text` is what chat would show (an ACTION's inner text). */
export interface MessageAttempt {
  readonly login: string;
  readonly room: Room;
  readonly text: string;
  readonly joined: boolean;
  /** A `/cmd` or `.cmd` line, which Twitch no longer executes over IRC. */
  readonly command: boolean;
  readonly now: number;
}

/** A NOTICE Twitch sends for a refused message: its msg-id and its human text. */
export interface RefusalNotice {
  readonly msgId: string;
  readonly text: string;
}

export type Verdict =
  | { readonly ok: true; readonly privileged: boolean }
  | { readonly ok: false; readonly kind: ViolationKind; readonly notice?: RefusalNotice };

/** Sliding-window timestamps, pruned as they are read. */
class SlidingLog {
  private readonly log = new Map<string, number[]>();

  /** How many events `key` had in (now - windowMs, now]; then records one at `now`. */
  countThenAdd(key: string, now: number, windowMs: number): number {
    const kept = (this.log.get(key) ?? []).filter((t) => t > now - windowMs);
    const before = kept.length;
    kept.push(now);
    this.log.set(key, kept);
    return before;
  }
}

/**
 * Twitch's chat rules for one server: the account-wide message and join limits with the lockout,
 * and the per-channel checks that only apply to non-privileged senders. Checks run in Twitch's
 * order, and every PRIVMSG consumes a rate token, even the ones that are then dropped.
 */
export class ChatEnforcer {
  private readonly sends = new SlidingLog();
  private readonly joins = new SlidingLog();
  private readonly lockedUntil = new Map<string, number>();
  private readonly last = new Map<string, { readonly at: number; readonly text: string }>();

  constructor(private readonly rules: TwitchRules, private readonly emotes: ReadonlySet<string>) {}

  /** Whether a JOIN fits the account's join window; a refused JOIN still counts, as on Twitch. */
  admitJoin(login: string, now: number): boolean {
    return this.joins.countThenAdd(login, now, this.rules.joinWindowMs) < this.rules.joinLimit;
  }

  isLockedOut(login: string, now: number): boolean {
    return (this.lockedUntil.get(login) ?? -Infinity) > now;
  }

  check(a: MessageAttempt): Verdict {
    const { login, room, text, now } = a;
    const before = this.sends.countThenAdd(login, now, this.rules.messageWindowMs);
    if (this.isLockedOut(login, now)) return { ok: false, kind: 'locked_out' };
    if (!a.joined) return { ok: false, kind: 'not_joined' };
    const privileged = room.isPrivileged(login);
    if (before >= (privileged ? this.rules.privilegedMessageLimit : this.rules.userMessageLimit)) {
      this.lockedUntil.set(login, now + this.rules.lockoutMs);
      return { ok: false, kind: 'rate_limit' };
    }
    if (a.command) {
      const name = text.split(' ')[0] ?? text;
      return { ok: false, kind: 'unsupported_command', notice: { msgId: 'unrecognized_cmd', text: `Unrecognized command: ${name}` } };
    }
    if ([...text].length > this.rules.maxMessageChars) return { ok: false, kind: 'too_long' };
    if (!privileged) {
      const refusal = this.channelRefusal(a);
      if (refusal) return refusal;
    }
    return { ok: true, privileged };
  }

  /** Records an accepted message: the base of the channel-gap, slow-mode and duplicate checks. */
  accepted(login: string, room: Room, text: string, now: number): void {
    this.last.set(`${login}#${room.name}`, { at: now, text: text.trim() });
  }

  private channelRefusal(a: MessageAttempt): Verdict | undefined {
    const { login, room, text, now } = a;
    const s = room.state;
    const role = room.roleOf(login);
    const last = this.last.get(`${login}#${room.name}`);
    const since = last ? now - last.at : Infinity;
    const refuse = (kind: ViolationKind, msgId: string, notice: string): Verdict => ({ ok: false, kind, notice: { msgId, text: notice } });
    if (since < this.rules.channelGapMs) {
      return refuse('msg_ratelimit', 'msg_ratelimit', 'Your message was not sent because you are sending messages too quickly.');
    }
    if (s.slowSeconds > 0 && since < s.slowSeconds * 1000) {
      const wait = Math.ceil((s.slowSeconds * 1000 - since) / 1000);
      return refuse('msg_slowmode', 'msg_slowmode', `This room is in slow mode and you are sending messages too quickly. You will be able to talk again in ${wait} seconds.`);
    }
    if (last && last.text === text.trim() && since < this.rules.duplicateWindowMs) {
      return refuse('msg_duplicate', 'msg_duplicate', 'Your message was not sent because it is identical to the previous one you sent, less than 30 seconds ago.');
    }
    if (s.emoteOnly && !this.onlyEmotes(text)) {
      return refuse('msg_emoteonly', 'msg_emoteonly', 'This room is in emote-only mode. You can find your currently available emoticons using the smiley in the chat text area.');
    }
    if (s.followersOnlyMinutes >= 0) {
      const followed = role.followedMinutes;
      if (followed === undefined) {
        return s.followersOnlyMinutes === 0
          ? refuse('msg_followersonly', 'msg_followersonly_zero', `This room is in followers-only mode. Follow ${room.name} to join the community!`)
          : refuse('msg_followersonly', 'msg_followersonly', `This room is in ${s.followersOnlyMinutes} minutes followers-only mode. Follow ${room.name} to join the community!`);
      }
      if (followed < s.followersOnlyMinutes) {
        return refuse('msg_followersonly', 'msg_followersonly_followed',
          `This room is in ${s.followersOnlyMinutes} minutes followers-only mode. You have been following for ${followed} minutes. Continue following to chat!`);
      }
    }
    if (s.subsOnly && !role.subscriber) {
      return refuse('msg_subsonly', 'msg_subsonly',
        `This room is in subscribers-only mode. To talk, purchase a channel subscription at https://www.twitch.tv/products/${room.name}/ticket?ref=subscriber_only_mode_chat.`);
    }
    if (s.uniqueChat && room.hasSeen(text)) {
      return refuse('msg_r9k', 'msg_r9k', 'This room is in unique-chat mode and the message you attempted to send is not unique.');
    }
    return undefined;
  }

  private onlyEmotes(text: string): boolean {
    const words = text.split(' ').filter((w) => w !== '');
    return words.length > 0 && words.every((w) => this.emotes.has(w));
  }
}
