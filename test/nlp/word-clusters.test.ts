import assert from 'node:assert/strict';
import { EntityModelFormatError, loadEntityModel, trainEntityModel } from '../../nlp/entities-train/index.js';
import { shippedWordClusters, WordClusterError, WordClusters } from '../../nlp/entities-train/word-clusters.js';
import { marked } from '../helpers/marked.js';

// Singers share cluster 7, cities cluster 9, everything else in the sentences is in no cluster.
const TABLE = [
  '# test table', ...['madonna', 'adele', 'beyonce', 'shakira'].map((w) => `${w}\t1\t7`),
  ...['paris', 'berlin', 'tokyo', 'lima'].map((w) => `${w}\t2\t9`),
].join('\n');

// Trained on two singers and two cities in the same templates; beyonce, shakira, tokyo and lima are never seen.
const TRAIN = [
  'play [madonna](artist) in [paris](city)', 'play [adele](artist) in [berlin](city)',
  'play something by [madonna](artist) tonight', 'play something by [adele](artist) tonight',
  'weather in [paris](city) tomorrow', 'weather in [berlin](city) tomorrow',
].map(marked);

describe('nlp/entities-train word clusters', () => {
  it('parses the table and names it by content; refuses malformed lines by number', () => {
    const t = WordClusters.parse(TABLE);
    assert.deepEqual(t.of('beyonce'), { coarse: 1, fine: 7 });
    assert.equal(t.of('pizza'), undefined);
    assert.equal(t.size, 8);
    assert.match(t.id, /^sha256:[0-9a-f]{16}$/);
    assert.equal(WordClusters.parse(TABLE).id, t.id);
    assert.notEqual(WordClusters.parse(TABLE + '\nrome\t2\t9').id, t.id);
    assert.throws(() => WordClusters.parse('ok\t1\t2\nbad line'), (e: unknown) => e instanceof WordClusterError && /line 2/.test(e.message));
    assert.throws(() => WordClusters.parse('word\t1\t70000'), WordClusterError);
  });

  it('lets the tagger find names it never saw when they share a cluster with names it did', async () => {
    const table = WordClusters.parse(TABLE);
    const tagged = (m: { predict(t: string): { label: string; text: string }[] }, text: string) => m.predict(text).map((e) => `${e.label}:${e.text}`);
    const withClusters = await trainEntityModel(TRAIN, { seed: 1, epochs: 10, wordClusters: table });
    const without = await trainEntityModel(TRAIN, { seed: 1, epochs: 10, wordClusters: null });
    assert.deepEqual(tagged(withClusters, 'play beyonce in tokyo'), ['artist:beyonce', 'city:tokyo']);
    assert.deepEqual(tagged(withClusters, 'weather in lima tomorrow'), ['city:lima']);
    // The same data without clusters: unseen words carry no evidence of their own.
    assert.notDeepEqual(tagged(without, 'play beyonce in tokyo'), ['artist:beyonce', 'city:tokyo']);
  });

  it('records the table in the model and refuses to load it against another table', async () => {
    const table = WordClusters.parse(TABLE);
    const model = await trainEntityModel(TRAIN, { seed: 1, epochs: 5, wordClusters: table });
    const json = model.toJSON() as Record<string, unknown>;
    assert.equal(json.wordClusters, table.id);
    const other = shippedWordClusters();
    if (other) assert.throws(() => loadEntityModel(json), (e: unknown) => e instanceof EntityModelFormatError && /word clusters/.test(e.message));
    const plain = (await trainEntityModel(TRAIN, { seed: 1, epochs: 5, wordClusters: null })).toJSON() as Record<string, unknown>;
    assert.equal('wordClusters' in plain, false, 'a model without clusters does not name any');
    assert.ok(loadEntityModel(plain).predict('play adele in paris').length > 0);
  });

  it('ships a table the default training uses', async () => {
    const shipped = shippedWordClusters();
    assert.ok(shipped && shipped.size >= 90_000, 'data/models/word-clusters holds the shipped table');
    assert.equal(shipped.of('paris')?.fine, shipped.of('berlin')?.fine, 'two capitals share a fine cluster');
    const model = await trainEntityModel(TRAIN, { seed: 1, epochs: 2 });
    assert.equal((model.toJSON() as Record<string, unknown>).wordClusters, shipped.id);
    assert.ok(loadEntityModel(model.toJSON()), 'a model trained with the shipped table loads with it');
  });
});
