import type { InteractionStore } from '../../data/store.js';
import type { Middleware } from '../composer.js';
import type { BotContext } from '../context.js';

export interface PromotionCaps {
  /** Sponsored items one person is shown per day, across channels. */
  perUserPerDay: number;
  /**
   * Sponsored items one conversation (a person in one chat) is shown per hour, so a single chat
   * is not turned into an offer feed. Absent: `DefaultPromotionCaps.perConversationPerHour`.
   */
  perConversationPerHour?: number;
  /**
   * Sponsored items shown in one live group channel (a Twitch chat, a Discord channel) per hour,
   * so a busy chat is not flooded. Private chats (the web widget, DMs) are capped per person only:
   * a website with many visitors never stops offering its partners' coupons.
   */
  perChannelPerHour: number;
}

export const DefaultPromotionCaps = { perUserPerDay: 6, perConversationPerHour: 4, perChannelPerHour: 30 } as const satisfies Required<PromotionCaps>;

/** Why sponsored items are left out of an answer; an empty answer says this, never "nothing matches". */
export type SponsoredWithheld = 'opted_out' | 'channel_off' | 'user_cap' | 'conversation_cap' | 'channel_cap';

export interface PromotionFacts {
  /** Promotions are on in this channel (channel policy). */
  channelOn: boolean;
  optedOut: boolean;
  /** A one-to-one conversation (no audience to flood). */
  direct: boolean;
  /** Sponsored impressions this person had in the last day. */
  userToday: number;
  /** Sponsored impressions in this conversation (this person in this chat) in the last hour. */
  conversationThisHour: number;
  /** Sponsored impressions in this channel in the last hour (only needed for group channels). */
  channelThisHour: number;
}

/** The pure policy: may this answer include sponsored items, and if not, why. */
export function promotionVerdict(f: PromotionFacts, caps: PromotionCaps): { allowed: true } | { allowed: false; reason: SponsoredWithheld } {
  if (!f.channelOn) return { allowed: false, reason: 'channel_off' };
  if (f.optedOut) return { allowed: false, reason: 'opted_out' };
  if (f.userToday >= caps.perUserPerDay) return { allowed: false, reason: 'user_cap' };
  if (f.conversationThisHour >= (caps.perConversationPerHour ?? DefaultPromotionCaps.perConversationPerHour)) return { allowed: false, reason: 'conversation_cap' };
  if (!f.direct && f.channelThisHour >= caps.perChannelPerHour) return { allowed: false, reason: 'channel_cap' };
  return { allowed: true };
}

const HOUR_MS = 3_600_000;

/**
 * Sponsored placements are promotions: never for someone who opted out, capped per person per day,
 * per conversation per hour and per live group channel per hour. Past a cap the answer is still given, with unsponsored items
 * only, and an answer left empty by it says why. This stage only fetches the counts.
 */
export function promotionPolicy(interactions: InteractionStore, caps: PromotionCaps, now: () => Date = () => new Date(),
  onCapped?: (cap: 'per_user_per_day' | 'per_conversation_per_hour' | 'per_channel_per_hour') => void): Middleware<BotContext> {
  return async (ctx, next) => {
    const action = ctx.decision?.action;
    const conv = ctx.conversation;
    if (action?.type === 'recommend' && conv) {
      const m = ctx.message;
      const t = now().getTime();
      const facts: PromotionFacts = {
        channelOn: ctx.policy.promotions,
        optedOut: conv.state.optedOut || ctx.decision?.state.optedOut === true,
        direct: m.direct,
        userToday: await interactions.countSponsoredImpressions({ since: new Date(t - 24 * HOUR_MS), userId: conv.userId }),
        // A conversation is one person in one chat: their impressions in this platform's channel.
        conversationThisHour: await interactions.countSponsoredImpressions({ since: new Date(t - HOUR_MS), userId: conv.userId, platform: m.platform, channel: m.channel }),
        channelThisHour: m.direct ? 0 : await interactions.countSponsoredImpressions({ since: new Date(t - HOUR_MS), platform: m.platform, channel: m.channel }),
      };
      const verdict = promotionVerdict(facts, caps);
      action.request.allowSponsored = verdict.allowed;
      if (!verdict.allowed) {
        action.sponsoredWithheld = verdict.reason;
        if (verdict.reason === 'user_cap') onCapped?.('per_user_per_day');
        else if (verdict.reason === 'conversation_cap') onCapped?.('per_conversation_per_hour');
        else if (verdict.reason === 'channel_cap') onCapped?.('per_channel_per_hour');
      } else delete action.sponsoredWithheld;
    }
    await next();
  };
}
