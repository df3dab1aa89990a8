import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../data/paths.js';
import { loadNluExamples, parseMarkedExample } from '../../nlp/training-data.js';
import { ENTITY_LABELS, INTENTS } from '../../nlp/types.js';

describe('nlp/training-data (YAML with inline entity marks)', () => {
  it('strips marks and keeps exact spans, values included', () => {
    const r = parseMarkedExample('有没有[python](topic)[入门](level:beginner)课 [under $30](budget)?');
    assert.equal(r.text, '有没有python入门课 under $30?');
    assert.deepEqual(r.entities.map((e) => [r.text.slice(e.start, e.end), e.label, e.value]),
      [['python', 'topic', undefined], ['入门', 'level', 'beginner'], ['under $30', 'budget', undefined]]);
  });

  it('loads the shipped data: every contract intent, only known entity labels', () => {
    const examples = loadNluExamples([join(packageRoot, 'data', 'nlu', 'intents')], new Set(ENTITY_LABELS));
    const intents = new Set(examples.map((e) => e.intent));
    for (const i of INTENTS) assert.ok(intents.has(i), `intent ${i} has examples`);
    assert.ok(examples.filter((e) => e.intent === 'oos').length >= 600, 'a large chat-noise set');
  });

  it('reports bad files with their path and example number', () => {
    const dir = mkdtempSync(join(tmpdir(), 'crossfeed-nlu-'));
    try {
      writeFileSync(join(dir, 'a.yaml'), 'intent: greet\nexamples:\n  - "hi"\n  - "yo [bot](robot)"\n');
      assert.throws(() => loadNluExamples([dir], new Set(ENTITY_LABELS)), /a\.yaml: example 2 marks unknown entity label "robot"/);
      writeFileSync(join(dir, 'a.yaml'), 'examples: [hi]\n');
      assert.throws(() => loadNluExamples([dir]), /needs "intent: <name>"/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
