/**
 * The one evaluation path: `crossfeed nlu eval` and the benchmark both call evaluateDataset, so a
 * published figure is always the command's figure. Trains on train.jsonl (valid.jsonl, when
 * present, only calibrates and sets the OOS threshold), then scores test.jsonl one message at a
 * time, the way the bot sees chat, timing each prediction.
 */
import { trainIntentModel, type IntentExample } from '../intent/index.js';
import { readDatasetDir } from './dataset.js';
import { entityF1, intentMetrics } from './metrics.js';
import type { EntitySpan, EntityTrainer, EvalReport, IntentMetrics, LabelledExample } from './types.js';

/** Something that learns intents: crossfeed's own model, or another library in the benchmark. */
export interface IntentSystem {
  readonly name: string;
  train(train: IntentExample[], o: { seed: number; oosLabel: string; validation?: IntentExample[];
    onProgress?: (done: number, total: number, phase: string) => void; signal?: AbortSignal }): Promise<{
    predict(text: string): string | Promise<string>;
  }>;
}

export const crossfeedIntentSystem: IntentSystem = {
  name: 'crossfeed',
  async train(train, o) {
    const model = await trainIntentModel(train, o);
    return { predict: (text) => model.predict(text).intent };
  },
};

export interface EvaluateOptions {
  /** Folder with train.jsonl, test.jsonl and optionally valid.jsonl. */
  data: string;
  oosLabel: string;
  seed?: number;
  system?: IntentSystem;
  /** Enables entity_f1 when the data has entities. */
  entityTrainer?: EntityTrainer;
  onProgress?: (done: number, total: number, phase: string) => void;
  signal?: AbortSignal;
}

export interface Evaluation {
  report: EvalReport;
  metrics: IntentMetrics;
}

export async function evaluateDataset(o: EvaluateOptions): Promise<Evaluation> {
  const splits = readDatasetDir(o.data);
  const system = o.system ?? crossfeedIntentSystem;
  const seed = o.seed ?? 1;
  const strip = (xs: LabelledExample[]): IntentExample[] => xs.map(({ text, intent }) => ({ text, intent }));
  const t0 = performance.now();
  const model = await system.train(strip(splits.train), {
    seed, oosLabel: o.oosLabel,
    ...(splits.valid ? { validation: strip(splits.valid) } : {}),
    ...(o.onProgress ? { onProgress: o.onProgress } : {}),
    ...(o.signal ? { signal: o.signal } : {}),
  });
  const trainSeconds = (performance.now() - t0) / 1000;

  const outcomes: { gold: string; predicted: string }[] = [];
  let predictMs = 0;
  for (const e of splits.test) {
    const t = performance.now();
    const predicted = await model.predict(e.text);
    predictMs += performance.now() - t;
    outcomes.push({ gold: e.intent, predicted });
  }
  const metrics = intentMetrics(outcomes, o.oosLabel);
  const report: EvalReport = {
    intent_accuracy: metrics.intent_accuracy,
    in_scope_accuracy: metrics.in_scope_accuracy,
    oos_recall: metrics.oos_recall,
    oos_precision: metrics.oos_precision,
    macro_f1: metrics.macro_f1,
    entity_f1: await entityScore(splits.train, splits.test, o.entityTrainer, seed),
    train_seconds: trainSeconds,
    ms_per_utterance: predictMs / splits.test.length,
    n_train: splits.train.length,
    n_test: splits.test.length,
    labels: [...new Set(splits.train.map((e) => e.intent))].sort(),
  };
  return { report, metrics };
}

/** Exact-span micro F1, or null when no trainer is given or the data has no entities. */
async function entityScore(train: LabelledExample[], test: LabelledExample[], trainer: EntityTrainer | undefined, seed: number): Promise<number | null> {
  const hasEntities = (xs: LabelledExample[]) => xs.some((e) => (e.entities?.length ?? 0) > 0);
  if (!trainer || !hasEntities(train) || !hasEntities(test)) return null;
  const spans = (e: LabelledExample): EntitySpan[] => e.entities ?? [];
  const recognizer = await trainer.train(train.map((e) => ({ text: e.text, entities: spans(e) })), { seed });
  return entityF1(test.map(spans), test.map((e) => recognizer.predict(e.text)));
}
