import assert from 'node:assert/strict';
import { loadIntentModel, trainIntentModel, type IntentExample, type IntentModel } from '../../nlp/intent/index.js';

/** A tiny bilingual data set with out-of-scope chat noise; held-out phrasings are below. */
const data: Record<string, string[]> = {
  recommend_course: [
    'recommend me a python course', 'any good python course', 'i want to learn javascript', 'suggest a course for beginners',
    'which course should i take to learn sql', 'best course to learn data science', 'teach me machine learning',
    'looking for a course on web design', '有没有python入门课', '推荐一门编程课', '我想学数据分析', '有什么适合新手的课程',
  ],
  get_coupon: [
    'any coupons today', 'do you have a discount code', 'give me a promo code', 'is there a coupon for pizza',
    'any deals on sneakers', 'discount for the course please', 'coupon code for groceries', 'got any vouchers',
    '有优惠券吗', '有没有折扣码', '给我一张优惠券', '有什么优惠活动',
  ],
  greet: [
    'hi', 'hello', 'hey bot', 'good morning', 'hello there', 'hiya', 'hey there', 'morning bot',
    '你好', '嗨', '早上好', '哈喽',
  ],
  bye: [
    'bye', 'goodbye', 'see you later', 'good night', 'bye bot', 'catch you later', 'see ya', 'take care bye',
    '再见', '拜拜', '晚安', '回头见',
  ],
  oos: [
    'gg lol', 'what a play', 'pog', 'lmao that was close', 'streamer is so good', 'first', 'kekw', 'nice shot',
    '哈哈哈哈', '主播好厉害', '666', '这波操作可以',
  ],
};
const train: IntentExample[] = Object.entries(data).flatMap(([intent, texts]) => texts.map((text) => ({ text, intent })));

const heldOut: [string, string][] = [
  ['recommend a javascript course for beginners', 'recommend_course'],
  ['有没有java入门课', 'recommend_course'],
  ['do you have any coupons', 'get_coupon'],
  ['有优惠码吗', 'get_coupon'],
  ['hello bot', 'greet'],
  ['bye see you', 'bye'],
  ['拜拜 再见', 'bye'],
];

describe('nlp/intent: training in TypeScript', function () {
  let model: IntentModel;
  before(async () => {
    model = await trainIntentModel(train, { seed: 7 });
  });

  it('predicts held-out English, Chinese and mixed phrasings', () => {
    for (const [text, intent] of heldOut) assert.equal(model.predict(text).intent, intent, text);
    assert.deepEqual(model.labels, ['bye', 'get_coupon', 'greet', 'oos', 'recommend_course']);
  });

  it('gives calibrated confidences in [0, 1] that sum to 1 over the ranked labels', () => {
    for (const text of ['any python course?', 'lol', '你好', '']) {
      const p = model.predict(text);
      assert.equal(p.ranked.length, model.labels.length);
      for (const r of p.ranked) assert.ok(r.confidence >= 0 && r.confidence <= 1);
      assert.ok(Math.abs(p.ranked.reduce((s, r) => s + r.confidence, 0) - 1) < 1e-6);
      for (let i = 1; i < p.ranked.length; i++) assert.ok(p.ranked[i - 1]!.confidence >= p.ranked[i]!.confidence);
      assert.ok(p.confidence >= 0 && p.confidence <= 1);
    }
  });

  it('is deterministic: the same seed gives the same model, byte for byte', async () => {
    const again = await trainIntentModel(train, { seed: 7 });
    assert.equal(JSON.stringify(again.toJSON()), JSON.stringify(model.toJSON()));
  });

  it('round-trips through JSON with identical predictions', () => {
    const loaded = loadIntentModel(JSON.parse(JSON.stringify(model.toJSON())));
    const texts = [...heldOut.map(([t]) => t), 'gg', '主播好帅', 'what is this'];
    assert.deepEqual(loaded.predictBatch(texts), model.predictBatch(texts));
  });

  it('answers OOS when the best in-scope probability is under the threshold', () => {
    const json = model.toJSON() as { threshold: number };
    const strict = loadIntentModel({ ...json, threshold: 1 });
    const lax = loadIntentModel({ ...json, threshold: 0 });
    const p = strict.predict('recommend a javascript course for beginners');
    assert.equal(p.intent, 'oos');
    assert.ok(p.confidence > 0 && p.confidence <= 1);
    assert.equal(lax.predict('recommend a javascript course for beginners').intent, 'recommend_course');
    assert.equal(model.predict('kekw pog').intent, 'oos');
  });

  it('reports progress and stops when aborted', async () => {
    const phases = new Set<string>();
    let last = 0;
    await trainIntentModel(train.slice(0, 30), { seed: 1, onProgress: (done, total, phase) => {
      assert.ok(done >= last && done <= total);
      last = done;
      phases.add(phase);
    } });
    assert.ok(phases.has('svm') && phases.has('embedding') && phases.has('done'));
    const ac = new AbortController();
    ac.abort(new Error('stop now'));
    await assert.rejects(trainIntentModel(train, { signal: ac.signal }), /stop now/);
  });

  it('rejects unusable training data with a clear message', async () => {
    await assert.rejects(trainIntentModel([]), { code: 'CF_INTENT_DATA', message: /non-empty array/ });
    await assert.rejects(trainIntentModel([{ text: 'hi', intent: '' }, { text: 'x', intent: 'a' }]), /example 0 must be/);
    await assert.rejects(trainIntentModel([{ text: 'hi', intent: 'greet' }]), /at least two intents/);
    await assert.rejects(trainIntentModel(train, { validation: [{ text: 'x', intent: 'nope' }] }), /"nope" does not occur/);
  });
});
