import assert from 'node:assert/strict';
import { contentSimilarity } from '../../recommender/cold-start.js';
import { Recommender } from '../../recommender/recommender.js';
import { seededRng } from '../../recommender/random.js';
import { course } from '../helpers/catalog.js';

const usd = (p: number) => p;

describe('cold start: a new item with no interactions (recommender/cold-start.ts)', () => {
  const catalog = [
    course('warm-py', { title: 'Python for data analysis', topics: ['python', 'data science'], level: 'beginner', price: 20 }),
    course('new-py', { title: 'Python data analysis with pandas', topics: ['python', 'data science'], level: 'beginner', price: 25 }),
    course('new-other', { title: 'Watercolour painting', topics: ['python', 'art'], level: 'advanced', price: 200 }),
    course('warm-x', { title: 'Unrelated filler', topics: ['python'], level: 'intermediate', price: 50 }),
  ];

  it('is alike in topic, text, level and price, or not', () => {
    const sim = (a: number, b: number) => contentSimilarity(catalog[a]!, catalog[b]!, usd);
    assert.ok(sim(0, 1) > 0.7, String(sim(0, 1)));
    assert.ok(sim(0, 2) < sim(0, 1) / 2, String(sim(0, 2)));
  });

  it('gets a content-based collaborative score, below its warm look-alike, and is explored with a logged propensity', () => {
    const rec = new Recommender(catalog);
    const collaborative = new Map([['warm-py', 1], ['warm-x', 0.1]]);
    const knows = (id: string) => id.startsWith('warm');
    const req = { kind: 'course', text: 'python', topic: 'python' } as const;
    const without = rec.recommend(req, 4, { collaborative }).suggestions;
    const withCold = rec.recommend(req, 4, { collaborative, collaborativeKnows: knows }).suggestions;
    const at = (list: typeof without, id: string) => list.findIndex((s) => s.itemId === id);
    const scoreOf = (list: typeof without, id: string) => list.find((s) => s.itemId === id)!.score;
    assert.ok(scoreOf(withCold, 'new-py') > scoreOf(without, 'new-py'), 'the new look-alike gains');
    const gain = (id: string) => scoreOf(withCold, id) - scoreOf(without, id);
    assert.ok(gain('new-other') < gain('new-py') / 3, `an unlike new item gains little: ${gain('new-other')} vs ${gain('new-py')}`);
    assert.ok(at(withCold, 'new-py') < at(withCold, 'warm-x'));
    assert.ok(scoreOf(withCold, 'new-py') < scoreOf(withCold, 'warm-py'), 'data beats content');
    // Exploration: Thompson sampling over near-ties; every shown item carries its propensity.
    const many = [...catalog, ...Array.from({ length: 12 }, (_, i) => course(`warm-f${i}`, { topics: ['python'], level: 'intermediate', price: 60 }))];
    const explorer = new Recommender(many);
    let shownNew = 0;
    const rng = seededRng(3);
    for (let q = 0; q < 50; q++) {
      const r = explorer.recommend(req, 3, { collaborative, collaborativeKnows: knows, explore: { rng } });
      assert.equal(r.explored, true);
      for (const s of r.suggestions) assert.ok(s.propensity! > 0 && s.propensity! <= 1);
      if (r.suggestions.some((s) => s.itemId === 'new-py')) shownNew++;
    }
    assert.ok(shownNew > 0, 'the new item is shown under exploration');
  });
});
