import assert from 'node:assert/strict';
import { InteractionsFileError, parseCsvRecords, parseInteractionsCsv } from '../../recommender/eval/csv.js';
import { evaluateInteractions } from '../../recommender/eval/evaluate.js';
import { splitLastByTime } from '../../recommender/eval/holdout.js';
import { syntheticInteractions } from '../../recommender/eval/synthetic.js';

const problemsOf = (text: string) => {
  try {
    parseInteractionsCsv(text);
  } catch (err) {
    assert.ok(err instanceof InteractionsFileError);
    return err.problems.map((p) => `${p.line}: ${p.message}`);
  }
  assert.fail('expected an InteractionsFileError');
};

describe('collaborative evaluation', () => {
  it('parses quoted fields, doubled quotes, CRLF, a BOM, ISO dates, optional weights and any column order', () => {
    const rows = parseInteractionsCsv('\ufeffitem,timestamp,user,weight\r\n"a,1",2025-01-02T00:00:00Z,"u ""x""",\r\nb,17,u2,2.5\r\n');
    assert.deepEqual(rows, [
      { user: 'u "x"', item: 'a,1', timestamp: Date.UTC(2025, 0, 2) },
      { user: 'u2', item: 'b', timestamp: 17, weight: 2.5 },
    ]);
    assert.deepEqual(parseCsvRecords('a,"multi\nline"\nb,c\n').map((r) => r.line), [1, 3]);
  });

  it('reports every bad row with its line number', () => {
    assert.deepEqual(problemsOf('user,item,timestamp,weight\nu,i,1,1\n,i,2,1\nu,i,soon,1\nu,i,3,0\nu,i\n'), [
      '3: user is empty',
      '4: timestamp "soon" is neither a number nor an ISO 8601 date',
      '5: weight "0" is not a positive number',
      '6: expected 4 fields, got 2',
    ]);
    assert.deepEqual(problemsOf('user,item\nu,i\n'), ['1: header lacks timestamp']);
    assert.throws(() => parseInteractionsCsv(''), /empty/);
    assert.throws(() => parseInteractionsCsv('user,item,timestamp\n'), /no interactions/);
    assert.throws(() => parseInteractionsCsv('user,item,timestamp\nu,"i,1\n'), /line 2: a quoted field is never closed/);
  });

  it('holds out the last distinct item by time, whatever the input order; one-item users only train', () => {
    const { train, tests } = splitLastByTime([
      { user: 'a', item: 'z', timestamp: 30 }, { user: 'a', item: 'x', timestamp: 10 }, { user: 'a', item: 'y', timestamp: 20 },
      { user: 'a', item: 'z', timestamp: 5 }, { user: 'b', item: 'x', timestamp: 1 }, { user: 'b', item: 'x', timestamp: 2 },
    ]);
    assert.deepEqual(tests, [{ user: 'a', history: ['x', 'y'], heldOut: 'z' }]);
    assert.deepEqual(train.map((x) => `${x.user}${x.item}`).sort(), ['ax', 'ay', 'bx', 'bx']);
  });

  it("the item-item model beats popularity on seeded clustered data, deterministically", async () => {
    const log = syntheticInteractions({ items: 2000, interactions: 30_000, clusters: 20, seed: 3 });
    assert.deepEqual(syntheticInteractions({ items: 2000, interactions: 30_000, clusters: 20, seed: 3 }).slice(0, 50), log.slice(0, 50));
    const e = await evaluateInteractions(log, { k: 10, algorithm: "item-knn" });
    const r = e.report;
    assert.deepEqual(Object.keys(r).sort(), ['coverage', 'item-knn', 'ndcg_at_k', 'p99_ms_per_recommendation', 'popularity', 'popularity_coverage', 'popularity_ndcg_at_k', 'popularity_recall_at_k', 'recall_at_k', 'served', 'train_seconds']);
    assert.equal(r.served, 'item-knn');
    assert.equal(r['item-knn']?.recall_at_k, r.recall_at_k);
    assert.equal(r.popularity?.recall_at_k, r.popularity_recall_at_k);
    assert.ok(r.recall_at_k > 1.2 * r.popularity_recall_at_k, JSON.stringify(r));
    assert.ok(r.ndcg_at_k > r.popularity_ndcg_at_k && r.coverage > r.popularity_coverage);
  });
});
