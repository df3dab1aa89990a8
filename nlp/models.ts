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
   * `onnx/model_quantized.onnx` (int8 weights). Default fp32.
   */
  dtype?: 'fp32' | 'q8';
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
      local_files_only: true, dtype: o.dtype ?? 'fp32', session_options: { intraOpNumThreads: o.threads, interOpNumThreads: 1 },
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
      local_files_only: true, dtype: o.dtype ?? 'fp32', session_options: { intraOpNumThreads: o.threads, interOpNumThreads: 1 },
    });
    return (async (texts: string[], options: { aggregation_strategy: 'simple' }) =>
      (texts.length === 0 ? [] : (await p(texts, options)) as unknown as TaggedGroup[][])) as TokenTagger;
  } catch (err) {
    throw new ModelLoadError(name, o.modelDir, err);
  }
}
