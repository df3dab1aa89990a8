import assert from 'node:assert/strict';
import { CollaborativeSignals } from '../../bot/collaborative.js';
import { openSqliteStore } from '../../data/sqlite/sqlite-store.js';
import { course } from '../helpers/catalog.js';

describe('bot/collaborative: the live collaborative model', () => {
  it('learns from the interaction log who engages with what, and scores items for a history', async () => {
    const store = await openSqliteStore(':memory:');
    await store.catalog.upsert(['a', 'b', 'c', 'd'].map((id) => course(id)));
    const cf = new CollaborativeSignals(store.interactions);
    await cf.refresh();
    assert.equal(cf.scores(['a']), undefined, 'nothing to learn from yet');
    for (let u = 1; u <= 6; u++) {
      const user = await store.conversations.resolveUser('web', `u${u}`, `U${u}`);
      const items = u <= 4 ? ['a', 'b'] : ['c', 'd'];
      for (const itemId of items) await store.interactions.record({ userId: user, itemId, type: u % 2 ? 'click' : 'purchase', platform: 'web', channel: 's' });
      await store.interactions.record({ userId: user, itemId: 'd', type: 'impression', platform: 'web', channel: 's' });
    }
    await cf.refresh();
    assert.equal(cf.trainedOn, 12, 'impressions are not engagements');
    const scores = cf.scores(['a']);
    assert.equal(scores?.get('b'), 1, 'people who took a took b');
    assert.ok(!scores?.has('a'), 'never the item itself');
    assert.ok((scores?.get('c') ?? 0) < 1);
    await store.close();
  });
});
