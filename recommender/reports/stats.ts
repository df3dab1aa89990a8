/**
 * Statistics for reports, pure. Intervals are 95% normal approximations; each function says
 * "not enough data" rather than print an interval that means nothing.
 */

const Z95 = 1.959964;

export type Interval = { low: number; high: number };

export type LiftResult =
  | { enough: false; reason: string; explore: Arm; control: Arm }
  | { enough: true; explore: Arm; control: Arm; ctrDifference: number; ctrDifferenceCi: Interval; relativeLift: number; relativeLiftCi: Interval; significant: boolean };

export interface Arm { impressions: number; clicks: number; ctr: number }

export const DefaultLiftMinimums = { impressions: 200, clicks: 10 } as const;

/**
 * Explore vs control click-through: the difference of two proportions (Wald interval) and the
 * relative lift with an interval from the log of the ratio (delta method).
 */
export function ctrLift(explore: { impressions: number; clicks: number }, control: { impressions: number; clicks: number }, min = DefaultLiftMinimums): LiftResult {
  const e = arm(explore);
  const c = arm(control);
  for (const [name, a] of [['explore', e], ['control', c]] as const) {
    if (a.impressions < min.impressions) return { enough: false, reason: `not enough data: ${name} has ${a.impressions} impressions (needs ${min.impressions})`, explore: e, control: c };
    if (a.clicks < min.clicks) return { enough: false, reason: `not enough data: ${name} has ${a.clicks} clicks (needs ${min.clicks})`, explore: e, control: c };
  }
  const diff = e.ctr - c.ctr;
  const se = Math.sqrt((e.ctr * (1 - e.ctr)) / e.impressions + (c.ctr * (1 - c.ctr)) / c.impressions);
  const logRatio = Math.log(e.ctr / c.ctr);
  const seLog = Math.sqrt((1 - e.ctr) / e.clicks + (1 - c.ctr) / c.clicks);
  const ctrDifferenceCi = { low: diff - Z95 * se, high: diff + Z95 * se };
  return {
    enough: true, explore: e, control: c, ctrDifference: diff, ctrDifferenceCi,
    relativeLift: Math.exp(logRatio) - 1,
    relativeLiftCi: { low: Math.exp(logRatio - Z95 * seLog) - 1, high: Math.exp(logRatio + Z95 * seLog) - 1 },
    significant: ctrDifferenceCi.low > 0 || ctrDifferenceCi.high < 0,
  };
}

function arm(a: { impressions: number; clicks: number }): Arm {
  return { impressions: a.impressions, clicks: a.clicks, ctr: a.impressions > 0 ? a.clicks / a.impressions : 0 };
}

/** Logged impressions sharing a target probability, logging propensity and outcome counts. */
export interface LoggedGroup {
  /** Probability the logging policy showed the item (logged with the impression). */
  propensity: number;
  /** Probability the policy being evaluated would show it. */
  target: number;
  impressions: number;
  clicks: number;
}

export type OffPolicyResult =
  | { enough: false; reason: string; effectiveSampleSize: number }
  | { enough: true; ctr: number; ci: Interval; effectiveSampleSize: number };

/**
 * Self-normalized inverse propensity scoring: sum(w r) / sum(w) with w = target / propensity,
 * its variance by the delta method, and Kish's effective sample size (too few -> not enough data).
 */
export function snips(groups: readonly LoggedGroup[], minEffectiveSample = 100): OffPolicyResult {
  const sums: WeightSums = { sw: 0, sw2: 0, swr: 0, sw2r: 0 };
  for (const g of groups) {
    if (g.propensity <= 0 || g.target <= 0) continue;
    const w = g.target / g.propensity;
    sums.sw += w * g.impressions;
    sums.sw2 += w * w * g.impressions;
    sums.swr += w * g.clicks;
    sums.sw2r += w * w * g.clicks;
  }
  return snipsFromSums(sums, minEffectiveSample);
}

/** Sums over impressions of w, w^2, w * click and w^2 * click (clicks are 0 or 1). */
export interface WeightSums { sw: number; sw2: number; swr: number; sw2r: number }

export function snipsFromSums(s: WeightSums, minEffectiveSample = 100): OffPolicyResult {
  const ess = s.sw2 > 0 ? (s.sw * s.sw) / s.sw2 : 0;
  if (ess < minEffectiveSample) return { enough: false, reason: `not enough data: effective sample size ${Math.round(ess)} (needs ${minEffectiveSample})`, effectiveSampleSize: ess };
  const v = s.swr / s.sw;
  // sum of w^2 (r - v)^2: clicks contribute (1 - v)^2, the rest v^2.
  const num = s.sw2r * (1 - v) ** 2 + (s.sw2 - s.sw2r) * v * v;
  const se = Math.sqrt(Math.max(0, num)) / s.sw;
  return { enough: true, ctr: v, ci: { low: Math.max(0, v - Z95 * se), high: Math.min(1, v + Z95 * se) }, effectiveSampleSize: ess };
}
