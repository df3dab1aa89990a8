import assert from 'node:assert/strict';
import {
  EntityExampleError, entityTrainer, EntityModelFormatError, loadEntityModel, trainEntityModel, type EntityModel,
  type SpanExample,
} from '../../nlp/entities-train/index.js';
import { marked } from '../helpers/marked.js';

const VALUES: Record<string, string[]> = {
  topic: ['python', 'java', 'excel', 'guitar', 'photoshop', 'sql', 'drawing'],
  level: ['beginner', 'advanced', 'intermediate'],
  budget: ['under $30', 'below $50', 'less than 20 bucks', 'under £15', 'for under $100'],
  zhTopic: ['python', '吉他', '摄影', '英语', 'excel', '画画'],
  zhLevel: ['入门', '进阶', '高级'],
  zhBudget: ['100块以内', '50元以下', '200块以内', '不超过80块', '30块以内'],
  cuisine: ['火锅', '烧烤', '寿司', '奶茶', '烤鸭'],
};
const TEMPLATES = [
  'any [{topic}](topic) course [{budget}](budget)?', 'recommend a [{level}](level) [{topic}](topic) course',
  'i want to learn [{topic}](topic)', 'is there a [{topic}](topic) class for [{level}](level) learners',
  '[{level}](level) [{topic}](topic) courses [{budget}](budget) please', 'hello everyone', 'what time is the stream',
  'thanks for the [{topic}](topic) tips', '有没有[{zhTopic}](topic)[{zhLevel}](level)课', '[{zhBudget}](budget)的[{cuisine}](cuisine)券',
  '推荐一个[{zhBudget}](budget)的[{zhTopic}](topic)课程', '想学[{zhTopic}](topic)', '有[{cuisine}](cuisine)优惠吗', '主播好', '今天直播几点',
  'any [{cuisine}](cuisine) coupons [{budget}](budget)', '我想学[{zhLevel}](level)[{zhTopic}](topic)',
];
const HELD_OUT = ['有没有python入门课', '100块以内的火锅券', 'any sql course under $30?', 'recommend a beginner guitar course'];

/** A small English and Chinese training set, drawn with a fixed LCG so every run sees the same one. */
function syntheticExamples(count = 160): SpanExample[] {
  let state = 12345;
  const next = (n: number) => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) >>> 8) % n;
  const out: SpanExample[] = [];
  for (let k = 0; out.length < count; k++) {
    const tpl = TEMPLATES[k % TEMPLATES.length]!;
    const ex = marked(tpl.replace(/\{(\w+)\}/g, (_, slot: string) => VALUES[slot]![next(VALUES[slot]!.length)]!));
    if (!HELD_OUT.includes(ex.text)) out.push(ex);
  }
  return out;
}

const spans = (m: EntityModel, text: string) => m.predict(text).map(({ start, end, label, text: t }) => ({ start, end, label, text: t }));

