import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readCatalogFile } from '../../data/catalog/importer.js';
import { defaultModelDir, seedCatalogDir } from '../../data/paths.js';
import { loadMultilingualEncoder, loadSentenceEncoder, type SentenceEncoder } from '../../nlp/encoder.js';
import { Recommender } from '../../recommender/recommender.js';

/** Course search with the encoder: requests that never name their topic find it (data/catalog/eval/topic-queries.yaml). */
describe('recommender: hybrid relevance with the sentence encoder', function () {
  this.timeout(60000);
  let enc: SentenceEncoder;
  let r: Recommender;
  before(async () => {
    enc = await loadSentenceEncoder('encoder', { modelDir: defaultModelDir, threads: 1 });
    r = new Recommender((await readCatalogFile(join(seedCatalogDir, 'courses.json'))).items, { now: () => new Date('2026-12-01') });
  });
  const cases: [string, string][] = [
    ['teach me to build websites', 'web development'],
    ['analyze spreadsheets full of numbers', 'data science'],
    ['edit my gameplay clips', 'video editing'],
  ];
  const top = (text: string, queryVector?: Float32Array) => {
    const id = r.recommend({ kind: 'course', text }, 1, queryVector ? { queryVector } : {}).suggestions[0]?.itemId;
    return id ? r.item(id)!.topics : [];
  };

  it('finds the topic by meaning once items are embedded (the words alone do not)', async () => {
    const lexical = cases.map(([text]) => top(text));
    await r.useEncoder((t) => enc.embed(t));
    const vectors = await enc.embed(cases.map(([t]) => t));
    cases.forEach(([text, topic], i) => {
      assert.ok(!lexical[i]!.includes(topic), `lexical alone misses "${text}"`);
      assert.ok(top(text, vectors[i]).includes(topic), `hybrid finds ${topic} for "${text}"`);
    });
  });

  it('stays lexical for a message without a vector (Chinese, or no encoder)', () => {
    assert.deepEqual(top('teach me to build websites'), top('teach me to build websites', undefined));
  });

  it('reads a Chinese request with encoder-zh vectors, never with the English items\' vectors', async () => {
    const zh = await loadMultilingualEncoder({ modelDir: defaultModelDir, threads: 1 });
    const text = '想拍出好看的照片';
    const [v] = await zh.embed([text]);
    const top3 = () => r.recommend({ kind: 'course', text }, 3, { queryVector: v!, queryLanguage: 'zh' }).suggestions.map((x) => r.item(x.itemId)!.topics);
    // Only English item vectors so far: a Chinese vector is not compared with them (lexical ranking).
    const lexical = top3();
    assert.deepEqual(lexical, r.recommend({ kind: 'course', text }, 3).suggestions.map((x) => r.item(x.itemId)!.topics));
    assert.ok(lexical.some((t) => !t.includes('photography')), 'the words alone bring unrelated courses');
    await r.useEncoder((t) => zh.embed(t), 'zh');
    assert.ok(top3().every((t) => t.includes('photography')), 'by meaning, every suggestion is a photography course');
  });
});
