import type { TwitchRules } from './rules.js';

/**
 * What the scheduler allows itself: the platform's rules with headroom. Sends are timed on this
 * machine but counted by Twitch on arrival, so windows and gaps get a margin for network jitter,
 * and the counts stay below the limits so a message Twitch counts twice can't lock the account.
 */
export interface SendPlan {
  readonly windowMs: number;
  readonly userLimit: number;
  readonly privilegedLimit: number;
  readonly channelGapMs: number;
  /** Added to a room's slow-mode seconds (those are real seconds, not scaled with the rules). */
  readonly slowModeMarginMs: number;
  readonly duplicateWindowMs: number;
  readonly maxChars: number;
  readonly joinWindowMs: number;
  readonly joinLimit: number;
}

export function planFor(rules: TwitchRules): SendPlan {
  return {
    windowMs: Math.ceil(rules.messageWindowMs * 1.05),
    userLimit: rules.userMessageLimit - 2,
    privilegedLimit: Math.floor(rules.privilegedMessageLimit * 0.9),
    channelGapMs: Math.ceil(rules.channelGapMs * 1.2),
    slowModeMarginMs: Math.max(50, Math.ceil(rules.channelGapMs * 0.25)),
    duplicateWindowMs: Math.ceil(rules.duplicateWindowMs * 1.05),
    maxChars: rules.maxMessageChars,
    joinWindowMs: Math.ceil(rules.joinWindowMs * 1.05),
    joinLimit: rules.joinLimit - 2,
  };
}
