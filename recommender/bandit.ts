import { beta, stableHash, type Rng } from './random.js';

/** Clicks out of impressions for one arm (an item, or a message template). */
export interface ArmStats {
  impressions: number;
  clicks: number;
}

export interface BanditOptions {
  /** Beta prior: a prior click rate of priorClicks / priorImpressions. */
  priorClicks: number;
  priorImpressions: number;
  /** How much a sampled click rate may move an item against relevance (score units per unit rate). */
  weight: number;
  /** Monte Carlo draws to estimate each shown item's propensity. */
  propensityDraws: number;
}

export const DefaultBanditOptions = {
  priorClicks: 1,
  priorImpressions: 20,
  weight: 4,
  propensityDraws: 64,
} as const satisfies BanditOptions;

export interface Arm {
  id: string;
  /** Relevance score from retrieval and ranking. */
  base: number;
  stats: ArmStats | undefined;
}

export interface BanditChoice {
  /** Chosen arm ids, best first. */
  chosen: string[];
  /** Probability each chosen arm would be in the top `k` under the policy (for off-policy evaluation). */
  propensity: Map<string, number>;
}

/**
 * Thompson sampling over candidates: each arm's click rate is drawn from its Beta posterior and
 * added to its relevance; the top `k` of the perturbed scores are shown. Relevance still
 * dominates (weight x rate is small next to topic and budget fit), so exploration reorders
 * near-ties rather than showing off-topic items.
 */
export function thompsonTopK(arms: readonly Arm[], k: number, rng: Rng, o: BanditOptions = DefaultBanditOptions): BanditChoice {
  const draw = () => {
    const scored = arms.map((a) => {
      const clicks = (a.stats?.clicks ?? 0) + o.priorClicks;
      const misses = Math.max(0, (a.stats?.impressions ?? 0) - (a.stats?.clicks ?? 0)) + o.priorImpressions - o.priorClicks;
      return { id: a.id, s: a.base + o.weight * beta(clicks, misses, rng) };
    });
    scored.sort((x, y) => y.s - x.s || x.id.localeCompare(y.id));
    return scored.slice(0, k).map((x) => x.id);
  };
  const chosen = draw();
  const counts = new Map<string, number>(chosen.map((id) => [id, 0]));
  for (let i = 0; i < o.propensityDraws; i++) {
    for (const id of draw()) if (counts.has(id)) counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  // +1/+1 smoothing keeps a logged propensity strictly inside (0, 1].
  const propensity = new Map(chosen.map((id) => [id, ((counts.get(id) ?? 0) + 1) / (o.propensityDraws + 1)]));
  return { chosen, propensity };
}

/** Stable A/B assignment: the same user always lands in the same variant of an experiment. */
export function assignVariant<V extends string>(userKey: string, experiment: string, variants: readonly V[]): V {
  const v = variants[stableHash(`${experiment}\u0000${userKey}`) % variants.length];
  if (v === undefined) throw new Error('assignVariant needs at least one variant');
  return v;
}
