import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultModelDir } from '../../data/paths.js';
import { dot, loadMultilingualEncoder, loadTextEncoder, MULTILINGUAL_ENCODER, type TextEncoder } from '../../nlp/encoder.js';

interface ParityRow { text: string; input_ids: number[]; embedding: number[] }

/**
 * The English + Chinese encoder (data/models/encoder-zh, USE multilingual v3) gives in transformers.js
 * what it gave in Python (HF tokenizers + onnxruntime) when nlp/train/export_use_zh.py wrote
 * parity.json: the same token ids and the same vectors within 1e-4.
 */
describe('nlp/encoder: the English + Chinese encoder agrees with Python', function () {
  this.timeout(60000);
  const rows = (JSON.parse(readFileSync(join(defaultModelDir, MULTILINGUAL_ENCODER, 'parity.json'), 'utf8')) as { sentences: ParityRow[] }).sentences;
  let enc: TextEncoder;
  before(async () => {
    enc = await loadMultilingualEncoder({ modelDir: defaultModelDir, threads: 1 });
  });

  it('has fixed English, Chinese and mixed sentences to compare', () => {
    assert.ok(rows.length >= 8);
    assert.ok(rows.some((r) => /[\u4e00-\u9fff]/.test(r.text) && /[a-z]/i.test(r.text)));
    assert.equal(enc.dim, 512);
  });

  it('tokenizes exactly as Python did (BOS and EOS around the pieces)', () => {
    for (const r of rows) assert.deepEqual(enc.tokenIds(r.text), r.input_ids, r.text);
  });

  it('gives the same unit vectors (max |diff| < 1e-4)', async () => {
    const vs = await enc.embed(rows.map((r) => r.text));
    rows.forEach((r, i) => {
      const v = vs[i]!;
      assert.equal(v.length, 512);
      const dv = Math.max(...r.embedding.map((x, k) => Math.abs(x - v[k]!)));
      assert.ok(dv < 1e-4, `${r.text}: embedding differs by ${dv}`);
      assert.ok(Math.abs(dot(v, v) - 1) < 1e-4, `${r.text}: not unit length`);
    });
  });

  it('gives a text the same vector alone as in a padded batch', async () => {
    const batch = await enc.embed(rows.map((r) => r.text));
    for (const [i, r] of rows.entries()) {
      const [alone] = await enc.embed([r.text]);
      const d = Math.max(...Array.from(alone!, (x, k) => Math.abs(x - batch[i]![k]!)));
      assert.ok(d < 1e-5, `${r.text}: alone and in a batch differ by ${d}`);
    }
  });

  it('puts a Chinese question nearer its paraphrase than an unrelated one', async () => {
    const [q, para, other] = await enc.embed(['可以退款吗', '课程买错了能退吗', '下一次直播是什么时候']);
    assert.ok(dot(q!, para!) > dot(q!, other!) + 0.1, `${dot(q!, para!)} vs ${dot(q!, other!)}`);
  });
});

describe('nlp/encoder: a missing or damaged English + Chinese encoder file is a clear error at load', function () {
  this.timeout(30000);
  it('names the missing or bad file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cf-enc-zh-'));
    const src = join(defaultModelDir, MULTILINGUAL_ENCODER);
    const dst = join(dir, MULTILINGUAL_ENCODER);
    try {
      mkdirSync(join(dst, 'onnx'), { recursive: true });
      for (const f of ['tokenizer.json', 'config.json']) copyFileSync(join(src, f), join(dst, f));
      await assert.rejects(loadMultilingualEncoder({ modelDir: dir, threads: 1 }), /model_quantized\.onnx/);
      copyFileSync(join(src, 'onnx', 'model_quantized.onnx'), join(dst, 'onnx', 'model_quantized.onnx'));
      await assert.rejects(loadMultilingualEncoder({ modelDir: dir, threads: 1 }), /tokenizer_config\.json/);
      copyFileSync(join(src, 'tokenizer_config.json'), join(dst, 'tokenizer_config.json'));
      writeFileSync(join(dst, 'onnx', 'model_quantized.onnx'), 'not a model');
      await assert.rejects(loadMultilingualEncoder({ modelDir: dir, threads: 1 }), /cannot load the "encoder-zh" model/);
      copyFileSync(join(src, 'onnx', 'model_quantized.onnx'), join(dst, 'onnx', 'model_quantized.onnx'));
      writeFileSync(join(dst, 'config.json'), '{"crossfeed": {"pooling": "max"}}');
      await assert.rejects(loadTextEncoder(MULTILINGUAL_ENCODER, { modelDir: dir, threads: 1 }), /config\.json: unknown crossfeed\.pooling "max"/);
      writeFileSync(join(dst, 'config.json'), '{"model_type": "bert"}');
      // Read as a mean-pooled encoder, the folder's ONNX has no last_hidden_state: still an error, never a fallback.
      await assert.rejects(loadTextEncoder(MULTILINGUAL_ENCODER, { modelDir: dir, threads: 1 }), /cannot load the "encoder-zh" model/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
