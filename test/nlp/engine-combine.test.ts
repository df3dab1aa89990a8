import assert from 'node:assert/strict';
import { canReach, combineIntents, mixScores, outOfScope } from '../../nlp/engine.js';
import { INTENTS } from '../../nlp/types.js';
import { seededRng } from '../../recommender/random.js';

describe('nlp/engine combineIntents', () => {
  it('averages shared intents, keeps deployment-only contract intents, drops unknown names, sums to one', () => {
    const shipped = [{ label: 'faq', score: 0.6 }, { label: 'oos', score: 0.4 }];
    const trained = [{ intent: 'faq', confidence: 0.2 }, { intent: 'oos', confidence: 0.1 }, { intent: 'human_handoff', confidence: 0.6 }, { intent: 'shipping', confidence: 0.1 }];
    const r = combineIntents(shipped, trained);
    assert.deepEqual(r.map((x) => x.intent), ['human_handoff', 'faq', 'oos']);
    assert.ok(Math.abs(r.reduce((a, x) => a + x.confidence, 0) - 1) < 1e-3);
  });
  it('outOfScope puts oos first at one less the best confidence and keeps the rest, oos once', () => {
    const r = outOfScope([{ intent: 'faq', confidence: 0.7 }, { intent: 'oos', confidence: 0.2 }, { intent: 'greet', confidence: 0.1 }]);
    assert.deepEqual(r, [{ intent: 'oos', confidence: 0.3 }, { intent: 'faq', confidence: 0.7 }, { intent: 'greet', confidence: 0.1 }]);
    const already = [{ intent: 'oos' as const, confidence: 0.6 }, { intent: 'faq' as const, confidence: 0.4 }];
    assert.equal(outOfScope(already), already);
  });
  it('is the shipped distribution when nothing was trained', () => {
    assert.deepEqual(combineIntents([{ label: 'greet', score: 0.9 }, { label: 'oos', score: 0.1 }]).map((x) => x.intent), ['greet', 'oos']);
  });
});

describe('nlp/engine canReach (the cascade skips models only where no answer is possible)', () => {
  const actionable = ['recommend_course', 'get_coupon', 'ask_insurance', 'faq'];
  const rng = seededRng(7);
  /** A random distribution over the bot's intents (plus one the contract lacks), often peaked on one intent. */
  const dist = (labels: readonly string[]) => {
    const peak = Math.floor(rng() * labels.length);
    const w = labels.map((_, k) => (k === peak ? rng() * 60 : 0) + rng() ** 4);
    const z = w.reduce((a, b) => a + b, 0);
    return labels.map((label, k) => ({ label, score: w[k]! / z }));
  };
  const best = (r: { intent: string; confidence: number }[]) => Math.max(0, ...r.filter((x) => actionable.includes(x.intent)).map((x) => x.confidence));

  it('never rules out a message the full cascade would answer, before stage 1 and after it', () => {
    let ruledOut = 0;
    for (let n = 0; n < 20000; n++) {
      const first = dist(INTENTS);
      const encoder = dist(INTENTS);
      const trainedLabels = rng() < 0.3 ? [...INTENTS, 'shipping'] : INTENTS;
      const trained = rng() < 0.1 ? undefined : dist(trainedLabels).map((x) => ({ intent: x.label, confidence: x.score }));
      const answerAt = rng() < 0.5 ? 0.85 : 0.3 + rng() * 0.7;
      // A trained head's out-of-scope rule (nlp/intent/oos-rule.ts) may turn the answer into oos.
      const combined = combineIntents(mixScores(first, encoder), trained);
      const full = best(rng() < 0.2 ? outOfScope(combined) : combined);
      const afterStage1 = (x: string) => 0.5 * (first.find((f) => f.label === x)?.score ?? 0) + 0.5;
      for (const reach of [canReach(trained, answerAt), canReach(trained, answerAt, afterStage1)]) {
        if (!reach) {
          ruledOut++;
          assert.ok(full < answerAt, `ruled out at ${answerAt} but the cascade gives ${full}`);
        }
      }
    }
    assert.ok(ruledOut > 1000, `the property was exercised (${ruledOut} ruled out)`);
  });

  it('rules out chat the TypeScript model calls chat at the default 0.85', () => {
    const chat = [{ intent: 'oos', confidence: 0.9 }, { intent: 'greet', confidence: 0.05 }, { intent: 'faq', confidence: 0.05 }];
    assert.equal(canReach(chat, 0.85), false);
    assert.equal(canReach([{ intent: 'faq', confidence: 0.8 }, { intent: 'oos', confidence: 0.2 }], 0.85), true);
  });
});
