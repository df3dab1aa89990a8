import assert from 'node:assert/strict';
import { SeededRandom } from '../../nlp/intent/numeric.js';
import { trainLinearSvm } from '../../nlp/intent/svm.js';
import type { SparseVector } from '../../nlp/intent/vectorizer.js';

/** Three classes, each marked by its own feature among shared noise features (rows 3..19). */
function toyData(n: number, seed: number): { xs: SparseVector[]; ys: Int32Array } {
  const rng = new SeededRandom(seed);
  const xs: SparseVector[] = [];
  const ys = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const y = i % 3;
    const noise = [...new Set([3 + rng.int(17), 3 + rng.int(17)])].sort((a, b) => a - b);
    xs.push({ idx: Int32Array.from([y, ...noise]), val: Float32Array.from([1, ...noise.map(() => 0.5)]) });
    ys[i] = y;
  }
  return { xs, ys };
}

const score = (w: Float32Array, b: Float32Array, classes: number, x: SparseVector, c: number) => {
  let s = b[c]!;
  for (let k = 0; k < x.idx.length; k++) s += w[x.idx[k]! * classes + c]! * x.val[k]!;
  return s;
};

describe('nlp/intent: one-vs-rest linear SVM member', () => {
  it('separates the classes with a margin: own class scores positive, the others negative', async () => {
    const { xs, ys } = toyData(90, 3);
    const m = await trainLinearSvm(xs, ys, 20, 3, { c: 1, tolerance: 0.01, maxIterations: 200 }, 1, async () => undefined);
    const test = toyData(30, 99);
    test.xs.forEach((x, i) => {
      for (let c = 0; c < 3; c++) {
        const s = score(m.w, m.b, 3, x, c);
        if (c === test.ys[i]) assert.ok(s > 0.5, `own class ${c} scores ${s}`);
        else assert.ok(s < -0.5, `class ${c} scores ${s} for an example of ${test.ys[i]}`);
      }
    });
    // The marker features carry the decision, the shared noise features almost nothing.
    for (let c = 0; c < 3; c++) assert.ok(m.w[c * 3 + c]! > 5 * Math.abs(m.w[10 * 3 + c]!), 'marker weight dominates noise');
  });

  it('is deterministic for a seed and reports each class to the progress callback', async () => {
    const { xs, ys } = toyData(60, 5);
    const seen: number[] = [];
    const a = await trainLinearSvm(xs, ys, 20, 3, { c: 1, tolerance: 0.1, maxIterations: 60 }, 7, async (c) => void seen.push(c));
    const b = await trainLinearSvm(xs, ys, 20, 3, { c: 1, tolerance: 0.1, maxIterations: 60 }, 7, async () => undefined);
    assert.deepEqual(seen, [0, 1, 2]);
    assert.deepEqual(a.toJSON(), b.toJSON());
  });

  it('regularises more with a smaller cost: weights shrink', async () => {
    const { xs, ys } = toyData(60, 8);
    const norm = (w: Float32Array) => Math.sqrt(w.reduce((s, v) => s + v * v, 0));
    const loose = await trainLinearSvm(xs, ys, 20, 3, { c: 10, tolerance: 0.01, maxIterations: 200 }, 1, async () => undefined);
    const tight = await trainLinearSvm(xs, ys, 20, 3, { c: 0.01, tolerance: 0.01, maxIterations: 200 }, 1, async () => undefined);
    assert.ok(norm(tight.w) < norm(loose.w) / 2, `${norm(tight.w)} vs ${norm(loose.w)}`);
  });
});
