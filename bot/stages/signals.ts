import type { CatalogItem } from '../../data/catalog/types.js';
import type { InteractionStore } from '../../data/store.js';
import type { ArmStats } from '../../recommender/bandit.js';
import { assignVariant, DefaultBanditOptions, thompsonTopK } from '../../recommender/bandit.js';
import { RECOMMEND_TEMPLATES, type RecommendTemplate } from '../render.js';
import type { RankingSignals } from '../../recommender/signals.js';
import type { Middleware } from '../composer.js';
import type { BotContext } from '../context.js';

/** The running ranking experiment: half the users see Thompson-sampling exploration. */
export const RANKING_EXPERIMENT = 'ranking-2026-11';
export type RankingVariant = 'explore' | 'control';

const DAY_MS = 86_400_000;
const STATS_TTL_MS = 60_000;

export interface SignalSources {
  interactions: InteractionStore;
  /** Clicks per reply template (exploration over wordings); absent = the default wording. */
  templateStats?: (since: Date) => Promise<{ template: string; impressions: number; clicks: number }[]>;
  /** Collaborative scores from the user's engagement history (bot/collaborative.ts). */
  collaborative?: { scores(history: readonly string[], k?: number, session?: readonly string[]): Map<string, number> | undefined; knows?(itemId: string): boolean };
  item(id: string): CatalogItem | undefined;
  toUsd(price: number, currency: string): number | undefined;
}

/**
 * Gathers what the recommender should know about this user and channel from the interaction
 * log, and the user's stable A/B variant. Item statistics are shared and refreshed each minute.
 */
export function rankingSignals(src: SignalSources, random: () => number = Math.random, now: () => number = Date.now): Middleware<BotContext> {
  let stats: { at: number; map: Map<string, ArmStats> } | undefined;
  let wordings: { at: number; map: Map<string, ArmStats> } | undefined;
  return async (ctx, next) => {
    const action = ctx.decision?.action;
    const conv = ctx.conversation;
    if (action?.type !== 'recommend' || !conv) return next();
    const t = now();
    const variant = assignVariant<RankingVariant>(String(conv.userId), RANKING_EXPERIMENT, ['explore', 'control']);
    const signals: RankingSignals = { audience: ctx.policy.audience ?? 'general' };
    if (ctx.nlu?.vector) {
      signals.queryVector = ctx.nlu.vector;
      signals.queryLanguage = ctx.nlu.language;
    }

    const engaged = await src.interactions.engagements(conv.userId, 50);
    if (engaged.length) {
      const topics = new Map<string, number>();
      const prices: number[] = [];
      for (const e of engaged) {
        const item = src.item(e.itemId);
        if (!item) continue; // removed from the catalog since
        for (const topic of item.topics) topics.set(topic, (topics.get(topic) ?? 0) + 1);
        const usd = src.toUsd(item.price, item.currency);
        if (usd !== undefined && item.kind === 'course') prices.push(usd);
      }
      const total = Math.max(1, ...topics.values());
      signals.topicAffinity = new Map([...topics].map(([k, v]) => [k, v / total]));
      if (prices.length) signals.typicalPriceUsd = median(prices);
      // Oldest first; what was engaged with among the conversation's latest 20 shown items weighs more (session context).
      const history = engaged.map((e) => e.itemId).reverse();
      const shownHere = new Set(conv.state.shown.slice(-20));
      const cf = src.collaborative?.scores(history, 50, history.filter((id) => shownHere.has(id)));
      if (cf) signals.collaborative = cf;
      const model = src.collaborative;
      if (cf && model?.knows) signals.collaborativeKnows = (id) => model.knows!(id);
    }
    const favourites = await src.interactions.channelFavourites(ctx.message.platform, ctx.message.channel, new Date(t - 30 * DAY_MS), 50);
    if (favourites.length) signals.channelPopularity = new Map(favourites.map((f) => [f.itemId, f.n]));
    if (variant === 'explore') {
      if (!stats || t - stats.at > STATS_TTL_MS) {
        const rows = await src.interactions.itemStats(new Date(t - 30 * DAY_MS));
        stats = { at: t, map: new Map(rows.map((r) => [r.itemId, { impressions: r.impressions, clicks: r.clicks }])) };
      }
      signals.itemStats = stats.map;
      signals.explore = { rng: random };
    }
    let template: RecommendTemplate = 'picks';
    if (variant === 'explore' && src.templateStats) {
      if (!wordings || t - wordings.at > STATS_TTL_MS) {
        const rows = await src.templateStats(new Date(t - 30 * DAY_MS));
        wordings = { at: t, map: new Map(rows.map((r) => [r.template, { impressions: r.impressions, clicks: r.clicks }])) };
      }
      const arms = (Object.keys(RECOMMEND_TEMPLATES) as RecommendTemplate[]).map((id) => ({ id, base: 0, stats: wordings?.map.get(id) }));
      template = (thompsonTopK(arms, 1, random, { ...DefaultBanditOptions, propensityDraws: 0 }).chosen[0] ?? 'picks') as RecommendTemplate;
    }
    ctx.ranking = { variant, signals, template };
    await next();
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}
