import assert from 'node:assert/strict';
import { assignVariant, thompsonTopK } from '../../recommender/bandit.js';
import { DefaultSuitability, fitSuitability, suitability, type SuitabilityFeature } from '../../recommender/insurance-suitability.js';
import { beta, seededRng } from '../../recommender/random.js';
import { Recommender } from '../../recommender/recommender.js';
import { course, insurance } from '../helpers/catalog.js';

describe('recommender ranking: personal signals, exploration, insurance suitability', () => {
  it('ranks by the user\'s topic affinity and the channel\'s favourites when relevance ties', () => {
    const r = new Recommender([course('py', { topics: ['python'] }), course('sql', { topics: ['sql'] }), course('rust', { topics: ['rust'] })]);
    const plain = r.recommend({ kind: 'course', text: 'a course' }, 3).suggestions.map((s) => s.itemId);
    assert.deepEqual(plain, ['py', 'rust', 'sql'], 'ties break by id');
    const personal = r.recommend({ kind: 'course', text: 'a course' }, 3, { topicAffinity: new Map([['sql', 1]]) }).suggestions.map((s) => s.itemId);
    assert.equal(personal[0], 'sql');
    const popular = r.recommend({ kind: 'course', text: 'a course' }, 3, { channelPopularity: new Map([['rust', 50]]) }).suggestions.map((s) => s.itemId);
    assert.equal(popular[0], 'rust');
  });

  it('a game stream\'s audience gets game-adjacent courses first on a vague request', () => {
    const r = new Recommender([course('bake', { topics: ['baking'] }), course('esp', { topics: ['esports'] })]);
    assert.equal(r.recommend({ kind: 'course', text: 'any course' }, 1).suggestions[0]?.itemId, 'bake');
    assert.equal(r.recommend({ kind: 'course', text: 'any course' }, 1, { audience: 'gaming' }).suggestions[0]?.itemId, 'esp');
  });

  it('Thompson sampling favours arms that earn clicks, reports propensities in (0, 1], and is reproducible with a seed', () => {
    const arms = ['a', 'b', 'c', 'd'].map((id) => ({ id, base: 1, stats: id === 'c' ? { impressions: 200, clicks: 60 } : { impressions: 200, clicks: 2 } }));
    let cFirst = 0;
    const rng = seededRng(7);
    for (let i = 0; i < 200; i++) if (thompsonTopK(arms, 1, rng).chosen[0] === 'c') cFirst++;
    assert.ok(cFirst > 180, `the clicked arm wins almost always (${cFirst}/200)`);
    const once = thompsonTopK(arms, 2, seededRng(1));
    assert.deepEqual(once, thompsonTopK(arms, 2, seededRng(1)));
    for (const p of once.propensity.values()) assert.ok(p > 0 && p <= 1);
    // With no data every arm is explored.
    const fresh = ['a', 'b', 'c'].map((id) => ({ id, base: 1, stats: undefined }));
    const seen = new Set<string>();
    const r2 = seededRng(3);
    for (let i = 0; i < 100; i++) seen.add(thompsonTopK(fresh, 1, r2).chosen[0] ?? '');
    assert.equal(seen.size, 3);
  });

  it('exploration only reorders near-ties of relevant items and logs each shown item\'s propensity', () => {
    const r = new Recommender([course('p1'), course('p2'), course('p3'), course('p4'), course('rust', { topics: ['rust'] })]);
    const res = r.recommend({ kind: 'course', text: 'python', topic: 'python' }, 2, { explore: { rng: seededRng(5) } });
    assert.equal(res.explored, true);
    assert.equal(res.suggestions.length, 2);
    for (const s of res.suggestions) {
      assert.notEqual(s.itemId, 'rust');
      assert.ok(s.propensity !== undefined && s.propensity > 0 && s.propensity <= 1);
    }
  });

  it('assigns A/B variants stably per user and roughly evenly', () => {
    assert.equal(assignVariant('user-42', 'ranking', ['a', 'b']), assignVariant('user-42', 'ranking', ['a', 'b']));
    let a = 0;
    for (let i = 0; i < 2000; i++) if (assignVariant(`u${i}`, 'ranking', ['a', 'b']) === 'a') a++;
    assert.ok(a > 900 && a < 1100, `${a}/2000`);
  });

  it('Beta sampling has the right mean', () => {
    const rng = seededRng(11);
    let sum = 0;
    for (let i = 0; i < 4000; i++) sum += beta(3, 7, rng);
    assert.ok(Math.abs(sum / 4000 - 0.3) < 0.02);
  });

  it('orders eligible insurance by suitability and explains the top reason; never shows ineligible products', () => {
    const r = new Recommender([
      insurance('cheap-travel', { price: 5 }),
      insurance('pricey-travel', { price: 30 }),
      insurance('health', { insuranceType: 'health', price: 3 }),
      insurance('seniors', { minAge: 60, maxAge: 90, price: 1 }),
    ]);
    const res = r.recommend({ kind: 'insurance', text: 'travel insurance', insuranceType: 'travel', age: 30 }, 3);
    assert.deepEqual(res.suggestions.map((s) => s.itemId), ['cheap-travel', 'pricey-travel']);
    assert.match(res.suggestions[0]?.reason ?? '', /^Suits you: /);
  });

  it('fits the suitability regression from outcomes and falls back to documented defaults on too little data', () => {
    const x = (type_match: number, price_fit: number): Record<SuitabilityFeature, number> => ({ type_match, age_centred: 0.5, price_fit, audience_fit: 0, within_budget: 0 });
    assert.deepEqual(fitSuitability([{ x: x(1, 1), y: 1 }]), DefaultSuitability);
    const rng = seededRng(2);
    const examples = Array.from({ length: 400 }, () => {
      const price = rng();
      return { x: x(1, price), y: (rng() < 0.1 + 0.8 * price ? 1 : 0) as 0 | 1 };
    });
    const model = fitSuitability(examples);
    assert.ok(suitability(model, x(1, 1)).probability > suitability(model, x(1, 0)).probability + 0.3, 'learned that cheaper-for-you sells');
  });
});
