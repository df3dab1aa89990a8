/**
 * Twitch chat's limits as the platform enforces them (see ../shared/guides/platform-rules.md for
 * sources). The local chat server enforces exactly these; the outbound scheduler plans below them
 * with headroom. Tests scale every duration down together with `scaleRules` so a 30-second window
 * can be exercised in a few seconds without changing the logic under test.
 */
export interface TwitchRules {
  /** Sliding window for the per-account message limits. */
  readonly messageWindowMs: number;
  /** Messages per window when the target channel is not one where the bot is mod, VIP or broadcaster. */
  readonly userMessageLimit: number;
  /** Messages per window when the bot is privileged in the target channel (chosen per message). */
  readonly privilegedMessageLimit: number;
  readonly joinWindowMs: number;
  readonly joinLimit: number;
  /** Minimum spacing of messages in one channel where the bot is not privileged (`msg_ratelimit`). */
  readonly channelGapMs: number;
  /** An identical message in the same channel within this time is dropped (`msg_duplicate`), unless privileged. */
  readonly duplicateWindowMs: number;
  readonly maxMessageChars: number;
  /** How long an account that broke the message limit cannot send. */
  readonly lockoutMs: number;
}

export const TwitchChatRules = {
  messageWindowMs: 30_000,
  userMessageLimit: 20,
  privilegedMessageLimit: 100,
  joinWindowMs: 10_000,
  joinLimit: 20,
  channelGapMs: 1_000,
  duplicateWindowMs: 30_000,
  maxMessageChars: 500,
  lockoutMs: 30 * 60_000,
} as const satisfies TwitchRules;

/** Every duration multiplied by `factor` (counts and lengths unchanged). */
export function scaleRules(rules: TwitchRules, factor: number): TwitchRules {
  return {
    ...rules,
    messageWindowMs: rules.messageWindowMs * factor,
    joinWindowMs: rules.joinWindowMs * factor,
    channelGapMs: rules.channelGapMs * factor,
    duplicateWindowMs: rules.duplicateWindowMs * factor,
    lockoutMs: rules.lockoutMs * factor,
  };
}

/** Room modes a channel can be in (ROOMSTATE tags). */
export interface RoomState {
  /** Seconds between a non-privileged user's messages; 0 = off. */
  slowSeconds: number;
  emoteOnly: boolean;
  /** Minutes a user must follow before chatting; -1 = off. */
  followersOnlyMinutes: number;
  subsOnly: boolean;
  /** Unique-chat (r9k): no message identical to an earlier one. */
  uniqueChat: boolean;
}

export const OpenRoom = {
  slowSeconds: 0, emoteOnly: false, followersOnlyMinutes: -1, subsOnly: false, uniqueChat: false,
} as const satisfies RoomState;
