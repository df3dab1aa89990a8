import assert from 'node:assert/strict';
import { CollaborativeSignals, DefaultCollaborativeOptions } from '../../bot/collaborative.js';
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
    await cf.settled();
    await store.close();
  });

  it('chooses the served model on its own log at retraining, records the figures, and weighs this conversation more', async () => {
    const store = await openSqliteStore(':memory:');
    const ids = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'];
    await store.catalog.upsert(ids.map((id) => course(id)));
    const lines: string[] = [];
    const cf = new CollaborativeSignals(store.interactions, { ...DefaultCollaborativeOptions, selection: 'await', log: (l) => lines.push(l) });
    // Groups a-b-c, d-e-f, g-h-i; 8 users per group, each taking the group's three in a rotated order.
    for (let u = 0; u < 24; u++) {
      const user = await store.conversations.resolveUser('web', `u${u}`, `U${u}`);
      const g = u % 3, r = Math.floor(u / 3) % 3;
      for (let t = 0; t < 3; t++) await store.interactions.record({ userId: user, itemId: ids[3 * g + ((r + t) % 3)]!, type: 'click', platform: 'web', channel: 's' });
    }
    await cf.refresh();
    const status = cf.status();
    assert.notEqual(status.served, 'none');
    assert.equal(status.choice?.figures.map((f) => f.algorithm).join(','), 'popularity,item-knn,ease');
    const best = Math.max(...status.choice!.figures.map((f) => f.recall));
    assert.equal(status.choice!.figures.find((f) => f.algorithm === status.served)?.recall, best, 'the best validation recall is served');
    assert.match(lines.join('\n'), new RegExp(`collaborative model: serving ${status.served}, validation recall@10 on \\d+ users' latest engagements: popularity [\\d.]+%, item-knn [\\d.]+%, ease [\\d.]+% \\(lambda [\\d.]+\\)`));
    assert.notEqual(status.served, 'popularity', JSON.stringify(status.choice?.figures));
    // Session context: an old 'd' (this conversation) and a newer 'a' from earlier history.
    const plain = cf.scores(['d', 'a']);
    const session = cf.scores(['d', 'a'], 50, ['d']);
    const top = (m: Map<string, number> | undefined) => [...m!.entries()].sort((p, q) => q[1] - p[1] || (p[0] < q[0] ? -1 : 1))[0]?.[0];
    assert.ok(['b', 'c'].includes(top(plain)!), `without context: ${JSON.stringify([...plain!])}`);
    assert.ok(['e', 'f'].includes(top(session)!), `this conversation's item leads: ${JSON.stringify([...session!])}`);
    await store.close();
  });
});
