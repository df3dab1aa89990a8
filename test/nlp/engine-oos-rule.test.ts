import assert from 'node:assert/strict';
import { defaultModelDir } from '../../data/paths.js';
import { NluEngine } from '../../nlp/engine.js';
import type { TrainedEncoderHead } from '../../nlp/intent/encoder-head.js';
import type { OosRule } from '../../nlp/intent/oos-rule.js';
import { loadTrainedModels, SHIPPED_TRAINED_DIR } from '../../nlp/trained-models.js';

/** The engine applies a trained head's out-of-scope rule to English messages the encoder read, and only to those. */
describe('nlp/engine with a trained encoder head that carries an out-of-scope rule', function () {
  this.timeout(120000);
  let plain: NluEngine;
  const withRule = async (threshold: number) => {
    const head = plain.encoder!.head;
    const rule: OosRule = { oosLabel: 'oos', cosineWeight: 0, threshold, labels: [], centroids: [] };
    const encoderHead: TrainedEncoderHead = { ...head, format: 'crossfeed-encoder-head', version: 1, encoderHash: plain.encoder!.hash, oos: rule };
    return NluEngine.load({ modelDir: defaultModelDir, threads: 1, trained: { ...loadTrainedModels('/nonexistent', SHIPPED_TRAINED_DIR), encoderHead } });
  };
  before(async () => {
    plain = await NluEngine.load({ modelDir: defaultModelDir, threads: 1, trained: loadTrainedModels('/nonexistent', SHIPPED_TRAINED_DIR) });
  });

  it('answers oos where the rule says so (English), keeps the intents as alternatives, leaves Chinese alone', async () => {
    const strict = await withRule(2); // every score (best p + 0 x cosine) is under 2
    const en = 'any good course to learn Python?';
    assert.equal((await plain.parse(en)).intent, 'recommend_course');
    const r = await strict.parse(en);
    assert.equal(r.intent, 'oos');
    assert.equal(r.alternatives[0]?.intent, 'recommend_course');
    assert.equal((await strict.parse('有没有python入门课')).intent, 'recommend_course');
  });

  it('changes nothing where the rule never fires', async () => {
    const lax = await withRule(-1);
    for (const text of ['any good course to learn Python?', 'talk to a human please', 'lol that stream was wild']) {
      const [a, b] = [await plain.parse(text), await lax.parse(text)];
      assert.deepEqual({ intent: b.intent, confidence: b.confidence }, { intent: a.intent, confidence: a.confidence }, text);
    }
  });
});
