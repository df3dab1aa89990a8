import assert from 'node:assert/strict';
import { combineIntents } from '../../nlp/engine.js';

describe('nlp/engine combineIntents', () => {
  it('averages shared intents, keeps deployment-only contract intents, drops unknown names, sums to one', () => {
    const shipped = [{ label: 'faq', score: 0.6 }, { label: 'oos', score: 0.4 }];
    const trained = [{ intent: 'faq', confidence: 0.2 }, { intent: 'oos', confidence: 0.1 }, { intent: 'human_handoff', confidence: 0.6 }, { intent: 'shipping', confidence: 0.1 }];
    const r = combineIntents(shipped, trained);
    assert.deepEqual(r.map((x) => x.intent), ['human_handoff', 'faq', 'oos']);
    assert.ok(Math.abs(r.reduce((a, x) => a + x.confidence, 0) - 1) < 1e-3);
  });
  it('is the shipped distribution when nothing was trained', () => {
    assert.deepEqual(combineIntents([{ label: 'greet', score: 0.9 }, { label: 'oos', score: 0.1 }]).map((x) => x.intent), ['greet', 'oos']);
  });
});
