import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultModelDir } from '../../data/paths.js';
import { headScores, loadSentenceEncoder, type SentenceEncoder } from '../../nlp/encoder.js';
import { checkEncoderHead, EmbeddingCache, trainEncoderHead } from '../../nlp/intent/encoder-head.js';

/** `crossfeed nlu train`'s head on the frozen encoder: a user's own intents, an embedding cache keyed by the model's hash. */
describe('nlp/intent/encoder-head: heads on frozen encoder vectors', function () {
  this.timeout(120000);
  let enc: SentenceEncoder;
  let dir: string;
  before(async () => {
    enc = await loadSentenceEncoder('encoder', { modelDir: defaultModelDir, threads: 1 });
    dir = mkdtempSync(join(tmpdir(), 'cf-head-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  // A team's own intents, none of which the shipped models know.
  const data: [string, string][] = [
    ['when does the gym open', 'opening_hours'], ['what are your opening hours', 'opening_hours'], ['are you open on sunday', 'opening_hours'],
    ['what time do you close today', 'opening_hours'], ['is the studio open late', 'opening_hours'],
    ['can i bring my dog', 'pets'], ['are pets allowed inside', 'pets'], ['is it ok to come with my cat', 'pets'],
    ['do you allow animals', 'pets'], ['my puppy comes with me, is that fine', 'pets'],
    ['where can i park', 'parking'], ['is there a car park nearby', 'parking'], ['do you have parking spaces', 'parking'],
    ['where do i leave my car', 'parking'], ['is parking free', 'parking'],
  ];

  it('learns a user\'s intents and generalises to unseen wordings', async () => {
    const cache = new EmbeddingCache(dir, enc.hash);
    const progress: number[] = [];
    const vs = await cache.embed(enc, data.map(([t]) => t), (done) => progress.push(done));
    assert.equal(progress.at(-1), data.length);
    const head = trainEncoderHead(vs, data.map(([, l]) => l), enc.hash, { seed: 1 });
    const [q1, q2, q3] = await enc.embed(['what hours is the place open', 'may i come with my doggo', 'any spot for my vehicle']);
    assert.equal(headScores(head, q1!)[0]!.label, 'opening_hours');
    assert.equal(headScores(head, q2!)[0]!.label, 'pets');
    assert.equal(headScores(head, q3!)[0]!.label, 'parking');
    assert.doesNotThrow(() => checkEncoderHead(JSON.parse(JSON.stringify(head)), 'h.json', enc.hash));
  });

  it('is deterministic for a seed', async () => {
    const vs = await new EmbeddingCache(dir, enc.hash).embed(enc, data.map(([t]) => t));
    const a = trainEncoderHead(vs, data.map(([, l]) => l), enc.hash, { seed: 7 });
    const b = trainEncoderHead(vs, data.map(([, l]) => l), enc.hash, { seed: 7 });
    assert.deepEqual(a, b);
  });

  it('reads cached vectors from disk instead of embedding again, keyed by the model hash', async () => {
    const file = readdirSync(dir).find((f) => f.startsWith(`encoder-${enc.hash.slice(0, 16)}`));
    assert.ok(file, 'cache file named by the model hash');
    const size = statSync(join(dir, file)).size;
    let embedded = 0;
    const counting: SentenceEncoder = { ...enc, embed: async (t) => { embedded += t.length; return enc.embed(t); } };
    const cache = new EmbeddingCache(dir, enc.hash);
    assert.equal(cache.size, data.length);
    const again = await cache.embed(counting, data.map(([t]) => t));
    assert.equal(embedded, 0);
    assert.equal(statSync(join(dir, file)).size, size);
    assert.deepEqual(Array.from(again[0]!), Array.from((await enc.embed([data[0]![0]]))[0]!));
    // Another model hash: another file, nothing reused.
    assert.equal(new EmbeddingCache(dir, 'f'.repeat(64)).size, 0);
  });

  it('refuses a head trained on another encoder, naming the file', () => {
    const head = trainEncoderHead([new Float32Array(384).fill(0.05)], ['x'], 'a'.repeat(64), { epochs: 1 });
    assert.throws(() => checkEncoderHead(head, '/tmp/encoder-intent.json', enc.hash), /encoder-intent\.json.*different encoder/);
    assert.throws(() => checkEncoderHead({ format: 'nope' }, '/tmp/bad.json'), /bad\.json/);
  });
});
