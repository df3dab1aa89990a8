import assert from 'node:assert/strict';
import { catalogLexicon } from '../../nlp/rules/catalog-lexicon.js';
import { defaultModelDir } from '../../data/paths.js';
import { NluEngine } from '../../nlp/engine.js';
import { NluResultCache } from '../../nlp/result-cache.js';
import { loadTrainedModels, SHIPPED_TRAINED_DIR } from '../../nlp/trained-models.js';
import type { NluResult, ParseHints } from '../../nlp/types.js';
import { seedItems } from '../helpers/catalog.js';

/**
 * The NLU result cache may only save work: a repeated message must get exactly what an engine
 * without the cache gives it, under every hint, however often it is asked and whatever a caller
 * did to an earlier result.
 */
describe('nlp/result-cache: repeated messages', function () {
  this.timeout(120000);
  let plain: NluEngine;
  let cached: NluEngine;
  const calls: string[] = [];
  before(async () => {
    const trained = loadTrainedModels('/nonexistent', SHIPPED_TRAINED_DIR);
    const lexicon = catalogLexicon(await seedItems());
    plain = await NluEngine.load({ modelDir: defaultModelDir, threads: 1, trained, lexicon });
    cached = await NluEngine.load({ modelDir: defaultModelDir, threads: 1, trained, lexicon, resultCache: 64, onModelCall: (m, t) => calls.push(...t.map((x) => `${m}:${x}`)) });
  });
  after(async () => { await plain.close(); await cached.close(); });

  const texts = ['recommend me a beginner python course under $30', 'gg', 'any ramen coupons near Brooklyn?', '有没有上海的火锅优惠券', 'KEKW KEKW KEKW', 'how do i get a refund?', ''];
  const hints: (ParseHints | undefined)[] = [undefined, { addressed: true }, { addressed: false }, { addressed: false, answerAt: 0.85 }];

  it('gives every text, under every hint, what the engine without a cache gives, the first time and again', async () => {
    for (const h of hints) {
      const want: NluResult[] = [];
      for (const t of texts) want.push(await plain.parse(t, h));
      for (let round = 0; round < 2; round++) {
        for (const [k, t] of texts.entries()) assert.deepEqual(await cached.parse(t, h), want[k], `${JSON.stringify(t)} ${JSON.stringify(h)} round ${round}`);
        assert.deepEqual(await cached.parseBatch([...texts, ...texts], texts.concat(texts).map(() => h ?? {})), [...want, ...want]);
      }
    }
  });

  it('runs no model for a message it has read before', async () => {
    await cached.parse('which python course should i take?', { addressed: true });
    calls.length = 0;
    const hits = cached.cache.hits;
    await cached.parse('which python course should i take?', { addressed: true });
    assert.deepEqual(calls, []);
    assert.equal(cached.cache.hits, hits + 1);
  });

  it('hands out copies: changing one result changes no later one', async () => {
    const text = 'recommend me a beginner python course under $30';
    const first = await cached.parse(text, { addressed: true });
    const want = structuredClone(first);
    first.entities.length = 0;
    first.alternatives[0]!.confidence = -1;
    first.vector?.fill(0);
    first.intent = 'oos';
    assert.deepEqual(await cached.parse(text, { addressed: true }), want);
  });

  it('keeps at most its capacity, dropping the least recently used first', () => {
    const cache = new NluResultCache(2);
    const r = (text: string): NluResult => ({ text, intent: 'oos', confidence: 1, alternatives: [], entities: [], language: 'en' });
    const [a, b, c] = ['a', 'b', 'c'].map((t) => cache.key(t)!);
    cache.set(a, r('a'));
    cache.set(b, r('b'));
    assert.equal(cache.get(a)?.text, 'a'); // a is now the most recent
    cache.set(c, r('c'));
    assert.equal(cache.size, 2);
    assert.equal(cache.get(b), undefined);
    assert.equal(cache.get(a)?.text, 'a');
    assert.equal(cache.get(c)?.text, 'c');
    assert.equal(new NluResultCache(0).key('a'), undefined, 'capacity 0 keeps nothing');
    assert.equal(cache.key('x'.repeat(501)), undefined, 'long texts are not kept');
    assert.notEqual(cache.key('a', { addressed: false, answerAt: 0.85 }), cache.key('a', { addressed: true }), 'hints are part of the key');
  });
});
