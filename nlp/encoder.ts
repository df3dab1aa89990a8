import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { env, pipeline } from '@huggingface/transformers';
import { ModelLoadError, sessionOptions, type ModelOptions } from './models.js';

/**
 * The pretrained sentence encoder (data/models/encoder: all-MiniLM-L6-v2 fine-tuned here by
 * nlp/train/train_encoder.py, int8 weights). One vector per text: mean of the last hidden states
 * over the real tokens, L2-normalised, exactly as the training script pools. The intent head that
 * was trained with it (head.json) turns a vector into intent probabilities.
 *
 * Only the int8 file ships; it is loaded from the local folder, never from a hub.
 */

export const ENCODER_DIM = 384;
/**
 * Texts per onnxruntime call. A text's vector is the same in any batch (test/nlp/encoder-parity);
 * larger batches gain nothing on 2 cores, pad more, and grow onnxruntime's memory arena, which
 * keeps what it grew: embedding the catalog 32 at a time left the process about 70 MiB larger
 * than 4 at a time (docs/nlu-encoder.md, section 6d).
 */
const BATCH = 4;
/** Characters of a text the encoder sees (its tokenizer cuts at 512 tokens; chat is short). */
const MAX_CHARS = 500;

export interface EncoderHead {
  labels: string[];
  scale: number;
  weight: number[][];
  bias: number[];
}

export interface SentenceEncoder {
  /** Unit vectors, one per text, in order. */
  embed(texts: readonly string[]): Promise<Float32Array[]>;
  /** Token ids as the encoder sees them (for parity checks). */
  tokenIds(text: string): number[];
  /** The intent head shipped with the encoder. */
  readonly head: EncoderHead;
  /** sha256 of the ONNX file, the key of embedding caches. */
  readonly hash: string;
}

export async function loadSentenceEncoder(name: string, o: ModelOptions): Promise<SentenceEncoder> {
  const dir = join(o.modelDir, name);
  const onnxFile = join(dir, 'onnx', 'model_quantized.onnx');
  const headFile = join(dir, 'head.json');
  for (const f of [onnxFile, headFile, join(dir, 'tokenizer.json'), join(dir, 'config.json')]) {
    if (!existsSync(f)) throw new ModelLoadError(name, o.modelDir, new Error(`missing file ${f}`));
  }
  let head: EncoderHead;
  try {
    head = JSON.parse(readFileSync(headFile, 'utf8')) as EncoderHead;
    if (!Array.isArray(head.labels) || head.weight.length !== head.labels.length || head.weight.some((r) => r.length !== ENCODER_DIM)) {
      throw new Error('labels and weight rows do not match');
    }
  } catch (err) {
    throw new ModelLoadError(name, o.modelDir, new Error(`${headFile}: ${(err as Error).message}`));
  }
  const hash = createHash('sha256').update(readFileSync(onnxFile)).digest('hex');
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = o.modelDir.endsWith('/') ? o.modelDir : o.modelDir + '/';
  let extractor: Awaited<ReturnType<typeof pipeline<'feature-extraction'>>>;
  try {
    extractor = await pipeline('feature-extraction', name, {
      local_files_only: true, dtype: 'q8', session_options: sessionOptions(o),
    });
  } catch (err) {
    throw new ModelLoadError(name, o.modelDir, err);
  }
  return {
    head,
    hash,
    tokenIds: (text: string) => Array.from((extractor.tokenizer(text || ' ').input_ids as { data: BigInt64Array }).data, Number),
    async embed(texts: readonly string[]): Promise<Float32Array[]> {
      const out: Float32Array[] = [];
      for (let i = 0; i < texts.length; i += BATCH) {
        const chunk = texts.slice(i, i + BATCH).map((t) => (t.trim() ? t.slice(0, MAX_CHARS) : ' '));
        const tensor = await extractor(chunk, { pooling: 'mean', normalize: true });
        const data = tensor.data as Float32Array;
        for (let j = 0; j < chunk.length; j++) out.push(data.slice(j * ENCODER_DIM, (j + 1) * ENCODER_DIM));
      }
      return out;
    },
  };
}

/** Intent probabilities from the encoder's head: softmax(scale * W.v + b), best first. */
export function headScores(head: EncoderHead, v: Float32Array): { label: string; score: number }[] {
  const logits = head.weight.map((w, k) => head.scale * dot(w, v) + head.bias[k]!);
  const m = Math.max(...logits);
  const e = logits.map((x) => Math.exp(x - m));
  const z = e.reduce((a, b) => a + b, 0);
  return head.labels.map((label, k) => ({ label, score: e[k]! / z })).sort((a, b) => b.score - a.score);
}

export function headLogits(head: EncoderHead, v: Float32Array): number[] {
  return head.weight.map((w, k) => head.scale * dot(w, v) + head.bias[k]!);
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}
