import type { InteractionStore } from '../../data/store.js';
import type { Middleware } from '../composer.js';
import type { BotContext } from '../context.js';

export interface PromotionCaps {
  /** Sponsored items one user is shown per day, across channels. */
  perUserPerDay: number;
  /** Sponsored items shown in one channel per hour. */
  perChannelPerHour: number;
}

export const DefaultPromotionCaps = { perUserPerDay: 6, perChannelPerHour: 30 } as const satisfies PromotionCaps;

const HOUR_MS = 3_600_000;

/**
 * Sponsored placements are promotions: never for someone who opted out, and capped per user per
 * day and per channel per hour. Past a cap the answer is still given, with unsponsored items only.
 */
export function promotionPolicy(interactions: InteractionStore, caps: PromotionCaps, now: () => Date = () => new Date(),
  onCapped?: (cap: 'per_user_per_day' | 'per_channel_per_hour') => void): Middleware<BotContext> {
  return async (ctx, next) => {
    const action = ctx.decision?.action;
    const conv = ctx.conversation;
    if (action?.type === 'recommend' && conv) {
      action.request.allowSponsored = ctx.policy.promotions && !conv.state.optedOut && !ctx.decision?.state.optedOut && (await withinCaps(ctx, conv.userId));
    }
    await next();
  };

  async function withinCaps(ctx: BotContext, userId: number): Promise<boolean> {
    const t = now().getTime();
    const perUser = await interactions.countSponsoredImpressions({ since: new Date(t - 24 * HOUR_MS), userId });
    if (perUser >= caps.perUserPerDay) {
      onCapped?.('per_user_per_day');
      return false;
    }
    const perChannel = await interactions.countSponsoredImpressions({ since: new Date(t - HOUR_MS), platform: ctx.message.platform, channel: ctx.message.channel });
    if (perChannel >= caps.perChannelPerHour) onCapped?.('per_channel_per_hour');
    return perChannel < caps.perChannelPerHour;
  }
}
