/**
 * Out-of-scope rule of a trained encoder head (`crossfeed nlu train`), stored in its file and
 * applied by the engine and the benchmark alike. Its score for a message is
 *
 *   score = best in-scope p + cosineWeight * (highest cosine of the message's encoder vector to a
 *           class centroid of the in-scope training vectors)
 *
 * where p = 0.5 p_typescript + 0.5 p_head (the fixed average the benchmark and the rule read). The
 * answer is out-of-scope when the score is under `threshold`. The probability alone misses
 * out-of-scope messages that both models map confidently onto some intent; the cosine tells how far
 * the message is from everything the intents were taught with. On CLINC150's valid split the score
 * separates out-of-scope from in-scope better than either part (AUROC 0.988 vs 0.979 for p alone
 * and 0.981 for the cosine alone; docs/nlu-encoder.md 6e).
 *
 * Fitted on held-out examples only (`fitOosRule`): the cosine weight from a small grid by AUROC,
 * then the threshold that catches the most held-out OOS for at most `inScopeBudget` of held-out
 * in-scope accuracy.
 */

export interface OosRule {
  oosLabel: string;
  cosineWeight: number;
  threshold: number;
  /** In-scope labels and the unit centroid of each one's training vectors, in the same order. */
  labels: string[];
  centroids: number[][];
}

/** Share of the TypeScript model in the probabilities the rule reads (the rest is the head's). */
export const RULE_TS_WEIGHT = 0.5;
/** Cosine weights tried by `fitOosRule` (0: the probability alone). */
export const COSINE_WEIGHTS: readonly number[] = [0, 0.5, 1, 2, 4];
/**
 * Held-out in-scope accuracy the threshold may cost. Half a point, not the TypeScript model's one
 * point: on CLINC150 valid one point bought 4 more OOS of 100 (85 -> 89) for 18 in-scope answers.
 */
export const OOS_IN_SCOPE_BUDGET = 0.005;

type Scored = readonly { label: string; score: number }[];
type Ranked = readonly { intent: string; confidence: number }[];

/** The probabilities the rule reads: the TypeScript model's and the head's, averaged (the head's alone without a TypeScript model). */
export function ruleProbabilities(ts: Ranked | undefined, head: Scored): Map<string, number> {
  const w = ts ? RULE_TS_WEIGHT : 0;
  const p = new Map<string, number>();
  for (const x of head) p.set(x.label, (1 - w) * x.score);
  for (const x of ts ?? []) p.set(x.intent, (p.get(x.intent) ?? 0) + w * x.confidence);
  return p;
}

/** Best in-scope label and its probability, and whether the OOS label has the highest probability. */
export function bestInScope(p: ReadonlyMap<string, number>, oosLabel: string): { label: string | undefined; score: number; oosWins: boolean } {
  let label: string | undefined, score = -1;
  for (const [l, s] of p) if (l !== oosLabel && s > score) { label = l; score = s; }
  return { label, score: Math.max(0, score), oosWins: (p.get(oosLabel) ?? -1) > score };
}

export function maxCosine(centroids: readonly (readonly number[])[], v: ArrayLike<number>): number {
  let best = -1;
  for (const c of centroids) {
    let s = 0;
    for (let d = 0; d < c.length; d++) s += c[d]! * v[d]!;
    if (s > best) best = s;
  }
  return best;
}

export function oosScore(rule: Pick<OosRule, 'oosLabel' | 'cosineWeight' | 'centroids'>, p: ReadonlyMap<string, number>, v: ArrayLike<number>): number {
  return bestInScope(p, rule.oosLabel).score + rule.cosineWeight * maxCosine(rule.centroids, v);
}

/** Does the rule call the message out-of-scope (regardless of which label has the highest probability)? */
export function isOutOfScope(rule: OosRule, p: ReadonlyMap<string, number>, v: ArrayLike<number>): boolean {
  return oosScore(rule, p, v) < rule.threshold;
}

