import assert from 'node:assert/strict';
import { DatasetError, parseJsonl } from '../../nlp/eval/dataset.js';
import { entityF1, intentMetrics } from '../../nlp/eval/metrics.js';

const close = (actual: number | null, expected: number) => assert.ok(actual !== null && Math.abs(actual - expected) < 1e-9, `${actual} != ${expected}`);

describe('nlp/eval metrics', () => {
  // Hand-made confusion: 4 in-scope a, 2 in-scope b, 4 oos.
  //   a: a a a b      b: b oos      oos: oos oos a b
  const outcomes = [
    ['a', 'a'], ['a', 'a'], ['a', 'a'], ['a', 'b'],
    ['b', 'b'], ['b', 'oos'],
    ['oos', 'oos'], ['oos', 'oos'], ['oos', 'a'], ['oos', 'b'],
  ].map(([gold, predicted]) => ({ gold: gold!, predicted: predicted! }));

  it('computes accuracy, in-scope accuracy and OOS recall/precision as defined', () => {
    const m = intentMetrics(outcomes, 'oos');
    close(m.intent_accuracy, 6 / 10);
    close(m.in_scope_accuracy, 4 / 6);
    close(m.oos_recall, 2 / 4);
    close(m.oos_precision, 2 / 3);
  });

  it('computes macro F1 over every label, OOS included', () => {
    // a: tp 3, gold 4, pred 4 -> 0.75; b: tp 1, gold 2, pred 3 -> 0.4; oos: tp 2, gold 4, pred 3 -> 4/7
    close(intentMetrics(outcomes, 'oos').macro_f1, (0.75 + 0.4 + 4 / 7) / 3);
  });

  it('lists the most confused pairs, most frequent first', () => {
    const m = intentMetrics([...outcomes, { gold: 'oos', predicted: 'a' }], 'oos', 2);
    assert.deepEqual(m.confused, [{ gold: 'oos', predicted: 'a', count: 2 }, { gold: 'a', predicted: 'b', count: 1 }]);
  });

  it('gives null OOS figures when there is nothing to measure', () => {
    const m = intentMetrics([{ gold: 'a', predicted: 'a' }], 'oos');
    assert.equal(m.oos_recall, null);
    assert.equal(m.oos_precision, null);
    assert.throws(() => intentMetrics([], 'oos'), /no test outcomes/);
  });

  it('scores entities by exact span and label (micro F1)', () => {
    const gold = [[{ start: 0, end: 6, label: 'topic' }, { start: 10, end: 15, label: 'level' }], []];
    const predicted = [[{ start: 0, end: 6, label: 'topic' }, { start: 10, end: 14, label: 'level' }], [{ start: 0, end: 2, label: 'topic' }]];
    close(entityF1(gold, predicted), (2 * 1) / (2 + 3));
    close(entityF1([[]], [[]]), 1);
  });
});

describe('nlp/eval JSONL reading', () => {
  it('reads examples with and without entities, skipping blank lines', () => {
    const rows = parseJsonl('{"text":"python course","intent":"recommend_course","entities":[{"start":0,"end":6,"label":"topic"}]}\n\n{"text":"hi","intent":"greet"}\n', 'x.jsonl');
    assert.equal(rows.length, 2);
    assert.deepEqual(rows[0]!.entities, [{ start: 0, end: 6, label: 'topic' }]);
  });

  it('reports every bad line by its line number', () => {
    const text = ['{"text":"ok","intent":"greet"}', '{"text":"broken"', '', '{"text":"no intent"}',
      '{"text":"abc","intent":"x","entities":[{"start":2,"end":9,"label":"t"}]}'].join('\n');
    assert.throws(() => parseJsonl(text, 'train.jsonl'), (err: unknown) => {
      assert.ok(err instanceof DatasetError);
      assert.equal(err.code, 'CF_NLU_DATASET');
      assert.deepEqual(err.problems.map((p) => p.line), [2, 4, 5]);
      assert.match(err.message, /train\.jsonl:2: not valid JSON/);
      assert.match(err.message, /train\.jsonl:4: "intent" must be a non-empty string/);
      assert.match(err.message, /train\.jsonl:5: entities\[0\] span \[2, 9\) is not inside the text/);
      return true;
    });
  });
});
