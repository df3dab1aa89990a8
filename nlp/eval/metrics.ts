/**
 * Intent and entity metrics, defined as in the CLINC150 paper (Larson et al. 2019) so that figures
 * compare with published ones: in-scope accuracy over gold in-scope utterances only, OOS recall
 * over gold OOS utterances, and macro F1 over every label, OOS included.
 */
import type { ConfusedPair, EntitySpan, IntentMetrics, IntentOutcome } from './types.js';

const ratio = (num: number, den: number): number | null => (den === 0 ? null : num / den);

export function intentMetrics(outcomes: readonly IntentOutcome[], oosLabel: string, topConfused = 10): IntentMetrics {
  if (outcomes.length === 0) throw new RangeError('no test outcomes to score');
  let correct = 0, inScope = 0, inScopeCorrect = 0, goldOos = 0, predictedOos = 0, bothOos = 0;
  const tp = new Map<string, number>(), goldCount = new Map<string, number>(), predCount = new Map<string, number>();
  const confused = new Map<string, ConfusedPair>();
  const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
  for (const { gold, predicted } of outcomes) {
    bump(goldCount, gold);
    bump(predCount, predicted);
    if (gold === predicted) {
      correct++;
      bump(tp, gold);
    } else {
      const key = JSON.stringify([gold, predicted]);
      const pair = confused.get(key) ?? { gold, predicted, count: 0 };
      pair.count++;
      confused.set(key, pair);
    }
    if (gold === oosLabel) goldOos++;
    else {
      inScope++;
      if (gold === predicted) inScopeCorrect++;
    }
    if (predicted === oosLabel) {
      predictedOos++;
      if (gold === oosLabel) bothOos++;
    }
  }
  const labels = new Set([...goldCount.keys(), ...predCount.keys()]);
  let f1Sum = 0;
  for (const l of labels) {
    const t = tp.get(l) ?? 0, g = goldCount.get(l) ?? 0, p = predCount.get(l) ?? 0;
    f1Sum += g + p === 0 ? 0 : (2 * t) / (g + p);
  }
  return {
    intent_accuracy: correct / outcomes.length,
    in_scope_accuracy: inScope === 0 ? 0 : inScopeCorrect / inScope,
    oos_recall: ratio(bothOos, goldOos),
    oos_precision: ratio(bothOos, predictedOos),
    macro_f1: f1Sum / labels.size,
    confused: [...confused.values()]
      .sort((a, b) => b.count - a.count || a.gold.localeCompare(b.gold) || a.predicted.localeCompare(b.predicted))
      .slice(0, topConfused),
  };
}

/**
 * Micro F1 over exact spans: a predicted entity counts only when start, end and label all match
 * a gold entity of the same utterance. 1 when neither side has any entity.
 */
export function entityF1(gold: readonly (readonly EntitySpan[])[], predicted: readonly (readonly EntitySpan[])[]): number {
  if (gold.length !== predicted.length) throw new RangeError(`entityF1: ${gold.length} gold rows but ${predicted.length} predicted`);
  let tp = 0, nGold = 0, nPred = 0;
  gold.forEach((g, i) => {
    const key = (e: EntitySpan) => `${e.start}:${e.end}:${e.label}`;
    const want = new Map<string, number>();
    for (const e of g) want.set(key(e), (want.get(key(e)) ?? 0) + 1);
    nGold += g.length;
    for (const e of predicted[i]!) {
      nPred++;
      const left = want.get(key(e)) ?? 0;
      if (left > 0) {
        tp++;
        want.set(key(e), left - 1);
      }
    }
  });
  if (nGold + nPred === 0) return 1;
  return (2 * tp) / (nGold + nPred);
}
