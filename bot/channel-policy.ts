import type { Platform } from './message.js';

/** What a streamer or support team can set per channel. */
export interface ChannelPolicy {
  /** Prefix of the bot's commands (`!course`); some channels already use `!` for another bot. */
  commandPrefix: string;
  /** Answer plain questions nobody addressed to the bot, when the NLU is confident enough. */
  answerUnaddressed: boolean;
  unaddressedMinConfidence: number;
  /** Sponsored placements allowed in this channel (answers then use unsponsored items only). */
  promotions: boolean;
}

export const DefaultChannelPolicy = {
  commandPrefix: '!',
  answerUnaddressed: true,
  unaddressedMinConfidence: 0.85,
  promotions: true,
} as const satisfies ChannelPolicy;

/** Looks up a channel's overrides; the bot fills the rest from its defaults. */
export type ChannelPolicySource = (platform: Platform, channel: string) => Partial<ChannelPolicy> | undefined;
