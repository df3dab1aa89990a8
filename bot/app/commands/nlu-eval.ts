import { SingleBar } from 'cli-progress';
import { DatasetError } from '../../../nlp/eval/dataset.js';
import { evaluateDataset, type Evaluation } from '../../../nlp/eval/evaluate.js';
import type { EntityTrainer } from '../../../nlp/eval/types.js';

export interface NluEvalOptions {
  /** Folder with train.jsonl, test.jsonl and optionally valid.jsonl. */
  data: string;
  oosLabel: string;
  /** Print one JSON object (the EvalReport) instead of the table. */
  json: boolean;
  /** Computes entity_f1 when given and the data has entities. */
  entityTrainer?: EntityTrainer;
}

/**
 * `crossfeed nlu eval --data <dir> [--oos-label oos] [--json]`: trains the intent model exactly as
 * `crossfeed nlu train` does and scores it on <dir>/test.jsonl.
 * Exit code: 0 evaluated, 2 the data folder or a file in it is missing or has bad lines.
 */
export async function runNluEval(o: NluEvalOptions): Promise<number> {
  const bar = process.stderr.isTTY
    ? new SingleBar({ format: 'training [{bar}] {percentage}% {phase}', hideCursor: true, stream: process.stderr })
    : undefined;
  let evaluation: Evaluation;
  try {
    bar?.start(1, 0, { phase: 'reading data' });
    evaluation = await evaluateDataset({
      data: o.data, oosLabel: o.oosLabel,
      ...(o.entityTrainer ? { entityTrainer: o.entityTrainer } : {}),
      onProgress: (done, total, phase) => {
        bar?.setTotal(total);
        bar?.update(done, { phase });
      },
    });
  } catch (err) {
    if (err instanceof DatasetError) {
      bar?.stop();
      process.stderr.write(`crossfeed: ${err.message}\n`);
      return 2;
    }
    throw err;
  } finally {
    bar?.stop();
  }
  process.stdout.write(o.json ? JSON.stringify(evaluation.report) + '\n' : renderTable(evaluation));
  return 0;
}

const pct = (x: number | null) => (x === null ? 'n/a' : `${(x * 100).toFixed(2)}%`);

function renderTable({ report: r, metrics }: Evaluation): string {
  const rows: [string, string][] = [
    ['intent accuracy', pct(r.intent_accuracy)],
    ['in-scope accuracy', pct(r.in_scope_accuracy)],
    ['OOS recall', pct(r.oos_recall)],
    ['OOS precision', pct(r.oos_precision)],
    ['macro F1', pct(r.macro_f1)],
    ['entity F1 (exact span)', pct(r.entity_f1)],
    ['training', `${r.train_seconds.toFixed(1)} s on ${r.n_train} examples, ${r.labels.length} intents`],
    ['prediction', `${r.ms_per_utterance.toFixed(3)} ms per message over ${r.n_test} test messages`],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  const lines = rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`);
  if (metrics.confused.length > 0) {
    lines.push('', 'most confused (gold -> predicted):');
    const w = Math.max(...metrics.confused.map((c) => c.gold.length));
    for (const c of metrics.confused) lines.push(`  ${String(c.count).padStart(4)}  ${c.gold.padEnd(w)} -> ${c.predicted}`);
  }
  return lines.join('\n') + '\n';
}
