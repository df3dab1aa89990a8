/**
 * Types shared by the NLU evaluation: the JSONL example format, the pluggable entity trainer, and
 * the report that `crossfeed nlu eval --json` prints.
 */

/** An entity span: UTF-16 offsets into `text`, end exclusive. */
export interface EntitySpan {
  start: number;
  end: number;
  label: string;
}

/** One JSONL line: `{"text":"...","intent":"...","entities":[{"start":0,"end":6,"label":"topic"}]}`. */
export interface LabelledExample {
  text: string;
  intent: string;
  entities?: EntitySpan[];
}

/** A trained entity recogniser, as the evaluation sees it. */
export interface EntityRecognizer {
  predict(text: string): EntitySpan[];
}

/**
 * Trains an entity recogniser from annotated examples. Implemented in nlp/entities-train/; the
 * evaluation computes entity_f1 only when one is supplied and the data has entities.
 */
export interface EntityTrainer {
  train(examples: { text: string; entities: EntitySpan[] }[], o: { seed: number }): Promise<{ predict(text: string): EntitySpan[] }>;
}

/** Gold and predicted intent for one test utterance. */
export interface IntentOutcome {
  gold: string;
  predicted: string;
}

export interface ConfusedPair {
  gold: string;
  predicted: string;
  count: number;
}

export interface IntentMetrics {
  /** Share of all test utterances (OOS included) with the right intent. */
  intent_accuracy: number;
  /** Accuracy over the utterances whose gold intent is not OOS. */
  in_scope_accuracy: number;
  /** Of the gold-OOS utterances, the share predicted OOS; null when the test set has none. */
  oos_recall: number | null;
  /** Of the utterances predicted OOS, the share that are OOS; null when nothing was predicted OOS. */
  oos_precision: number | null;
  /** Unweighted mean F1 over every label in gold or predictions, OOS included. */
  macro_f1: number;
  /** Most frequent (gold, predicted) mistakes, most frequent first. */
  confused: ConfusedPair[];
}

/** What `crossfeed nlu eval --json` prints, key for key. */
export interface EvalReport {
  intent_accuracy: number;
  in_scope_accuracy: number;
  oos_recall: number | null;
  oos_precision: number | null;
  macro_f1: number;
  entity_f1: number | null;
  train_seconds: number;
  ms_per_utterance: number;
  n_train: number;
  n_test: number;
  /** The intents the model was trained on, sorted. */
  labels: string[];
}

export const EVAL_REPORT_KEYS = [
  'intent_accuracy', 'in_scope_accuracy', 'oos_recall', 'oos_precision', 'macro_f1', 'entity_f1',
  'train_seconds', 'ms_per_utterance', 'n_train', 'n_test', 'labels',
] as const satisfies readonly (keyof EvalReport)[];