describe('nlp/entities-train', () => {
  const examples = syntheticExamples();
  let model: EntityModel;
  before(async () => {
    model = await trainEntityModel(examples, { seed: 7 });
  });

  it('extracts held-out English and Chinese spans with exact UTF-16 offsets', () => {
    assert.deepEqual(model.labels, ['budget', 'cuisine', 'level', 'topic']);
    assert.deepEqual(spans(model, '有没有python入门课'), [
      { start: 3, end: 9, label: 'topic', text: 'python' }, { start: 9, end: 11, label: 'level', text: '入门' }]);
    assert.deepEqual(spans(model, '100块以内的火锅券'), [
      { start: 0, end: 6, label: 'budget', text: '100块以内' }, { start: 7, end: 9, label: 'cuisine', text: '火锅' }]);
    assert.deepEqual(spans(model, 'any sql course under $30?'), [
      { start: 4, end: 7, label: 'topic', text: 'sql' }, { start: 15, end: 24, label: 'budget', text: 'under $30' }]);
    assert.deepEqual(spans(model, 'recommend a beginner guitar course'), [
      { start: 12, end: 20, label: 'level', text: 'beginner' }, { start: 21, end: 27, label: 'topic', text: 'guitar' }]);
    // An astral character before the span moves offsets by two code units, not one.
    const afterEmoji = spans(model, '🎸 recommend a beginner guitar course').filter((s) => s.label === 'topic');
    assert.deepEqual(afterEmoji, [{ start: 24, end: 30, label: 'topic', text: 'guitar' }]);
    for (const e of model.predict('any excel course below $50?')) assert.ok(e.score >= 0 && e.score <= 1);
    assert.deepEqual(model.predict(''), []);
  });

  it('is deterministic: the same seed and data give the same JSON', async () => {
    const again = await trainEntityModel(examples, { seed: 7 });
    assert.equal(JSON.stringify(again.toJSON()), JSON.stringify(model.toJSON()));
  });

  it('round-trips through JSON', () => {
    const json = JSON.parse(JSON.stringify(model.toJSON())) as unknown;
    const loaded = loadEntityModel(json);
    assert.deepEqual(loaded.labels, model.labels);
    for (const text of [...HELD_OUT, '想学摄影', 'hello everyone']) assert.deepEqual(loaded.predict(text), model.predict(text));
    assert.equal(JSON.stringify(loaded.toJSON()), JSON.stringify(json));
  });

  it('rejects corrupt model JSON with CF_ENTITY_MODEL', () => {
    const good = model.toJSON() as Record<string, unknown>;
    const nanWeights = Buffer.from(new Float32Array([NaN]).buffer).toString('base64');
    const weights = Buffer.from(String(good.weights), 'base64');
    const corrupt: unknown[] = [
      null, 'model', {}, { ...good, version: 99 }, { ...good, format: 'other' }, { ...good, extra: 1 },
      { ...good, weights: Buffer.from(weights.subarray(0, weights.length - 4)).toString('base64') },
      { ...good, weights: '***' }, { ...good, labels: [...model.labels, 'extra'] }, { ...good, start: nanWeights },
      { ...good, labels: ['a', 'a'] },
    ];
    for (const json of corrupt) {
      assert.throws(() => loadEntityModel(json), (err: unknown) =>
        err instanceof EntityModelFormatError && err.code === 'CF_ENTITY_MODEL', JSON.stringify(json)?.slice(0, 80));
    }
  });

  it('reports invalid training spans with the index of their example', async () => {
    const bad: SpanExample[] = [
      marked('any [python](topic) course'),
      marked('[beginner](level) [java](topic)'),
      { text: 'any python course', entities: [{ start: 4, end: 10, label: 'topic' }, { start: 8, end: 17, label: 'level' }] },
      marked('i want to learn [sql](topic)'),
      { text: 'short', entities: [{ start: 2, end: 40, label: 'topic' }] },
      { text: 'x y', entities: [{ start: 1, end: 2, label: 'topic' }] },
    ];
    await assert.rejects(trainEntityModel(bad), (err: unknown) => {
      assert.ok(err instanceof EntityExampleError);
      assert.equal(err.code, 'CF_ENTITY_EXAMPLES');
      assert.deepEqual(err.problems.map((p) => p.index), [2, 4, 5]);
      assert.match(err.message, /example 2: .*overlap/);
      return true;
    });
  });

  it('lookups get an unseen lookup value tagged', async () => {
    const topics = [...new Set([...VALUES.topic!, ...VALUES.zhTopic!])];
    const withLookups = await trainEntityModel(examples, { seed: 7, lookups: { topic: [...topics, 'kotlin', 'rust'] } });
    assert.deepEqual(spans(model, 'what about kotlin'), []);
    assert.deepEqual(spans(withLookups, 'what about kotlin'), [{ start: 11, end: 17, label: 'topic', text: 'kotlin' }]);
    assert.deepEqual(spans(withLookups, 'i want to learn rust'), [{ start: 16, end: 20, label: 'topic', text: 'rust' }]);
    // Saved with the model: a reloaded model still matches them.
    assert.deepEqual(spans(loadEntityModel(withLookups.toJSON()), 'what about kotlin'), spans(withLookups, 'what about kotlin'));
  });

  it('trims whitespace inside marks, reports progress and can be aborted', async () => {
    const padded = examples.map((e) => ({ ...e, entities: e.entities.map((s) => ({ ...s })) }));
    padded.push({ text: 'i want to learn  python  today', entities: [{ start: 15, end: 24, label: 'topic' }] });
    const calls: [number, number][] = [];
    const m = await trainEntityModel(padded, { epochs: 3, onProgress: (done, total) => calls.push([done, total]) });
    assert.deepEqual(calls, [[1, 3], [2, 3], [3, 3]]);
    // The mark [15, 24) is "  python " in the text; it is learnt as [17, 23).
    assert.deepEqual(spans(m, 'i want to learn  python  today'), [{ start: 17, end: 23, label: 'topic', text: 'python' }]);
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(trainEntityModel(examples, { signal: ac.signal }), { name: 'AbortError' });
  });

  it('serves the evaluation harness through entityTrainer', async () => {
    const m = await entityTrainer.train(examples, { seed: 1 });
    assert.deepEqual(m.predict('想学摄影').map((s) => [s.start, s.end, s.label]), [[2, 4, 'topic']]);
  });
});
