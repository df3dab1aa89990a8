import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { env, pipeline } from '@huggingface/transformers';

/**
 * The one place crossfeed touches transformers.js set-up. Models load only from the local folder
 * (data/models by default): remote downloads are switched off before the first pipeline is built.
 */

export interface ModelOptions {
  /** Folder holding one sub-folder per model (`intent/`, `entities/`). */
  modelDir: string;
  /** onnxruntime intra-op threads per model; 1 keeps two models from fighting over 2 cores. */
  threads: number;
  /**
   * Which ONNX file of each model folder: `fp32` is `onnx/model.onnx`, `q8` is
   * `onnx/model_quantized.onnx` (int8 weights, written by nlp/train/quantize.py). Default: q8 when
   * the folder has that file, fp32 otherwise. On the product benchmark both give the same answers;
   * q8 is 3.7x smaller on disk and faster in batches (README, Benchmarks).
   */
  dtype?: 'fp32' | 'q8' | undefined;
}

export interface TextClassifier {
  (texts: string[], options: { top_k: number }): Promise<{ label: string; score: number }[][]>;
}

export interface TaggedGroup {
  entity_group: string;
  score: number;
  word: string;
}

/** One list of merged B-/I- spans per text; a batch is padded to its longest text. */
export interface TokenTagger {
  (texts: string[], options: { aggregation_strategy: 'simple' }): Promise<TaggedGroup[][]>;
}

/** The precision `load*` uses for model `name` under these options. */
export function modelDtype(name: string, o: ModelOptions): 'fp32' | 'q8' {
  return o.dtype ?? (existsSync(join(o.modelDir, name, 'onnx', 'model_quantized.onnx')) ? 'q8' : 'fp32');
}

/** onnxruntime session options of every model crossfeed loads. */
export function sessionOptions(o: ModelOptions) {
  // enableCpuMemArena stays on: without the arena, freed activations stay in the C heap and the
  // process ends larger (docs/nlu-encoder.md, section 6d).
  return { intraOpNumThreads: o.threads, interOpNumThreads: 1 };
}

function configure(modelDir: string) {
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = modelDir.endsWith('/') ? modelDir : modelDir + '/';
}

export class ModelLoadError extends Error {
  readonly code = 'CF_MODEL_LOAD';
  constructor(model: string, dir: string, cause: unknown) {
    super(`cannot load the "${model}" model from ${dir}/${model}: ${(cause as Error)?.message ?? cause}. ` +
      'Models ship in the repository under data/models; rebuild them with `npm run train:models`.', { cause });
  }
}

export async function loadTextClassifier(name: string, o: ModelOptions): Promise<TextClassifier> {
  configure(o.modelDir);
  try {
    const p = await pipeline('text-classification', name, {
      local_files_only: true, dtype: modelDtype(name, o), session_options: sessionOptions(o),
    });
    return (async (texts: string[], options: { top_k: number }) => {
      if (texts.length === 0) return [];
      const out = (await p(texts, options)) as unknown;
      // A batch of one may come back unwrapped.
      const list = out as { label: string; score: number }[][] | { label: string; score: number }[];
      return (texts.length === 1 && !Array.isArray(list[0]) ? [list] : list) as { label: string; score: number }[][];
    }) as TextClassifier;
  } catch (err) {
    throw new ModelLoadError(name, o.modelDir, err);
  }
}

export async function loadTokenTagger(name: string, o: ModelOptions): Promise<TokenTagger> {
  configure(o.modelDir);
  try {
    const p = await pipeline('token-classification', name, {
      local_files_only: true, dtype: modelDtype(name, o), session_options: sessionOptions(o),
    });
    return (async (texts: string[], options: { aggregation_strategy: 'simple' }) =>
      (texts.length === 0 ? [] : (await p(texts, options)) as unknown as TaggedGroup[][])) as TokenTagger;
  } catch (err) {
    throw new ModelLoadError(name, o.modelDir, err);
  }
}
