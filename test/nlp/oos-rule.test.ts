import assert from 'node:assert/strict';
import { auroc, bestInScope, classCentroids, fitOosRule, isOutOfScope, oosScore, ruleProbabilities, type RulePoint } from '../../nlp/intent/oos-rule.js';
import { checkEncoderHead, trainEncoderHeadWithRule } from '../../nlp/intent/encoder-head.js';
import type { IntentExample } from '../../nlp/intent/index.js';
import { headScores } from '../../nlp/encoder.js';
import { seededRng } from '../../recommender/random.js';

const DIM = 384;
const rng = seededRng(11);
/** A unit vector near axis `axis` (noise `spread`); far from every axis when axis < 0. */
function vec(axis: number, spread = 0.3): Float32Array {
  const v = new Float32Array(DIM);
  for (let d = 0; d < DIM; d++) v[d] = (rng() - 0.5) * spread * (axis < 0 ? 4 : 1) / Math.sqrt(DIM) * 4;
  if (axis >= 0) v[axis] = (v[axis] ?? 0) + 1;
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}
const probs = (entries: [string, number][]) => new Map(entries);

describe('nlp/intent/oos-rule: out-of-scope score of a trained encoder head', () => {
  it('averages the TypeScript model and the head (an intent one lacks counts 0 there); the head alone without a TypeScript model', () => {
    const p = ruleProbabilities([{ intent: 'a', confidence: 0.8 }, { intent: 'oos', confidence: 0.2 }], [{ label: 'a', score: 0.4 }, { label: 'b', score: 0.6 }]);
    assert.deepEqual([...p].sort().map(([l, x]) => [l, Math.round(x * 1e9) / 1e9]), [['a', 0.6], ['b', 0.3], ['oos', 0.1]]);
    assert.deepEqual([...ruleProbabilities(undefined, [{ label: 'a', score: 1 }])], [['a', 1]]);
    assert.deepEqual(bestInScope(probs([['oos', 0.5], ['a', 0.3], ['b', 0.2]]), 'oos'), { label: 'a', score: 0.3, oosWins: true });
  });

  it('AUROC: 1 when every in-scope score is above every OOS one, 0.5 for ties', () => {
    assert.equal(auroc([3, 4], [1, 2]), 1);
    assert.equal(auroc([1], [2]), 0);
    assert.equal(auroc([1, 1], [1]), 0.5);
  });

  it('class centroids are unit vectors of the in-scope labels, OOS left out', () => {
    const c = classCentroids([vec(0), vec(0), vec(1), vec(-1)], ['a', 'a', 'b', 'oos'], 'oos');
    assert.deepEqual(c.labels, ['a', 'b']);
    for (const v of c.centroids) assert.ok(Math.abs(Math.hypot(...v) - 1) < 1e-4);
    assert.ok(c.centroids[0]![0]! > 0.9 && c.centroids[1]![1]! > 0.9);
  });

  // Held-out points: in-scope near their class axis, OOS far from all; both models equally sure of everything.
  const centroids = classCentroids(Array.from({ length: 40 }, (_, i) => vec(i % 4)), Array.from({ length: 40 }, (_, i) => `c${i % 4}`), 'oos');
  const points = (n: number, oos: number, p: (gold: string, i: number) => Map<string, number>): RulePoint[] => [
    ...Array.from({ length: n }, (_, i) => ({ gold: `c${i % 4}`, p: p(`c${i % 4}`, i), vector: vec(i % 4) })),
    ...Array.from({ length: oos }, (_, i) => ({ gold: 'oos', p: p('c0', i), vector: vec(-1) })),
  ];

  it('uses the cosine when it separates OOS and the probability does not, and catches the OOS within the in-scope budget', () => {
    const held = points(200, 40, (g) => probs([[g, 0.9], ['oos', 0.1]]));
    const rule = fitOosRule(held, centroids, { oosLabel: 'oos' });
    assert.ok(rule, 'a rule');
    assert.ok(rule.cosineWeight > 0, `cosine weight ${rule.cosineWeight}`);
    const saysOos = held.map((x) => isOutOfScope(rule, x.p, x.vector));
    assert.equal(saysOos.filter((s, i) => s && held[i]!.gold === 'oos').length, 40);
    assert.ok(saysOos.filter((s, i) => s && held[i]!.gold !== 'oos').length <= 1, 'at most half a point of 200 in-scope');
  });

  it('keeps the probability alone when the cosine only adds noise', () => {
    // OOS points sit on the class axes too (the cosine cannot tell them), but both models doubt them.
    const held: RulePoint[] = [
      ...Array.from({ length: 200 }, (_, i) => ({ gold: `c${i % 4}`, p: probs([[`c${i % 4}`, 0.9 + 0.05 * rng()], ['oos', 0.05]]), vector: vec(i % 4, 1.5) })),
      ...Array.from({ length: 40 }, (_, i) => ({ gold: 'oos', p: probs([['c0', 0.3 + 0.1 * rng()], ['oos', 0.2]]), vector: vec(i % 4, 1.5) })),
    ];
    const rule = fitOosRule(held, centroids, { oosLabel: 'oos' });
    assert.equal(rule?.cosineWeight, 0);
    assert.ok(rule!.threshold > 0.3 && rule!.threshold < 0.9, `threshold ${rule!.threshold}`);
    assert.equal(oosScore(rule!, held[0]!.p, held[0]!.vector), bestInScope(held[0]!.p, 'oos').score);
  });

  it('never spends more than the in-scope budget, and is absent without OOS or in-scope held-out examples', () => {
    // OOS and in-scope look the same: any threshold that catches OOS costs in-scope answers.
    const same = points(200, 40, (g, i) => probs([[g, 0.5 + 0.4 * ((i * 7919) % 97) / 97], ['oos', 0.05]]));
    same.forEach((x) => (x.vector = vec(0)));
    const rule = fitOosRule(same, centroids, { oosLabel: 'oos', inScopeBudget: 0.01 });
    const lost = rule ? same.filter((x) => x.gold !== 'oos' && isOutOfScope(rule, x.p, x.vector)).length : 0;
    assert.ok(lost <= 2, `${lost} of 200 in-scope lost`);
    assert.equal(fitOosRule(points(20, 0, (g) => probs([[g, 1]])), centroids, { oosLabel: 'oos' }), undefined);
    assert.equal(fitOosRule(points(0, 5, (g) => probs([[g, 1]])), centroids, { oosLabel: 'oos' }), undefined);
  });

  it('trainEncoderHeadWithRule fits the rule on held-out examples, with a head and centroids trained without them when they were carved out', () => {
    const train: IntentExample[] = [];
    const vectors: Float32Array[] = [];
    for (let i = 0; i < 120; i++) { train.push({ text: `t${i}`, intent: i % 6 === 5 ? 'oos' : `c${i % 6}` }); vectors.push(vec(i % 6 === 5 ? -1 : i % 6)); }
    const held = train.filter((_, i) => i % 7 === 0);
    const heldOut = { examples: held, labels: ['c0', 'c1', 'c2', 'c3', 'c4', 'oos'], probabilities: held.map(() => Float64Array.from([0.2, 0.2, 0.2, 0.2, 0.1, 0.1])) };
    const heldOutVectors = held.map((e) => vectors[train.indexOf(e)]!);
    const hash = 'a'.repeat(64);
    let heldOutEpochs = 0;
    const head = trainEncoderHeadWithRule(hash, { train, vectors, heldOut, heldOutVectors, oosLabel: 'oos', options: { seed: 3, epochs: 5 }, onHeldOutProgress: () => void heldOutEpochs++ });
    assert.ok(head.oos, 'a rule');
    assert.equal(heldOutEpochs, 5, 'a head trained without the carved examples judged them');
    assert.deepEqual(head.oos.labels, ['c0', 'c1', 'c2', 'c3', 'c4']);
    // The stored centroids are over all of train (the held-out examples included).
    assert.deepEqual(head.oos.centroids, classCentroids(vectors, train.map((e) => e.intent), 'oos').centroids);
    const ts = (k: number) => heldOut.labels.map((l, c) => ({ intent: l, confidence: heldOut.probabilities[k]![c]! }));
    assert.deepEqual(held.map((e, k) => isOutOfScope(head.oos!, ruleProbabilities(ts(k), headScores(head, heldOutVectors[k]!)), heldOutVectors[k]!)), held.map((e) => e.intent === 'oos'));
    const again = checkEncoderHead(JSON.parse(JSON.stringify(head)), 'h.json', hash);
    assert.deepEqual(again.oos, head.oos);
    assert.throws(() => checkEncoderHead({ ...head, oos: { ...head.oos, centroids: [[1, 2]] } }, '/tmp/encoder-intent.json'), /encoder-intent\.json.*out-of-scope rule/);
    // Without OOS among the held-out examples there is no rule.
    const noOos = held.filter((e) => e.intent !== 'oos');
    const plain = trainEncoderHeadWithRule(hash, { train, vectors, heldOut: { ...heldOut, examples: noOos }, heldOutVectors: noOos.map((e) => vectors[train.indexOf(e)]!), oosLabel: 'oos', options: { seed: 3, epochs: 5 } });
    assert.equal(plain.oos, undefined);
    // A validation split apart from train: the head on train judges it, no second head.
    heldOutEpochs = 0;
    const rest = train.filter((e) => !held.includes(e));
    const split = trainEncoderHeadWithRule(hash, { train: rest, vectors: rest.map((e) => vectors[train.indexOf(e)]!), heldOut, heldOutVectors, oosLabel: 'oos', options: { seed: 3, epochs: 5 }, onHeldOutProgress: () => void heldOutEpochs++ });
    assert.ok(split.oos);
    assert.equal(heldOutEpochs, 0);
  });
});