/** Unit centroid of each label's vectors, the OOS label left out. */
export function classCentroids(vectors: readonly ArrayLike<number>[], labels: readonly string[], oosLabel: string): { labels: string[]; centroids: number[][] } {
  const names = [...new Set(labels)].filter((l) => l !== oosLabel).sort();
  const index = new Map(names.map((l, k) => [l, k]));
  const dim = vectors[0]?.length ?? 0;
  const sums = names.map(() => new Float64Array(dim));
  vectors.forEach((v, i) => {
    const k = index.get(labels[i]!);
    if (k === undefined) return;
    for (let d = 0; d < dim; d++) sums[k]![d]! += v[d]!;
  });
  const centroids = sums.map((s) => {
    const n = Math.hypot(...s) || 1;
    return Array.from(s, (x) => Math.round((x / n) * 1e6) / 1e6);
  });
  return { labels: names, centroids };
}

export interface RulePoint {
  gold: string;
  /** `ruleProbabilities` of the models trained without this example. */
  p: ReadonlyMap<string, number>;
  vector: ArrayLike<number>;
}

/**
 * The rule for `centroids` (from the same training examples as the models that gave `points`), or
 * undefined when the held-out points lack OOS or in-scope examples.
 */
export function fitOosRule(points: readonly RulePoint[], centroids: { labels: string[]; centroids: number[][] }, o: { oosLabel: string; inScopeBudget?: number; cosineWeights?: readonly number[] }): OosRule | undefined {
  const oos = o.oosLabel;
  const isOos = points.map((x) => x.gold === oos);
  const nOos = isOos.filter(Boolean).length;
  if (nOos === 0 || nOos === points.length) return undefined;
  const best = points.map((x) => bestInScope(x.p, oos));
  const cos = points.map((x) => maxCosine(centroids.centroids, x.vector));
  // The cosine weight whose score ranks held-out in-scope above OOS best (AUROC); ties: the smaller weight.
  let weight = 0, bestAuc = -1;
  for (const w of o.cosineWeights ?? COSINE_WEIGHTS) {
    const s = best.map((b, i) => b.score + w * cos[i]!);
    const auc = auroc(s.filter((_, i) => !isOos[i]), s.filter((_, i) => isOos[i]));
    if (auc > bestAuc + 1e-9) { bestAuc = auc; weight = w; }
  }
  const score = best.map((b, i) => b.score + weight * cos[i]!);
  const nIn = points.length - nOos;
  const rates = (t: number) => {
    let inOk = 0, oosOk = 0;
    points.forEach((x, i) => {
      const saysOos = best[i]!.oosWins || score[i]! < t;
      if (isOos[i]) oosOk += saysOos ? 1 : 0;
      else inOk += !saysOos && best[i]!.label === x.gold ? 1 : 0;
    });
    return { inAcc: inOk / nIn, recall: oosOk / nOos };
  };
  const floor = rates(-Infinity).inAcc - (o.inScopeBudget ?? OOS_IN_SCOPE_BUDGET) - 1e-9;
  let threshold = -Infinity, bestRecall = rates(-Infinity).recall;
  // In-scope accuracy only falls as the threshold rises; ties go to the lowest threshold.
  for (const t of [...new Set(score)].sort((a, b) => a - b).map((s) => s + 1e-9)) {
    const r = rates(t);
    if (r.inAcc < floor) break;
    if (r.recall > bestRecall) { bestRecall = r.recall; threshold = t; }
  }
  if (threshold === -Infinity) return undefined;
  return { oosLabel: oos, cosineWeight: weight, threshold, labels: centroids.labels, centroids: centroids.centroids };
}

/** Probability that a random in-scope score is above a random OOS one (ties count half). */
export function auroc(inScope: readonly number[], outOfScope: readonly number[]): number {
  const all = [...inScope.map((s) => [s, 1] as const), ...outOfScope.map((s) => [s, 0] as const)].sort((a, b) => a[0] - b[0]);
  let rankSum = 0;
  for (let i = 0; i < all.length;) {
    let j = i;
    while (j < all.length && all[j]![0] === all[i]![0]) j++;
    const mid = (i + j + 1) / 2;
    for (let k = i; k < j; k++) if (all[k]![1] === 1) rankSum += mid;
    i = j;
  }
  const n1 = inScope.length, n0 = outOfScope.length;
  return n1 && n0 ? (rankSum - (n1 * (n1 + 1)) / 2) / (n1 * n0) : 0.5;
}
