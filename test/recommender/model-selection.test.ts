import assert from 'node:assert/strict';
import { solveEaseInline } from '../../recommender/collab/ease-solver.js';
import type { Interaction } from '../../recommender/collab/types.js';
import { evaluateInteractions } from '../../recommender/eval/evaluate.js';
import { splitLastByTime } from '../../recommender/eval/holdout.js';
import { selectModel } from '../../recommender/eval/select.js';
import { syntheticInteractions } from '../../recommender/eval/synthetic.js';

const clustered = () => syntheticInteractions({ items: 300, interactions: 12_000, clusters: 10, seed: 9 });

describe('model selection on the log itself (recommender/eval/select.ts)', function () {
  this.timeout(60_000);

  it('chooses lambda by validation recall: the best lambda tried wins, and a best lambda at the grid edge extends the grid', async () => {
    const s = await selectModel(clustered(), { candidates: ['ease'], solveEase: solveEaseInline });
    const best = [...s.lambdas].sort((a, b) => b.recall - a.recall || a.lambda - b.lambda)[0]!;
    assert.equal(s.lambda, best.lambda);
    assert.ok(s.lambdas.length >= 5, `grid plus refinement, got ${JSON.stringify(s.lambdas)}`);
    const tried = s.lambdas.map((l) => l.lambda);
    // The refinement brackets the winner unless the edge extension ran out of steps.
    assert.ok(tried.some((l) => l < s.lambda!) && tried.some((l) => l > s.lambda!), JSON.stringify(s.lambdas));
    // An explicit grid is respected.
    const fixed = await selectModel(clustered(), { candidates: ['ease'], lambdas: [0.5, 50, 5000], solveEase: solveEaseInline });
    assert.deepEqual(fixed.lambdas.map((l) => l.lambda), [0.5, 50, 5000]);
  });

  it('serves the model with the best validation recall@k, and refits it on the whole log', async () => {
    const s = await selectModel(clustered(), { solveEase: solveEaseInline });
    const ranked = [...s.figures].sort((a, b) => b.recall - a.recall);
    assert.equal(s.served, ranked[0]!.algorithm);
    assert.notEqual(s.served, 'popularity', JSON.stringify(s.figures));
    assert.equal(s.model.algorithm, s.served);
    assert.equal(s.model.itemCount, new Set(clustered().map((x) => x.item)).size, 'the served model knows the validation items too');
  });

  it('serves popularity when the log has nothing collaborative to learn', async () => {
    // Everyone takes the same items in the same order: the next most popular item is the answer.
    const log: Interaction[] = [];
    for (let u = 0; u < 60; u++) for (let i = 0; i < 3 + (u % 3); i++) log.push({ user: `u${u}`, item: `i${i}`, timestamp: i });
    for (let u = 0; u < 60; u++) log.push({ user: `u${u}`, item: `rare${u}`, timestamp: -1 });
    const s = await selectModel(log, { solveEase: solveEaseInline });
    const pop = s.figures.find((f) => f.algorithm === 'popularity')!;
    assert.ok(s.figures.every((f) => f.recall <= pop.recall), JSON.stringify(s.figures));
    assert.equal(s.served, 'popularity', 'on a tie the simpler model is served');
  });

  it('keeps item-kNN when EASE does not fit, saying why', async () => {
    const s = await selectModel(clustered(), { ease: { maxItems: 100 }, solveEase: solveEaseInline });
    const ease = s.figures.find((f) => f.algorithm === 'ease')!;
    assert.match(ease.skipped ?? '', /above the EASE limit of 100/);
    assert.equal(s.served, 'item-knn');
  });

  it('recs eval chooses on a split of the training part only, never on the test items', async () => {
    const log = clustered();
    const e = await evaluateInteractions(log, { k: 10, select: { solveEase: solveEaseInline } });
    const direct = await selectModel(splitLastByTime(log).train, { solveEase: solveEaseInline });
    assert.equal(e.algorithm, direct.served);
    assert.equal(e.report.served, direct.served);
    assert.deepEqual(e.selection?.lambdas, direct.lambdas);
    for (const name of ['popularity', 'item-knn', 'ease'] as const) assert.ok(e.report[name], `${name} evaluated side by side`);
    assert.equal(e.report.recall_at_k, e.report[e.algorithm as 'ease']!.recall_at_k);
  });
});
