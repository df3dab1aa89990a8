/**
 * Reads evaluation data: a folder with train.jsonl, optional valid.jsonl and test.jsonl, one
 * example per line. Every bad line is reported with its line number, and nothing is evaluated
 * on data with bad lines: a silently skipped line would move the figures without anyone noticing.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { EntitySpan, LabelledExample } from './types.js';

export class DatasetError extends Error {
  readonly code = 'CF_NLU_DATASET';
  constructor(message: string, readonly problems: readonly { line: number; message: string }[] = []) {
    super(message);
    this.name = 'DatasetError';
  }
}

const SHOWN_PROBLEMS = 10;

/** Parses JSONL text; blank lines are allowed. `file` only names the source in messages. */
export function parseJsonl(text: string, file: string): LabelledExample[] {
  const out: LabelledExample[] = [];
  const problems: { line: number; message: string }[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    if (raw.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (err) {
      problems.push({ line: i + 1, message: `not valid JSON (${(err as Error).message})` });
      return;
    }
    const problem = checkExample(value);
    if (problem) problems.push({ line: i + 1, message: problem });
    else out.push(value as LabelledExample);
  });
  if (problems.length > 0) {
    const shown = problems.slice(0, SHOWN_PROBLEMS).map((p) => `  ${file}:${p.line}: ${p.message}`);
    const more = problems.length > SHOWN_PROBLEMS ? [`  ... and ${problems.length - SHOWN_PROBLEMS} more`] : [];
    throw new DatasetError(`${problems.length} bad line(s) in ${file}:\n${[...shown, ...more].join('\n')}`, problems);
  }
  return out;
}

function checkExample(v: unknown): string | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return 'expected an object {"text": ..., "intent": ...}';
  const o = v as Record<string, unknown>;
  if (typeof o.text !== 'string') return '"text" must be a string';
  if (typeof o.intent !== 'string' || o.intent === '') return '"intent" must be a non-empty string';
  if (o.entities === undefined) return undefined;
  if (!Array.isArray(o.entities)) return '"entities" must be an array';
  for (const [k, e] of (o.entities as Partial<EntitySpan>[]).entries()) {
    const { start, end, label } = e ?? {};
    if (typeof label !== 'string' || label === '') return `entities[${k}].label must be a non-empty string`;
    if (!Number.isInteger(start) || !Number.isInteger(end) || start! < 0 || end! <= start! || end! > o.text.length) {
      return `entities[${k}] span [${start}, ${end}) is not inside the text (length ${o.text.length})`;
    }
  }
  return undefined;
}

export function readJsonl(file: string): LabelledExample[] {
  if (!existsSync(file)) throw new DatasetError(`file not found: ${file}`);
  const examples = parseJsonl(readFileSync(file, 'utf8'), file);
  if (examples.length === 0) throw new DatasetError(`no examples in ${file}`);
  return examples;
}

export interface DatasetSplits {
  train: LabelledExample[];
  /** Present when the folder has valid.jsonl: used for calibration and the OOS threshold. */
  valid?: LabelledExample[];
  test: LabelledExample[];
}

/** Reads <dir>/train.jsonl, <dir>/valid.jsonl (optional) and <dir>/test.jsonl. */
export function readDatasetDir(dir: string): DatasetSplits {
  if (!existsSync(dir)) throw new DatasetError(`data folder not found: ${dir}`);
  if (!statSync(dir).isDirectory()) throw new DatasetError(`not a folder: ${dir} (expected a folder with train.jsonl and test.jsonl)`);
  for (const f of ['train.jsonl', 'test.jsonl']) {
    if (!existsSync(join(dir, f))) throw new DatasetError(`missing ${f} in ${dir} (expected train.jsonl, test.jsonl and optionally valid.jsonl)`);
  }
  const validFile = join(dir, 'valid.jsonl');
  const splits: DatasetSplits = { train: readJsonl(join(dir, 'train.jsonl')), test: readJsonl(join(dir, 'test.jsonl')) };
  if (existsSync(validFile)) splits.valid = readJsonl(validFile);
  return splits;
}
