import assert from 'node:assert/strict';
import { TagSet } from '../../nlp/entities-train/bio.js';
import { LookupMatcher } from '../../nlp/entities-train/lookups.js';
import { tokenize } from '../../nlp/entities-train/tokenize.js';
import { maxMarginals, spanMargin, viterbi } from '../../nlp/entities-train/viterbi.js';

const texts = (s: string) => tokenize(s).map((t) => t.text);

describe('nlp/entities-train tokens, lookups and decoding', () => {
  it('tokenizes English, Chinese and mixed text with exact offsets', () => {
    assert.deepEqual(texts('有没有python入门课'), ['有', '没', '有', 'python', '入', '门', '课']);
    assert.deepEqual(texts('under $1,299.50 USD!'), ['under', '$', '1,299.50', 'USD', '!']);
    assert.deepEqual(texts('Sexy Dance 2times, L.aJoseph'), ['Sexy', 'Dance', '2', 'times', ',', 'L', '.', 'a', 'Joseph']);
    assert.deepEqual(texts('100块以内的火锅券'), ['100', '块', '以', '内', '的', '火', '锅', '券']);
    for (const s of ['😀 any 𠀀python  course, 好吗？', 'Añadir canción', 'x\u0301y z']) {
      for (const t of tokenize(s)) assert.equal(s.slice(t.start, t.end), t.text);
    }
    const [emoji, word] = tokenize('😀 ok');
    assert.deepEqual([emoji?.start, emoji?.end, word?.start], [0, 2, 3]);
  });

  it('matches lookups on whole tokens, case-insensitively, longest first', () => {
    const m = new LookupMatcher({ topic: ['python', 'machine learning', 'Machine Learning with Python'], brand: ['python'] });
    const toks = tokenize('machine learning with PYTHON or pythonista');
    assert.deepEqual(m.find(toks).map((x) => [x.first, x.last, x.labels]), [[0, 3, ['topic']]]);
    assert.deepEqual(m.find(tokenize('python 课')).map((x) => x.labels), [['brand', 'topic']]);
  });

  it('encodes spans to BIO and decodes them back', () => {
    const tags = new TagSet(['budget', 'topic']);
    const toks = tokenize('any python course under $30');
    const gold = tags.encode(toks, [{ start: 4, end: 10, label: 'topic' }, { start: 18, end: 27, label: 'budget' }]);
    assert.deepEqual(Array.from(gold), [0, 2, 0, 1, 3, 3]);
    assert.deepEqual(tags.decode(toks, gold).map((s) => [s.start, s.end, s.label]), [[4, 10, 'topic'], [18, 27, 'budget']]);
  });

  it('decodes only well-formed BIO paths and gives the best path a non-negative span margin', () => {
    const tags = new TagSet(['a', 'b', 'c']);
    const T = tags.size;
    let state = 99;
    const rand = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32) * 4 - 2;
    for (let trial = 0; trial < 200; trial++) {
      const n = 1 + (trial % 7);
      const x = {
        n, emit: Float64Array.from({ length: n * T }, rand), trans: Float32Array.from({ length: T * T }, rand),
        start: Float32Array.from({ length: T }, rand), end: Float32Array.from({ length: T }, rand),
      };
      const { path, score } = viterbi(tags, x);
      assert.ok(tags.canStart[path[0]!]);
      for (let i = 1; i < n; i++) assert.ok(tags.allowed(path[i - 1]!, path[i]!), `path ${Array.from(path)}`);
      if (n <= 3) assert.ok(Math.abs(score - bruteForceBest(tags, x)) < 1e-6, 'Viterbi misses the best path');
      const mm = maxMarginals(tags, x);
      for (let i = 0; i < n; i++) assert.ok(Math.abs(mm[i * T + path[i]!]! - score) < 1e-6);
      const toks = Array.from({ length: n }, (_, i) => ({ text: 'w', start: 2 * i, end: 2 * i + 1, kind: 'word' as const }));
      for (const s of tags.decode(toks, path)) assert.ok(spanMargin(tags, mm, n, score, s.first, s.last, path[s.first]!) >= -1e-9);
    }
  });
});

/** The best score over every allowed path, by enumeration. */
function bruteForceBest(tags: TagSet, x: { n: number; emit: Float64Array; trans: Float32Array; start: Float32Array; end: Float32Array }): number {
  const T = tags.size;
  let best = -Infinity;
  const walk = (i: number, prev: number, acc: number): void => {
    if (i === x.n) {
      best = Math.max(best, acc + x.end[prev]!);
      return;
    }
    for (let t = 0; t < T; t++) {
      if (i === 0 ? !tags.canStart[t] : !tags.allowed(prev, t)) continue;
      walk(i + 1, t, acc + x.emit[i * T + t]! + (i === 0 ? x.start[t]! : x.trans[prev * T + t]!));
    }
  };
  walk(0, -1, 0);
  return best;
}
