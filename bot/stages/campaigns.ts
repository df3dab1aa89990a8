import type { CampaignStore } from '../../data/campaigns.js';
import { blockedItems, type Refusal } from '../../recommender/campaigns/eligibility.js';
import type { Middleware } from '../composer.js';
import type { BotContext } from '../context.js';

const DAY_MS = 86_400_000;

/**
 * Campaign eligibility for a recommendation: items held by campaigns that are paused, ended, out
 * of budget, paced, not targeted here, or capped for this person are withheld (the recommender
 * skips them; ranking among the rest is unchanged). Read from the database on every
 * recommendation, so a pause or a spent budget applies at once in every process.
 */
export function campaignPolicy(campaigns: CampaignStore, now: () => Date = () => new Date(), onRefusal?: (reason: Refusal) => void): Middleware<BotContext> {
  return async (ctx, next) => {
    const action = ctx.decision?.action;
    const conv = ctx.conversation;
    if (action?.type === 'recommend') {
      const t = now();
      const all = await campaigns.list({}, t);
      if (all.length > 0) {
        const exposure = conv
          ? new Map([...(await campaigns.userImpressions(conv.userId, all.map((c) => c.id), new Date(t.getTime() - DAY_MS)))]
            .map(([id, e]) => [id, { today: e.sinceCount, total: e.total }]))
          : undefined;
        const req = action.request;
        const language = req.userLanguage ?? req.language;
        const { blocked, refusals } = blockedItems(all, {
          platform: ctx.message.platform, channel: ctx.message.channel, now: t,
          ...(req.topic !== undefined ? { topic: req.topic } : {}),
          ...(req.location !== undefined ? { city: req.location } : {}),
          ...(language !== undefined ? { language } : {}),
        }, exposure);
        if (blocked.size > 0) req.blockedIds = [...blocked];
        for (const reason of refusals.values()) onRefusal?.(reason);
      }
    }
    await next();
  };
}
