import assert from 'node:assert/strict';
import { buildMatrix } from '../../recommender/collab/matrix.js';
import { EaseModel, easeDoesNotFit, invertSpdInPlace, trainEase } from '../../recommender/collab/ease.js';
import { solveEaseInline, solveEaseInWorker } from '../../recommender/collab/ease-solver.js';
import { fromJSON, type Interaction } from '../../recommender/collab/index.js';
import { seededRandom } from '../../recommender/collab/random.js';

/** An independent dense inverse (Gauss-Jordan with partial pivoting) on plain arrays. */
function gaussJordanInverse(m: number[][]): number[][] {
  const n = m.length;
  const a = m.map((row, i) => [...row, ...Array.from({ length: n }, (_, j) => (i === j ? 1 : 0))]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r]![c]!) > Math.abs(a[p]![c]!)) p = r;
    [a[c], a[p]] = [a[p]!, a[c]!];
    const pivot = a[c]![c]!;
    for (let j = 0; j < 2 * n; j++) a[c]![j]! /= pivot;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = a[r]![c]!;
      for (let j = 0; j < 2 * n; j++) a[r]![j]! -= f * a[c]![j]!;
    }
  }
  return a.map((row) => row.slice(n));
}

const log = (users: Record<string, string[]>): Interaction[] =>
  Object.entries(users).flatMap(([user, items]) => items.map((item, t) => ({ user, item, timestamp: t })));

describe('EASE (recommender/collab/ease.ts)', () => {
  it('matches a hand-computed example: B = I - P diag(1/diag P), diag(B) = 0', () => {
    // X^T X + I = [[3,2,1],[2,4,2],[1,2,3]], det 16, P = [[8,-4,0],[-4,8,-4],[0,-4,8]] / 16,
    // so B[i][j] = -P[i][j] / P[j][j] = [[0,.5,0],[.5,0,.5],[0,.5,0]].
    const model = trainEase(log({ u1: ['A', 'B'], u2: ['A', 'B', 'C'], u3: ['B', 'C'] }), { lambda: 1 });
    const scores = (h: string) => Object.fromEntries(model.recommend([h], 3).map((r) => [r.itemId, Number(r.score.toFixed(12))]));
    assert.deepEqual(scores('A'), { B: 0.5, C: 0 });
    assert.deepEqual(scores('B'), { A: 0.5, C: 0.5 });
    assert.deepEqual(scores('C'), { A: 0, B: 0.5 });
    assert.deepEqual(model.recommend(['A', 'C'], 3).map((r) => [r.itemId, r.score]), [['B', 1]], 'rows summed, seen items never returned');
  });

  it('the blocked in-place inverse agrees with an independent Gauss-Jordan inverse at every block edge', () => {
    const rand = seededRandom(11);
    for (const n of [1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 13, 17]) {
      const m = Array.from({ length: n }, () => Array.from({ length: n }, () => rand() - 0.5));
      const spd = m.map((ri, i) => m.map((rj, j) => ri.reduce((s, x, k) => s + x * rj[k]!, 0) + (i === j ? 0.5 : 0)));
      const a = new Float64Array(n * n);
      for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) a[i * n + j] = spd[i]![j]!;
      const diag = new Float64Array(n);
      invertSpdInPlace(a, n, diag);
      const want = gaussJordanInverse(spd);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j <= i; j++) {
          const got = i === j ? diag[i]! : a[i * n + j]!;
          assert.ok(Math.abs(got - want[i]![j]!) < 1e-8 * (1 + Math.abs(want[i]![j]!)), `n=${n} P[${i}][${j}] ${got} vs ${want[i]![j]}`);
        }
      }
    }
  });

  it('trains the same weights in a worker thread, and survives a JSON round trip', async () => {
    const l = log({ u1: ['A', 'B'], u2: ['A', 'B', 'C'], u3: ['B', 'C'], u4: ['C', 'D'], u5: ['A', 'D'] });
    const m = buildMatrix(l, { maxItemsPerUser: 1000 });
    const progress: string[] = [];
    const [inline, worker] = await Promise.all([solveEaseInline(m, { lambda: 2 }), solveEaseInWorker(m, { lambda: 2 }, (_d, _t, phase) => progress.push(phase))]);
    for (const h of ['A', 'B', 'C', 'D']) assert.deepEqual(worker.recommend([h], 3), inline.recommend([h], 3));
    assert.ok(progress.includes('product'), 'progress is reported from the worker');
    const restored = fromJSON(JSON.stringify(inline));
    assert.ok(restored instanceof EaseModel);
    assert.deepEqual(restored.recommend(['A'], 3), inline.recommend(['A'], 3));
  });

  it('refuses catalogs above its item limit or memory budget, with the reason', async () => {
    assert.match(easeDoesNotFit(20_001) ?? '', /above the EASE limit of 20000/);
    assert.match(easeDoesNotFit(10_000, { memoryBudgetBytes: 2 ** 30 }) ?? '', /1\.12 GiB, above the EASE memory budget of 1\.00 GiB/);
    assert.equal(easeDoesNotFit(10_000), undefined);
    const m = buildMatrix(log({ u1: ['A', 'B'], u2: ['B', 'C'] }), { maxItemsPerUser: 10 });
    await assert.rejects(solveEaseInWorker(m, { maxItems: 2 }), /3 items is above the EASE limit of 2/);
  });

  it('a running solve in the worker can be stopped (shutdown never waits for it)', async () => {
    const users: Record<string, string[]> = {};
    for (let u = 0; u < 3000; u++) users[`u${u}`] = [`i${u % 1500}`, `i${(u * 7) % 1500}`];
    const m = buildMatrix(log(users), { maxItemsPerUser: 10 });
    await assert.rejects(solveEaseInWorker(m, { lambda: 5 }, undefined, AbortSignal.abort()), { name: 'AbortError' });
    const stop = new AbortController();
    const running = solveEaseInWorker(m, { lambda: 5 }, () => stop.abort(), stop.signal);
    await assert.rejects(running, { name: 'AbortError' });
  });

  it('session context: items of this conversation weigh more than old history', () => {
    // A -> B strongly (many users), C -> D weakly: an old A outweighs a fresh C unless C is boosted.
    const users: Record<string, string[]> = {};
    for (let u = 0; u < 12; u++) users[`ab${u}`] = ['A', 'B'];
    for (let u = 0; u < 3; u++) users[`cd${u}`] = ['C', 'D'];
    for (let u = 0; u < 6; u++) users[`x${u}`] = ['D', 'E'];
    const model = trainEase(log(users), { lambda: 1 });
    assert.equal(model.recommend(['A', 'C'], 1)[0]?.itemId, 'B');
    assert.equal(model.recommend(['A', 'C'], 1, [], { boost: new Map([['C', 4]]) })[0]?.itemId, 'D');
  });
});
