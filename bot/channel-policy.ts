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

/** What a kind of place implies (see `platformPolicy`); part of the policy every message carries. */
export interface ChannelTraits {
  /** Who watches: a game stream's audience favours gaming-adjacent courses (ranking signal). */
  audience?: 'gaming' | 'general';
  /** Agents can join conversations here from the console (else a person is offered elsewhere). */
  agentDesk?: boolean;
  /** People here open links on this machine's own chat page, so a loopback address still works. */
  localLinks?: boolean;
}

/**
 * What a kind of place implies before any channel setting: a Twitch chat is a game stream's
 * audience; the web chat is where agents join and links to this server open. The one place in
 * `bot/` that knows platforms by name.
 */
export function platformPolicy(platform: Platform): ChannelTraits {
  switch (platform) {
    case 'twitch': return { audience: 'gaming' };
    case 'web': return { agentDesk: true, localLinks: true };
    case 'cli': return { localLinks: true };
    default: return {};
  }
}

export const DefaultChannelPolicy = {
  commandPrefix: '!',
  answerUnaddressed: true,
  unaddressedMinConfidence: 0.85,
  promotions: true,
} as const satisfies ChannelPolicy;

/** Looks up a channel's overrides; the bot fills the rest from its defaults. */
export type ChannelPolicySource = (platform: Platform, channel: string) => Partial<ChannelPolicy> | undefined;
