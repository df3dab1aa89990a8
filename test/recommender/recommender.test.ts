import assert from 'node:assert/strict';
import { Recommender } from '../../recommender/recommender.js';
import { Bm25Index } from '../../recommender/text-index.js';
import { coupon, course, insurance, seedItems } from '../helpers/catalog.js';

describe('recommender', () => {
  it('BM25 ranks the document that matches rare query terms first, in English and Chinese', () => {
    const index = new Bm25Index(['Python for absolute beginners', 'Advanced Rust systems', 'Python零基础入门', 'Cooking pasta']);
    const en = index.scores('python beginners');
    assert.equal(en.indexOf(Math.max(...en)), 0);
    const zh = index.scores('零基础');
    assert.equal(zh.indexOf(Math.max(...zh)), 2);
  });

  it('filters by topic, level and budget across currencies, and explains each pick', () => {
    const r = new Recommender([
      course('a', { price: 29 }), course('b', { price: 31 }), course('c', { level: 'advanced', price: 5 }),
      course('d', { price: 150, currency: 'CNY' }), course('e', { topics: ['rust'], price: 1 }),
    ]);
    const { suggestions } = r.recommend({ kind: 'course', text: 'python', topic: 'python', level: 'beginner', budget: { currency: 'USD', max: 30 } });
    assert.deepEqual(suggestions.map((s) => s.itemId).sort(), ['a', 'd']);
    for (const s of suggestions) assert.match(s.reason, /within your \$30 budget/);
  });

  it('relaxes level before giving up, and says so; never relaxes budget', () => {
    const r = new Recommender([course('adv', { level: 'advanced', price: 10 }), course('pricey', { price: 500 })]);
    const relaxed = r.recommend({ kind: 'course', text: '', topic: 'python', level: 'beginner', budget: { currency: 'USD', max: 20 } });
    assert.deepEqual(relaxed.suggestions.map((s) => s.itemId), ['adv']);
    assert.deepEqual(relaxed.relaxed, ['level']);
    const none = r.recommend({ kind: 'course', text: '', topic: 'python', budget: { currency: 'USD', max: 5 } });
    assert.deepEqual(none.suggestions, []);
  });

  it('excludes items already shown', () => {
    const r = new Recommender([course('a'), course('b'), course('c')]);
    const first = r.recommend({ kind: 'course', text: '', topic: 'python' }, 2).suggestions.map((s) => s.itemId);
    const next = r.recommend({ kind: 'course', text: '', topic: 'python', excludeIds: first }, 2).suggestions.map((s) => s.itemId);
    assert.equal(next.length, 1);
    assert.ok(!first.includes(next[0]!));
  });

  it('offers coupons only in stock, unexpired, and where the user is (areas map to their city)', () => {
    const now = new Date('2027-01-01T00:00:00Z');
    const r = new Recommender([
      coupon('here'), coupon('sold-out', { stock: 0 }), coupon('expired', { expiresAt: '2026-12-31T00:00:00.000Z' }),
      coupon('elsewhere', { city: 'Seattle', area: 'Capitol Hill' }), coupon('online', { city: null, area: null, category: 'gaming_gear', cuisine: null }),
      coupon('manhattan', { area: 'Manhattan' }),
    ], { now: () => now });
    const ids = r.recommend({ kind: 'coupon', text: 'coupon', location: 'Brooklyn' }, 10).suggestions.map((s) => s.itemId).sort();
    assert.deepEqual(ids, ['here', 'manhattan', 'online']);
  });

  it('never suggests insurance without a known adult age inside the product limits', () => {
    const r = new Recommender([insurance('young', { maxAge: 30 }), insurance('all')]);
    assert.deepEqual(r.recommend({ kind: 'insurance', text: 'travel' }).suggestions, []);
    assert.deepEqual(r.recommend({ kind: 'insurance', text: 'travel', age: 17 }).suggestions, []);
    assert.deepEqual(r.recommend({ kind: 'insurance', text: 'travel', age: 45 }).suggestions.map((s) => s.itemId), ['all']);
    assert.deepEqual(r.recommend({ kind: 'insurance', text: 'travel', age: 45, region: 'CN' }).suggestions, []);
  });

  it('finds beginner python courses under $30 in the shipped catalog', async () => {
    const r = new Recommender(await seedItems());
    const { suggestions } = r.recommend({ kind: 'course', text: 'beginner python course', topic: 'python', level: 'beginner', budget: { currency: 'USD', max: 30 }, userLanguage: 'en' });
    assert.equal(suggestions.length, 3);
    for (const s of suggestions) {
      const item = r.item(s.itemId)!;
      assert.ok(item.kind === 'course' && item.level === 'beginner' && item.topics.includes('python'));
      assert.ok(item.currency === 'USD' ? item.price <= 30 : item.price * 0.14 <= 30);
    }
  });
});
