import assert from 'node:assert/strict';
import { IntentModelError, loadIntentModel, trainIntentModel } from '../../nlp/intent/index.js';
import { extractFeatures, normalizeText, tokenize } from '../../nlp/intent/text-features.js';

describe('nlp/intent: text features', () => {
  it('normalises width, case, apostrophes and invisible characters', () => {
    assert.equal(normalizeText('ＰＹＴＨＯＮ What\u2019s\u200B UP\u{E0000}'), 'python whats up');
  });

  it('splits Chinese into characters and keeps Latin words whole in mixed messages', () => {
    assert.deepEqual(tokenize(normalizeText('有没有Python入门课?')), ['有', '没', '有', 'python', '入', '门', '课']);
  });

  it('makes word uni/bigrams and char n-grams only inside non-CJK words', () => {
    const s = { wordNgrams: 2, charMin: 2, charMax: 5, edgeBigrams: false };
    const f = extractFeatures('入门 py', s);
    // words: 入 门 py; bigrams: 入门, 门 py
    assert.equal(f.word.length, 5);
    // "<py>": <p py y> and <py py>; the 4-gram is the whole marked word, left to the unigram
    assert.equal(f.char.length, 5);
  });
});

describe('nlp/intent: model files', () => {
  let json: Record<string, unknown>;
  before(async () => {
    const train = ['hi', 'hello', 'hey', 'bye', 'goodbye', 'see you'].map((text, i) => ({ text, intent: i < 3 ? 'greet' : 'bye' }));
    json = (await trainIntentModel(train, { seed: 3 })).toJSON() as Record<string, unknown>;
  });

  const rejects = (bad: unknown, message: RegExp) => {
    assert.throws(() => loadIntentModel(bad), (err: unknown) => {
      assert.ok(err instanceof IntentModelError);
      assert.equal(err.code, 'CF_INTENT_MODEL');
      assert.match(err.message, message);
      return true;
    });
  };

  it('stores a format name, a version and compact base64 weights', () => {
    assert.equal(json.format, 'crossfeed-intent');
    assert.equal(json.version, 1);
    assert.deepEqual(json.labels, ['bye', 'greet']);
    assert.equal(typeof (json.members as { weights: { w?: string } }[])[0]!.weights.w, 'string');
  });

  it('rejects what is not a model, or another version', () => {
    rejects(null, /must be a JSON object/);
    rejects([], /must be a JSON object/);
    rejects({ ...json, format: 'onnx' }, /not a crossfeed intent model/);
    rejects({ ...json, version: 99 }, /unsupported version 99/);
    rejects({ ...json, labels: ['only'] }, /at least two distinct/);
    rejects({ ...json, threshold: 3 }, /threshold/);
    rejects({ ...json, temperature: -1 }, /temperature/);
  });

  it('rejects truncated or mismatched weights with a clear error', () => {
    const members = json.members as { kind: string; temperature: number; weights: Record<string, unknown> }[];
    const truncated = members.map((m, i) => (i === 0 ? { ...m, weights: { ...m.weights, w: (m.weights.w as string).slice(0, 12) } } : m));
    rejects({ ...json, members: truncated }, /corrupt or truncated: linear\.w: expected \d+ float32 values/);
    rejects({ ...json, members: [{ ...members[0]!, kind: 'transformer' }] }, /kind "transformer" is unknown/);
    rejects({ ...json, labels: ['a', 'b', 'c'] }, /expected \d+ x 3/);
    rejects({ ...json, vectorizer: { ...(json.vectorizer as object), idf: 'AAAA' } }, /vectorizer\.idf/);
    rejects({ ...json, members: [] }, /members must be a non-empty array/);
  });
});
