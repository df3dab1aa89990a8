import assert from 'node:assert/strict';
import { CollabError, fromJSON, train, type CollabAlgorithm, type Interaction } from '../../recommender/collab/index.js';
import { TopK } from '../../recommender/collab/topk.js';

/** Users who take A also take B; C and D go together; E is popular on its own. */
function coOccurrence(): Interaction[] {
  const log: Interaction[] = [];
  let t = 0;
  for (let u = 0; u < 20; u++) log.push({ user: `ab${u}`, item: 'A', timestamp: t++ }, { user: `ab${u}`, item: 'B', timestamp: t++ });
  for (let u = 0; u < 20; u++) log.push({ user: `cd${u}`, item: 'C', timestamp: t++ }, { user: `cd${u}`, item: 'D', timestamp: t++ });
  for (let u = 0; u < 30; u++) log.push({ user: `e${u}`, item: 'E', timestamp: t++ });
  return log;
}

const code = (c: string) => (err: unknown) => err instanceof CollabError && err.code === c;

describe('collaborative model', () => {
  for (const algorithm of ['item-knn', 'als'] as CollabAlgorithm[]) {
    it(`${algorithm}: learns co-occurrence (A -> B, C -> D) over plain popularity`, () => {
      const model = train(coOccurrence(), { algorithm, als: { factors: 4, iterations: 10 } });
      assert.equal(model.recommend(['A'], 1)[0]?.itemId, 'B');
      assert.equal(model.recommend(['C'], 1)[0]?.itemId, 'D');
      assert.equal(model.similar('A', 1)[0]?.itemId, 'B');
    });
  }

  it('never recommends what the user has seen or what the caller excludes', () => {
    const model = train(coOccurrence());
    const recs = model.recommend(['A', 'C'], 10, ['E']).map((r) => r.itemId);
    assert.deepEqual(recs.sort(), ['B', 'D']);
    assert.ok(!model.recommend(['A'], 10).some((r) => r.itemId === 'A'));
  });

  it('ignores unknown items: unknown-only histories get popularity, unknown similar() gets []', () => {
    const model = train(coOccurrence());
    assert.deepEqual(model.recommend(['nope'], 1).map((r) => r.itemId), ['E']);
    assert.deepEqual(model.recommend(['nope', 'A'], 1).map((r) => r.itemId), ['B']);
    assert.deepEqual(model.similar('nope', 3), []);
    assert.deepEqual(model.recommend([], 0), []);
  });

  it('counts duplicate interactions once, whatever their order in time', () => {
    const base = coOccurrence();
    const noisy = [...base, ...base.map((x) => ({ ...x, timestamp: -x.timestamp }))].reverse();
    const a = train(base), b = train(noisy);
    assert.deepEqual(b.recommend(['A'], 3), a.recommend(['A'], 3));
    assert.deepEqual(b.similar('C', 3), a.similar('C', 3));
  });

  it('trains with users of a single interaction and with a single item', () => {
    const model = train([{ user: 'solo', item: 'X', timestamp: 1 }]);
    assert.deepEqual(model.recommend([], 3).map((r) => r.itemId), ['X']);
    assert.deepEqual(model.recommend(['X'], 3), []);
  });

  it('rejects empty input, bad interactions and bad options with coded errors', () => {
    assert.throws(() => train([]), code('EMPTY_INPUT'));
    assert.throws(() => train([{ user: 'u', item: 'i', timestamp: 1 }, { user: 'u', item: '', timestamp: 2 }]), (e: unknown) => code('BAD_INTERACTION')(e) && /interaction 2/.test((e as Error).message));
    assert.throws(() => train([{ user: 'u', item: 'i', timestamp: Number.NaN }]), code('BAD_INTERACTION'));
    assert.throws(() => train([{ user: 'u', item: 'i', timestamp: 1, weight: -1 }]), code('BAD_INTERACTION'));
    assert.throws(() => train(coOccurrence(), { itemKnn: { neighbours: 0 } }), code('BAD_OPTIONS'));
    assert.throws(() => train(coOccurrence(), { algorithm: 'magic' as CollabAlgorithm }), code('BAD_OPTIONS'));
  });

  for (const algorithm of ['item-knn', 'als', 'popularity'] as CollabAlgorithm[]) {
    it(`${algorithm}: survives JSON round trips with the same answers`, () => {
      const model = train(coOccurrence(), { algorithm });
      const back = fromJSON(JSON.parse(JSON.stringify(model)));
      assert.equal(back.algorithm, algorithm);
      assert.deepEqual(back.recommend(['A'], 4), model.recommend(['A'], 4));
      assert.deepEqual(back.similar('C', 2), model.similar('C', 2));
    });
  }

  it('refuses damaged model JSON', () => {
    assert.throws(() => fromJSON('{'), code('BAD_MODEL_JSON'));
    assert.throws(() => fromJSON({ format: 'other' }), code('BAD_MODEL_JSON'));
    const json = train(coOccurrence()).toJSON();
    assert.throws(() => fromJSON({ ...json, items: json.items.slice(1) }), code('BAD_MODEL_JSON'));
  });

  it('TopK keeps the k best, ties to the smaller id', () => {
    const top = new TopK(3);
    [[5, 1], [1, 3], [2, 3], [9, 0], [4, 2], [0, 3]].forEach(([id, s]) => top.push(id!, s!));
    assert.deepEqual(top.drain().map((x) => x.id), [0, 1, 2]);
  });
});
