import { OpenRoom, type RoomState } from './rules.js';

/** What the bot knows about itself in one channel: learned from USERSTATE and ROOMSTATE, never assumed. */
export interface ChannelView {
  /** Moderator, VIP or broadcaster in this channel (Twitch's higher limit applies, pacing rules do not). */
  privileged: boolean;
  room: RoomState;
  lastSentAt: number;
  lastText: string;
}

/** The bot's standing in every channel it joined, keyed by channel login without '#'. */
export class ChannelStates {
  private readonly views = new Map<string, ChannelView>();

  get(channel: string): ChannelView {
    const key = normalizeChannel(channel);
    let view = this.views.get(key);
    if (!view) {
      view = { privileged: false, room: { ...OpenRoom }, lastSentAt: Number.NEGATIVE_INFINITY, lastText: '' };
      this.views.set(key, view);
    }
    return view;
  }

  /** USERSTATE tags for the bot: badges such as `moderator/1,subscriber/3`, and `mod=1`. */
  applyUserState(channel: string, tags: Readonly<Record<string, unknown>>): void {
    const badges = typeof tags['badges'] === 'string' ? tags['badges'] : '';
    const names = new Set(badges.split(',').map((b) => b.split('/')[0]));
    this.get(channel).privileged = tags['mod'] === '1' || names.has('moderator') || names.has('vip') || names.has('broadcaster');
  }

  /** ROOMSTATE tags: Twitch sends all of them on join and only the changed ones afterwards. */
  applyRoomState(channel: string, tags: Readonly<Record<string, unknown>>): void {
    const room = this.get(channel).room;
    const num = (key: string): number | undefined => {
      const v = tags[key];
      const n = typeof v === 'string' ? Number(v) : Number.NaN;
      return Number.isFinite(n) ? n : undefined;
    };
    const slow = num('slow');
    if (slow !== undefined) room.slowSeconds = Math.max(0, slow);
    const emote = num('emote-only');
    if (emote !== undefined) room.emoteOnly = emote === 1;
    const followers = num('followers-only');
    if (followers !== undefined) room.followersOnlyMinutes = followers;
    const subs = num('subs-only');
    if (subs !== undefined) room.subsOnly = subs === 1;
    const r9k = num('r9k');
    if (r9k !== undefined) room.uniqueChat = r9k === 1;
  }

  /** Forget roles and room states (after a disconnect they are learned again on join). */
  resetStanding(): void {
    for (const view of this.views.values()) {
      view.privileged = false;
      view.room = { ...OpenRoom };
    }
  }
}

export function normalizeChannel(channel: string): string {
  return channel.replace(/^#/, '').toLowerCase();
}

/** Room modes in which the bot, not being privileged, cannot post. */
export function roomBlocks(view: ChannelView): 'emote_only' | 'followers_only' | 'subs_only' | undefined {
  if (view.privileged) return undefined;
  if (view.room.emoteOnly) return 'emote_only';
  if (view.room.followersOnlyMinutes >= 0) return 'followers_only';
  if (view.room.subsOnly) return 'subs_only';
  return undefined;
}
