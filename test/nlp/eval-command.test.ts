import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runNluEval } from '../../bot/app/commands/nlu-eval.js';
import { EVAL_REPORT_KEYS, type EntitySpan, type EntityTrainer } from '../../nlp/eval/types.js';

/** Runs the command with stdout and stderr captured. */
async function capture(run: () => Promise<number>): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [], err: string[] = [];
  const write = { out: process.stdout.write, err: process.stderr.write };
  process.stdout.write = ((s: string) => (out.push(String(s)), true)) as typeof process.stdout.write;
  process.stderr.write = ((s: string) => (err.push(String(s)), true)) as typeof process.stderr.write;
  try {
    const code = await run();
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    process.stdout.write = write.out;
    process.stderr.write = write.err;
  }
}

const jsonl = (rows: object[]) => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
const span = (text: string, word: string, label: string): EntitySpan => ({ start: text.indexOf(word), end: text.indexOf(word) + word.length, label });
const course = (topic: string, t: string) => ({ text: t.replace('X', topic), intent: 'recommend_course', entities: [span(t.replace('X', topic), topic, 'topic')] });

describe('crossfeed nlu eval', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'crossfeed-eval-'));
    const templates = ['any X course', 'recommend a X course', 'i want to learn X', 'teach me X please', 'X class for beginners'];
    const topics = ['python', 'java', 'sql', 'excel', 'rust'];
    const train = [
      ...topics.flatMap((t, i) => templates.filter((_, j) => j !== i).map((tpl) => course(t, tpl))),
      ...['hi', 'hello', 'hey bot', 'good morning', 'hello there', 'hiya'].map((text) => ({ text, intent: 'greet' })),
      ...['gg', 'lol', 'nice play', 'pog', 'what a goal', 'kekw'].map((text) => ({ text, intent: 'oos' })),
    ];
    writeFileSync(join(dir, 'train.jsonl'), jsonl(train));
    writeFileSync(join(dir, 'valid.jsonl'), jsonl([course('go', 'any X course'), { text: 'hey', intent: 'greet' }, { text: 'lmao', intent: 'oos' }]));
    writeFileSync(join(dir, 'test.jsonl'), jsonl([course('kotlin', 'recommend a X course'), { text: 'hello bot', intent: 'greet' }, { text: 'gg wp', intent: 'oos' }]));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('--json prints exactly one object with exactly the documented keys', async () => {
    const r = await capture(() => runNluEval({ data: dir, oosLabel: 'oos', json: true }));
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim().split('\n').length, 1);
    const report = JSON.parse(r.stdout) as Record<string, unknown>;
    assert.deepEqual(Object.keys(report).sort(), [...EVAL_REPORT_KEYS].sort());
    assert.equal(report.entity_f1, null);
    assert.deepEqual([report.n_train, report.n_test], [32, 3]);
    assert.deepEqual(report.labels, ['greet', 'oos', 'recommend_course']);
    for (const k of ['intent_accuracy', 'in_scope_accuracy', 'macro_f1', 'train_seconds', 'ms_per_utterance']) assert.equal(typeof report[k], 'number', k);
  });

  it('computes entity_f1 when an entity trainer is given and the data has entities', async () => {
    const trainer: EntityTrainer = {
      async train(examples) {
        const labels = new Map(examples.flatMap((e) => e.entities.map((s) => [e.text.slice(s.start, s.end), s.label] as const)));
        return { predict: (text) => [...labels].filter(([w]) => text.includes(w)).map(([w, label]) => span(text, w, label)) };
      },
    };
    const r = await capture(() => runNluEval({ data: dir, oosLabel: 'oos', json: true, entityTrainer: trainer }));
    assert.equal(r.code, 0, r.stderr);
    // The lookup trainer never saw "kotlin": 0 true positives out of 1 gold span.
    assert.equal((JSON.parse(r.stdout) as { entity_f1: number }).entity_f1, 0);
  });

  it('prints a readable table without --json', async () => {
    const r = await capture(() => runNluEval({ data: dir, oosLabel: 'oos', json: false }));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /in-scope accuracy\s+\d+\.\d\d%/);
    assert.match(r.stdout, /OOS recall/);
  });

  it('says clearly what is missing', async () => {
    const missing = await capture(() => runNluEval({ data: join(dir, 'nope'), oosLabel: 'oos', json: true }));
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /data folder not found: .*nope/);
    assert.equal(missing.stdout, '');
    const empty = mkdtempSync(join(tmpdir(), 'crossfeed-eval-empty-'));
    try {
      const r = await capture(() => runNluEval({ data: empty, oosLabel: 'oos', json: true }));
      assert.equal(r.code, 2);
      assert.match(r.stderr, /missing train\.jsonl/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
