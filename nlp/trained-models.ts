import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultModelDir } from '../data/paths.js';
import { loadEntityModel, type EntityModel } from './entities-train/index.js';
import { loadIntentModel, type IntentModel } from './intent/index.js';
import type { LexiconEntry } from './rules/lexicon.js';
import { checkEncoderHead, type TrainedEncoderHead } from './intent/encoder-head.js';

/**
 * Models trained in TypeScript by `crossfeed nlu train` on users' own YAML, stored as JSON next
 * to the database. They complement the shipped transformers.js models (see engine.ts).
 */
export interface TrainedModels {
  intent?: IntentModel;
  entities?: EntityModel;
  /**
   * Values marked in the training data (`[pyhton](topic:python)`): the phrase is read as that
   * value, by the rules, so a trained deployment normalizes what it was taught.
   */
  synonyms?: LexiconEntry[];
  /** Intent head on the shipped encoder's vectors (replaces the encoder's own head in the engine). */
  encoderHead?: TrainedEncoderHead;
  /** The files they were read from (size and mtime at read time), so a worker thread can load the same ones. */
  files?: TrainedFiles;
}

export interface TrainedFiles {
  intent?: FileStamp;
  entities?: FileStamp;
}

export interface FileStamp {
  path: string;
  size: number;
  mtimeMs: number;
}

export const INTENT_FILE = 'intent.json';
export const ENTITY_FILE = 'entities.json';
export const SYNONYMS_FILE = 'synonyms.json';
export const ENCODER_HEAD_FILE = 'encoder-intent.json';

/** Models trained by `crossfeed nlu train` on the shipped examples alone, committed with the repo. */
export const SHIPPED_TRAINED_DIR = join(defaultModelDir, 'trained');

/**
 * The deployment's own trained models when `crossfeed nlu train` has written them to `dir`,
 * otherwise the ones shipped in data/models/trained (same training, shipped examples only).
 */
export function loadTrainedModels(dir: string, fallbackDir: string = SHIPPED_TRAINED_DIR): TrainedModels & { dir?: string } {
  if (existsSync(join(dir, INTENT_FILE))) return { ...loadTrainedModelsFrom(dir), dir };
  if (fallbackDir && existsSync(join(fallbackDir, INTENT_FILE))) return { ...loadTrainedModelsFrom(fallbackDir), dir: fallbackDir };
  return {};
}

function loadTrainedModelsFrom(dir: string): TrainedModels {
  const out: TrainedModels = {};
  const files: TrainedFiles = {};
  const intentPath = join(dir, INTENT_FILE);
  const entityPath = join(dir, ENTITY_FILE);
  if (existsSync(intentPath)) {
    files.intent = stamp(intentPath);
    out.intent = loadIntentModel(readJson(intentPath));
  }
  if (existsSync(entityPath)) {
    files.entities = stamp(entityPath);
    out.entities = loadEntityModel(readJson(entityPath));
  }
  const synonymsPath = join(dir, SYNONYMS_FILE);
  if (existsSync(synonymsPath)) out.synonyms = readSynonyms(readJson(synonymsPath), synonymsPath);
  const headPath = join(dir, ENCODER_HEAD_FILE);
  if (existsSync(headPath)) out.encoderHead = checkEncoderHead(readJson(headPath), headPath);
  out.files = files;
  return out;
}

function readSynonyms(json: unknown, path: string): LexiconEntry[] {
  if (!Array.isArray(json)) throw new Error(`${path}: expected a list of {label, phrase, value}`);
  return json.map((e: Partial<LexiconEntry>, i) => {
    if (!e || typeof e.label !== 'string' || typeof e.phrase !== 'string' || typeof e.value !== 'string') throw new Error(`${path}: entry ${i + 1} needs label, phrase and value strings`);
    return { label: e.label, phrase: e.phrase, value: e.value } as LexiconEntry;
  });
}

export function stamp(path: string): FileStamp {
  const st = statSync(path);
  return { path, size: st.size, mtimeMs: st.mtimeMs };
}

/**
 * Loads exactly the files in `files` again (in a worker thread); throws if one changed since it
 * was stamped (a newer `crossfeed nlu train` run), so that both threads always use the same models.
 */
export function reloadTrainedModels(files: TrainedFiles): TrainedModels {
  const out: TrainedModels = {};
  for (const [key, f] of Object.entries(files) as [keyof TrainedFiles, FileStamp | undefined][]) {
    if (!f) continue;
    const now = stamp(f.path);
    if (now.size !== f.size || now.mtimeMs !== f.mtimeMs) throw new Error(`${f.path} changed since the engine loaded it`);
    if (key === 'intent') out.intent = loadIntentModel(readJson(f.path));
    else out.entities = loadEntityModel(readJson(f.path));
  }
  return out;
}

/** Writes atomically (temporary file, then rename), so a crash never leaves half a model. */
export function saveTrainedModel(dir: string, file: string, json: unknown): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, file);
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(json));
  renameSync(tmp, path);
  return path;
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read trained model ${path}: ${(err as Error).message}; run \`crossfeed nlu train\` again`);
  }
}
