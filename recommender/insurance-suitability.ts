import type { Insurance } from '../data/catalog/types.js';
import type { RecommendRequest } from './request.js';

/**
 * Orders insurance products that already passed eligibility (age limits, region, type asked).
 * A logistic regression over documented features of the person and the product; the default
 * weights encode the rules of thumb below and `fitSuitability` re-estimates them from logged
 * outcomes (purchases vs. impressions) once there are enough.
 */
export const SUITABILITY_FEATURES = [
  /** The product is the type the person asked for (travel, health, ...). */
  'type_match',
  /** Age sits in the middle of the product's age band rather than at its edge (0..1). */
  'age_centred',
  /** Price relative to the cheapest eligible product (1 = cheapest, 0 = 3x or more). */
  'price_fit',
  /** The product is aimed at gamers or creators and the person is in a game stream. */
  'audience_fit',
  /** Within the person's stated budget. */
  'within_budget',
] as const;
export type SuitabilityFeature = (typeof SUITABILITY_FEATURES)[number];

export interface SuitabilityModel {
  bias: number;
  weights: Record<SuitabilityFeature, number>;
}

export const DefaultSuitability: SuitabilityModel = {
  bias: -2,
  weights: { type_match: 2.5, age_centred: 0.8, price_fit: 1.2, audience_fit: 0.6, within_budget: 0.7 },
};

const REASONS: Record<SuitabilityFeature, string> = {
  type_match: 'the type of cover you asked about',
  age_centred: 'designed for your age group',
  price_fit: 'among the lowest premiums you are eligible for',
  audience_fit: 'made for players and creators',
  within_budget: 'within your budget',
};

export function suitabilityFeatures(item: Insurance, req: RecommendRequest, ctx: { cheapestUsd: number; priceUsd: number; gaming: boolean }): Record<SuitabilityFeature, number> {
  const mid = (item.minAge + item.maxAge) / 2;
  const half = Math.max(1, (item.maxAge - item.minAge) / 2);
  const age = req.age;
  return {
    type_match: req.insuranceType && req.insuranceType === item.insuranceType ? 1 : 0,
    age_centred: age === undefined ? 0 : Math.max(0, 1 - Math.abs(age - mid) / half),
    price_fit: Math.max(0, 1 - Math.log(Math.max(1, ctx.priceUsd / Math.max(0.01, ctx.cheapestUsd))) / Math.log(3)),
    audience_fit: ctx.gaming && /gam|esport|lan|stream|creator|tournament|player/i.test(`${item.title} ${item.description}`) ? 1 : 0,
    within_budget: req.budget?.max !== undefined ? 1 : 0,
  };
}

export function suitability(model: SuitabilityModel, x: Record<SuitabilityFeature, number>): { probability: number; topReason: string; topFeature: SuitabilityFeature } {
  let z = model.bias;
  let best: SuitabilityFeature = 'type_match';
  let bestContribution = -Infinity;
  for (const f of SUITABILITY_FEATURES) {
    const c = model.weights[f] * x[f];
    z += c;
    if (c > bestContribution) { bestContribution = c; best = f; }
  }
  return { probability: 1 / (1 + Math.exp(-z)), topReason: REASONS[best], topFeature: best };
}

/**
 * Logistic regression by gradient descent with L2, from (features, bought?) examples. Returns
 * the defaults when there are too few examples of either outcome to learn from.
 */
export function fitSuitability(examples: readonly { x: Record<SuitabilityFeature, number>; y: 0 | 1 }[], o = { epochs: 300, learningRate: 0.1, l2: 0.01, minPerClass: 20 }): SuitabilityModel {
  const pos = examples.filter((e) => e.y === 1).length;
  if (pos < o.minPerClass || examples.length - pos < o.minPerClass) return DefaultSuitability;
  const w: Record<SuitabilityFeature, number> = { ...DefaultSuitability.weights };
  let b = DefaultSuitability.bias;
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    const grad: Record<string, number> = {};
    let gb = 0;
    for (const e of examples) {
      const p = suitability({ bias: b, weights: w }, e.x).probability;
      const err = p - e.y;
      gb += err;
      for (const f of SUITABILITY_FEATURES) grad[f] = (grad[f] ?? 0) + err * e.x[f];
    }
    b -= (o.learningRate * gb) / examples.length;
    for (const f of SUITABILITY_FEATURES) w[f] -= o.learningRate * ((grad[f] ?? 0) / examples.length + o.l2 * w[f]);
  }
  return { bias: b, weights: w };
}
