import assert from 'node:assert/strict';
import { trainItemKnn } from '../../recommender/collab/item-knn.js';
import { sessionBoostRecall, splitLastSession } from '../../recommender/eval/session.js';
import { syntheticInteractions } from '../../recommender/eval/synthetic.js';

describe('session context (recommender/eval/session.ts)', () => {
  it('splits on the last session: its last item held out, its earlier items known and marked', () => {
    const min = 60_000, day = 86_400_000;
    const { tests, train } = splitLastSession([
      { user: 'u', item: 'old1', timestamp: 0 }, { user: 'u', item: 'old2', timestamp: 5 * min },
      { user: 'u', item: 's1', timestamp: day }, { user: 'u', item: 's2', timestamp: day + 10 * min }, { user: 'u', item: 'last', timestamp: day + 20 * min },
      { user: 'v', item: 'a', timestamp: 0 }, { user: 'v', item: 'b', timestamp: day }, // last session of one item: trains only
    ]);
    assert.deepEqual(tests, [{ user: 'u', history: ['old1', 'old2', 's1', 's2'], heldOut: 'last', session: ['s1', 's2'] }]);
    assert.equal(train.length, 6);
  });

  it('weighing this session’s items more raises recall@10 when sessions are about one thing', () => {
    const log = syntheticInteractions({ items: 600, interactions: 30_000, clusters: 20, sessionFocus: 0.8, seed: 4 });
    const { train, tests } = splitLastSession(log);
    const model = trainItemKnn(train);
    const [plain, boosted] = sessionBoostRecall(model, tests, 10, [1, 3]);
    assert.ok(boosted!.recall > plain!.recall * 1.05, `${JSON.stringify(plain)} vs ${JSON.stringify(boosted)}`);
  });
});
