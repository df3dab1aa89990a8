import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AutoModel, AutoTokenizer, env, pipeline, type Tensor } from '@huggingface/transformers';
import { ModelLoadError, sessionOptions, type ModelOptions } from './models.js';

/**
 * Sentence encoders, loaded from a local model folder (never from a hub), one unit vector per text.
 * Two kinds of folder, told apart by `config.json` (`crossfeed.pooling`):
 *
 * - `mean` (default; data/models/encoder: all-MiniLM-L6-v2 fine-tuned here by
 *   nlp/train/train_encoder.py): the model gives `last_hidden_state`; the vector is its mean over
 *   the real tokens, L2-normalised, exactly as the training script pools. Its intent head
 *   (head.json) turns a vector into intent probabilities: `loadSentenceEncoder`.
 * - `sentence_embedding` (data/models/encoder-zh: Universal Sentence Encoder multilingual v3, English
 *   and Chinese, made by nlp/train/export_use_zh.py): the model pools and normalises itself and
 *   gives `sentence_embedding`; no head: `loadTextEncoder` / `loadMultilingualEncoder`.
 *
 * Only the int8 file (onnx/model_quantized.onnx) ships. A missing or damaged file is a
 * ModelLoadError naming it at load; nothing falls back silently.
 */

export const ENCODER_DIM = 384;
/** The English + Chinese encoder's folder under the model directory. */
export const MULTILINGUAL_ENCODER = 'encoder-zh';
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

export interface TextEncoder {
  /** Unit vectors, one per text, in order. */
  embed(texts: readonly string[]): Promise<Float32Array[]>;
  /** Token ids as the encoder sees them (for parity checks). */
  tokenIds(text: string): number[];
  /** Length of every vector. */
  readonly dim: number;
  /** sha256 of the ONNX file, the key of embedding caches. */
  readonly hash: string;
}

export interface SentenceEncoder extends TextEncoder {
  /** The intent head shipped with the encoder. */
  readonly head: EncoderHead;
}

type Pooling = 'mean' | 'sentence_embedding';
type Embedder = (chunk: string[]) => Promise<{ data: Float32Array; dim: number }>;

/** An encoder folder as `config.json` describes it; the files it needs must all be there. */
export async function loadTextEncoder(name: string, o: ModelOptions): Promise<TextEncoder> {
  const dir = join(o.modelDir, name);
  const onnxFile = join(dir, 'onnx', 'model_quantized.onnx');
  const configFile = join(dir, 'config.json');
  for (const f of [onnxFile, join(dir, 'tokenizer.json'), join(dir, 'tokenizer_config.json'), configFile]) {
    if (!existsSync(f)) throw new ModelLoadError(name, o.modelDir, new Error(`missing file ${f}`));
  }
  let pooling: Pooling;
  try {
    const p = (JSON.parse(readFileSync(configFile, 'utf8')) as { crossfeed?: { pooling?: string } }).crossfeed?.pooling ?? 'mean';
    if (p !== 'mean' && p !== 'sentence_embedding') throw new Error(`unknown crossfeed.pooling "${p}"`);
    pooling = p;
  } catch (err) {
    throw new ModelLoadError(name, o.modelDir, new Error(`${configFile}: ${(err as Error).message}`));
  }
  const hash = createHash('sha256').update(readFileSync(onnxFile)).digest('hex');
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = o.modelDir.endsWith('/') ? o.modelDir : o.modelDir + '/';
  const loadOptions = { local_files_only: true, dtype: 'q8', session_options: sessionOptions(o) } as const;
  let run: Embedder;
  let tokenIds: (text: string) => number[];
  let dim: number;
  try {
    if (pooling === 'mean') {
      const extractor = await pipeline('feature-extraction', name, loadOptions);
      run = async (chunk) => {
        const t = await extractor(chunk, { pooling: 'mean', normalize: true });
        return { data: t.data as Float32Array, dim: t.dims[1]! };
      };
      tokenIds = (text) => Array.from((extractor.tokenizer(text || ' ').input_ids as { data: BigInt64Array }).data, Number);
    } else {
      const tokenizer = await AutoTokenizer.from_pretrained(name, { local_files_only: true });
      const model = await AutoModel.from_pretrained(name, loadOptions);
      const outputs = (model as unknown as { sessions: Record<string, { outputNames: string[] }> }).sessions.model?.outputNames ?? [];
      if (!outputs.includes('sentence_embedding')) throw new Error(`${onnxFile} has no output sentence_embedding (outputs: ${outputs.join(', ')})`);
      run = async (chunk) => {
        const enc = tokenizer(chunk, { padding: true });
        const t = (await model({ input_ids: enc.input_ids, attention_mask: enc.attention_mask })).sentence_embedding as Tensor;
        return { data: t.data as Float32Array, dim: t.dims[1]! };
      };
      tokenIds = (text) => Array.from((tokenizer(text || ' ').input_ids as { data: BigInt64Array }).data, Number);
    }
    dim = (await run([' '])).dim; // one call at load: a model that cannot run fails here, not on the first message
  } catch (err) {
    throw new ModelLoadError(name, o.modelDir, err);
  }
  // The model-pooled encoder's vector of a text moves by ~1e-7 with the batch around it (its MatMuls
  // block differently with the row count), and the engine promises parse === parseBatch exactly:
  // one text per call (about 2 ms each, and only texts that reach the encoders).
  const batch = pooling === 'mean' ? BATCH : 1;
  return {
    dim,
    hash,
    tokenIds,
    async embed(texts: readonly string[]): Promise<Float32Array[]> {
      const out: Float32Array[] = [];
      for (let i = 0; i < texts.length; i += batch) {
        const chunk = texts.slice(i, i + batch).map((t) => (t.trim() ? t.slice(0, MAX_CHARS) : ' '));
        const { data } = await run(chunk);
        for (let j = 0; j < chunk.length; j++) out.push(data.slice(j * dim, (j + 1) * dim));
      }
      return out;
    },
  };
}

/** The English + Chinese encoder (data/models/encoder-zh), for FAQ retrieval and course search. */
export function loadMultilingualEncoder(o: ModelOptions): Promise<TextEncoder> {
  return loadTextEncoder(MULTILINGUAL_ENCODER, o);
}

/** The fine-tuned encoder with its intent head (data/models/encoder). */
export async function loadSentenceEncoder(name: string, o: ModelOptions): Promise<SentenceEncoder> {
  const headFile = join(o.modelDir, name, 'head.json');
  if (!existsSync(headFile)) throw new ModelLoadError(name, o.modelDir, new Error(`missing file ${headFile}`));
  let head: EncoderHead;
  try {
    head = JSON.parse(readFileSync(headFile, 'utf8')) as EncoderHead;
    if (!Array.isArray(head.labels) || head.weight.length !== head.labels.length || head.weight.some((r) => r.length !== ENCODER_DIM)) {
      throw new Error('labels and weight rows do not match');
    }
  } catch (err) {
    throw new ModelLoadError(name, o.modelDir, new Error(`${headFile}: ${(err as Error).message}`));
  }
  return { ...(await loadTextEncoder(name, o)), head };
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
