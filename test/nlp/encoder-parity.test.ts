import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultModelDir } from '../../data/paths.js';
import { headLogits, loadSentenceEncoder, type SentenceEncoder } from '../../nlp/encoder.js';

interface ParityRow { text: string; input_ids: number[]; embedding: number[]; logits: number[] }

/**
 * The shipped encoder gives in transformers.js what it gave in Python (HF tokenizers + onnxruntime)
 * when nlp/train/train_encoder.py wrote data/models/encoder/parity.json: the same token ids, the
 * same pooled vectors and intent logits within float tolerance.
 */
describe('nlp/encoder: Python and transformers.js agree on the shipped encoder', function () {
  this.timeout(60000);
  const rows = (JSON.parse(readFileSync(join(defaultModelDir, 'encoder', 'parity.json'), 'utf8')) as { sentences: ParityRow[] }).sentences;
  let enc: SentenceEncoder;
  before(async () => {
    enc = await loadSentenceEncoder('encoder', { modelDir: defaultModelDir, threads: 1 });
  });

  it('has fixed sentences in both languages to compare', () => {
    assert.ok(rows.length >= 6);
    assert.ok(rows.some((r) => /[\u4e00-\u9fff]/.test(r.text)));
  });

  it('tokenizes exactly as Python did', () => {
    for (const r of rows) assert.deepEqual(enc.tokenIds(r.text), r.input_ids, r.text);
  });

  it('gives the same vectors (max |diff| < 1e-3) and logits (< 0.02)', async () => {
    const vs = await enc.embed(rows.map((r) => r.text));
    rows.forEach((r, i) => {
      const v = vs[i]!;
      const dv = Math.max(...r.embedding.map((x, k) => Math.abs(x - v[k]!)));
      assert.ok(dv < 1e-3, `${r.text}: embedding differs by ${dv}`);
      const l = headLogits(enc.head, v);
      const dl = Math.max(...r.logits.map((x, k) => Math.abs(x - l[k]!)));
      assert.ok(dl < 0.02, `${r.text}: logits differ by ${dl}`);
    });
  });

  it('gives a text the same vector alone as in a batch', async () => {
    const [alone] = await enc.embed([rows[0]!.text]);
    const batch = await enc.embed(rows.map((r) => r.text));
    assert.deepEqual(Array.from(batch[0]!), Array.from(alone!));
  });
});

describe('nlp/encoder: a missing or damaged encoder file is a clear error at load', function () {
  this.timeout(30000);
  it('names the missing or bad file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cf-enc-'));
    try {
      mkdirSync(join(dir, 'encoder', 'onnx'), { recursive: true });
      for (const f of ['tokenizer.json', 'tokenizer_config.json', 'config.json', 'head.json']) copyFileSync(join(defaultModelDir, 'encoder', f), join(dir, 'encoder', f));
      await assert.rejects(loadSentenceEncoder('encoder', { modelDir: dir, threads: 1 }), /model_quantized\.onnx/);
      writeFileSync(join(dir, 'encoder', 'onnx', 'model_quantized.onnx'), 'not a model');
      await assert.rejects(loadSentenceEncoder('encoder', { modelDir: dir, threads: 1 }), /cannot load the "encoder" model/);
      writeFileSync(join(dir, 'encoder', 'head.json'), '{"labels": [1]}');
      await assert.rejects(loadSentenceEncoder('encoder', { modelDir: dir, threads: 1 }), /head\.json/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
