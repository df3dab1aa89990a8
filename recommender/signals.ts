import type { ArmStats } from './bandit.js';
import type { Rng } from './random.js';

/**
 * What the recommender knows beyond the request, gathered by the bot from the interaction log:
 * who this user is (their affinities), where they are (the channel's audience and favourites),
 * and how items have fared (clicks per impression, for exploration). All optional: a new user in
 * a new channel gets pure relevance.
 */
export interface RankingSignals {
  /** Topic -> share of this user's clicks, claims and purchases (0..1). */
  topicAffinity?: ReadonlyMap<string, number>;
  /** The user's typical price (USD) from what they engaged with. */
  typicalPriceUsd?: number;
  /** Item -> positive interactions in this channel (popularity for cold start). */
  channelPopularity?: ReadonlyMap<string, number>;
  /** The channel's audience: a game stream favours courses its viewers tend to like. */
  audience?: 'gaming' | 'general';
  /** Item -> collaborative score in 0..1 from the user's history (see collab/). */
  collaborative?: ReadonlyMap<string, number>;
  /**
   * Whether the collaborative model knows an item (it has interactions). Items it does not know
   * get a content-based stand-in for their collaborative score (cold-start.ts).
   */
  collaborativeKnows?: (itemId: string) => boolean;
  /** Item -> impressions and clicks, for Thompson sampling. */
  itemStats?: ReadonlyMap<string, ArmStats>;
  /** Present = explore with Thompson sampling (the user's A/B variant says so). */
  explore?: { rng: Rng };
  /**
   * The message's unit vector from the NLU's encoder of its language: with item vectors
   * (Recommender.useEncoder) relevance becomes hybrid, so a request that never names a topic
   * ("I want to get better at talking to people", "想学点能赚钱的技能") still finds fitting items.
   */
  queryVector?: Float32Array;
  /** The language whose encoder made `queryVector` (item vectors of that encoder are used); default English. */
  queryLanguage?: 'en' | 'zh';
}

/** Topics a game stream's audience is likelier to want (cross-domain cold start). */
export const GAMING_AUDIENCE_TOPICS: ReadonlySet<string> = new Set([
  'esports', 'game development', 'streaming', 'video editing', 'obs', 'youtube', 'python', 'javascript', 'c++', 'unity', 'unreal engine',
  'chess', 'league of legends', 'valorant', 'counter-strike', 'dota 2', 'starcraft', 'fortnite', 'minecraft', 'speedrunning',
]);

/** Score added for personal and audience fit; documented weights, small next to relevance. */
export function personalBoost(item: { id: string; topics: readonly string[]; priceUsd: number | undefined }, s: RankingSignals): number {
  let boost = 0;
  if (s.topicAffinity && item.topics.length) {
    boost += 0.8 * Math.max(...item.topics.map((t) => s.topicAffinity?.get(t) ?? 0));
  }
  if (s.typicalPriceUsd !== undefined && item.priceUsd !== undefined) {
    const ratio = (item.priceUsd + 5) / (s.typicalPriceUsd + 5);
    boost -= 0.3 * Math.min(1, Math.abs(Math.log(ratio)));
  }
  const pop = s.channelPopularity?.get(item.id);
  if (pop) boost += 0.3 * Math.min(1, Math.log1p(pop) / Math.log(20));
  if (s.audience === 'gaming' && item.topics.some((t) => GAMING_AUDIENCE_TOPICS.has(t))) boost += 0.4;
  const cf = s.collaborative?.get(item.id);
  if (cf) boost += 0.6 * cf;
  return boost;
}
