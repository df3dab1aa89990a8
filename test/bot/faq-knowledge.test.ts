import assert from 'node:assert/strict';
import { FaqKnowledge } from '../../bot/faq-index.js';
import type { FaqEntry, FaqStore } from '../../data/support.js';
import { openSqliteStore } from '../../data/sqlite/sqlite-store.js';

describe('bot/faq-index FaqKnowledge: reloads on its timer, and at once when told the FAQ changed', () => {
  it('invalidate() makes the next question re-read the FAQ, even within refreshMs', async () => {
    const store = await openSqliteStore(':memory:');
    try {
      const faq: FaqStore = store.faq;
      const entry = (id: string, q: string): Omit<FaqEntry, 'updatedAt'> => ({ id, questions: [q], answer: `${id} answer`, tags: [], language: 'en' });
      await faq.upsert([entry('hours', 'what are your opening hours')]);
      let now = 0;
      const k = new FaqKnowledge(faq, { refreshMs: 60_000, now: () => now });
      const ids = async () => (await k.index()).entries.map((e) => e.id);
      assert.ok((await ids()).includes('hours'));
      await faq.upsert([entry('refund', 'how do I get a refund')]);
      now = 1_000;
      assert.ok(!(await ids()).includes('refund'), 'within refreshMs the old index serves');
      k.invalidate();
      assert.ok((await ids()).includes('refund'), 'told: read again now');
    } finally {
      await store.close();
    }
  });
});
