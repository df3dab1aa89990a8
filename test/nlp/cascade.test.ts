import assert from 'node:assert/strict';
import { defaultModelDir } from '../../data/paths.js';
import { NluEngine } from '../../nlp/engine.js';
import { loadTrainedModels, SHIPPED_TRAINED_DIR } from '../../nlp/trained-models.js';
import { testBot } from '../helpers/test-bot.js';

/**
 * The cascade, where a user meets it: chat goes through the whole bot pipeline with the shipped
 * models, and every model call is recorded. Noise must never reach the entity models or the
 * encoder; requests must. A channel that does not answer unaddressed chat runs no model at all on it.
 */
describe('nlp cascade: noise never reaches the encoder, requests do', function () {
  this.timeout(120000);
  const calls: { model: string; texts: string[] }[] = [];
  let nlu: NluEngine;
  before(async () => {
    nlu = await NluEngine.load({ modelDir: defaultModelDir, threads: 1, onModelCall: (model, texts) => void calls.push({ model, texts: [...texts] }) });
  });
  beforeEach(() => void (calls.length = 0));
  const reached = (model: string, text: string) => calls.some((c) => c.model === model && c.texts.includes(text));

  const noise = ['LUL that clutch was insane', 'KEKW he missed again', 'gg wp', 'who else is watching from germany',
    'that boss fight took forever', '哈哈哈哈哈', '主播这波操作太秀了', 'first time chatter, love the stream'];
  const requests = ['any python course for beginners?', 'got a coupon for pizza near brooklyn?', 'how do i get a refund for a course'];

  it('runs no model on unaddressed chat where the channel does not answer it', async () => {
    const { conversation } = await testBot({ nlu, platform: 'twitch', direct: false, options: { answerUnaddressed: false } });
    for (const t of [...noise, ...requests]) await conversation.say(t);
    assert.deepEqual(calls, []);
  });

  it('runs only the first stage on unaddressed noise where the channel answers unaddressed questions', async () => {
    const { conversation } = await testBot({ nlu, platform: 'twitch', direct: false, options: { answerUnaddressed: true } });
    for (const t of noise) await conversation.say(t);
    for (const t of noise) {
      assert.ok(reached('intent', t), `first stage saw "${t}"`);
      assert.ok(!reached('encoder', t) && !reached('encoder-zh', t), `no encoder sees "${t}"`);
      assert.ok(!reached('entities', t), `entity models never see "${t}"`);
    }
  });

  it('sends unaddressed requests on to the encoder and the entity models', async () => {
    const { conversation } = await testBot({ nlu, platform: 'twitch', direct: false, options: { answerUnaddressed: true } });
    for (const t of requests) await conversation.say(t);
    for (const t of requests) {
      assert.ok(reached('encoder', t), `encoder sees "${t}"`);
      assert.ok(reached('entities', t), `entity models see "${t}"`);
    }
  });

  it('gives Chinese requests to encoder-zh (a vector for FAQ and course search), never to the English encoder', async () => {
    const { conversation } = await testBot({ nlu, platform: 'twitch', direct: false, options: { answerUnaddressed: false } });
    const zh = ['@crossfeed 想学点能赚钱的技能', '@crossfeed 怎么申请退款'];
    for (const t of zh) await conversation.say(t);
    for (const t of zh.map((x) => x.replace('@crossfeed ', ''))) {
      assert.ok(reached('encoder-zh', t), `encoder-zh sees "${t}"`);
      assert.ok(!reached('encoder', t), `the English encoder never sees "${t}"`);
    }
    const [r] = await nlu.parseBatch(['怎么申请退款'], [{ addressed: true }]);
    assert.equal(r!.language, 'zh');
    assert.equal(r!.vector?.length, nlu.chineseEncoder!.dim);
  });

  it('Chinese bad input (lone surrogate, 100 KB, zero-width and tag characters, emoji flood) still parses, with an encoder-zh vector', async () => {
    const bad = ['有没有\uD800课', '优惠'.repeat(50000), '\u200b\u200b退款\u200d', '\u{E0041}\u{E0042}怎么退款', '🔥'.repeat(2000) + '有课吗'];
    const results = await nlu.parseBatch(bad, bad.map(() => ({ addressed: true })));
    results.forEach((r, i) => {
      assert.ok(r.intent && r.confidence >= 0 && r.confidence <= 1, `a result for case ${i}`);
      if (r.language === 'zh') assert.equal(r.vector?.length, nlu.chineseEncoder!.dim, `vector for case ${i}`);
    });
    assert.ok(results.filter((r) => r.language === 'zh').length >= 4);
  });

  it('runs every model on addressed messages, noise included', async () => {
    const { conversation } = await testBot({ nlu, platform: 'twitch', direct: false, options: { answerUnaddressed: false } });
    await conversation.say('@crossfeed gg wp');
    assert.ok(reached('encoder', 'gg wp') && reached('entities', 'gg wp'));
  });

  it('with the TypeScript intent model (as the bot runs): unaddressed noise reaches no transformers.js model, requests still do', async () => {
    const full = await NluEngine.load({ modelDir: defaultModelDir, threads: 1, trained: loadTrainedModels(SHIPPED_TRAINED_DIR), onModelCall: (model, texts) => void calls.push({ model, texts: [...texts] }) });
    try {
      const { conversation } = await testBot({ nlu: full, platform: 'twitch', direct: false, options: { answerUnaddressed: true } });
      for (const t of [...noise, ...requests]) await conversation.say(t);
      for (const t of noise) assert.ok(!calls.some((c) => c.texts.includes(t)), `no model saw "${t}"`);
      for (const t of requests) assert.ok(reached('intent', t) && reached('encoder', t) && reached('entities', t), `every model saw "${t}"`);
    } finally {
      await full.close();
    }
  });
});
