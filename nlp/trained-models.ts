import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultModelDir } from '../data/paths.js';
import { loadEntityModel, type EntityModel } from './entities-train/index.js';
import { loadIntentModel, type IntentModel } from './intent/index.js';

/**
 * Models trained in TypeScript by `crossfeed nlu train` on users' own YAML, stored as JSON next
 * to the database. They complement the shipped transformers.js models (see engine.ts).
 */
export interface TrainedModels {
  intent?: IntentModel;
  entities?: EntityModel;
}

export const INTENT_FILE = 'intent.json';
export const ENTITY_FILE = 'entities.json';

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
  const intentPath = join(dir, INTENT_FILE);
  const entityPath = join(dir, ENTITY_FILE);
  if (existsSync(intentPath)) out.intent = loadIntentModel(readJson(intentPath));
  if (existsSync(entityPath)) out.entities = loadEntityModel(readJson(entityPath));
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
