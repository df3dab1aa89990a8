import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/**
 * Reads the human-readable NLU data (data/nlu/intents/*.yaml and any user folder in the same
 * format) into plain examples: intents for the classifier, character spans for the tagger.
 * An example marks entities inline: `[text](label)` or `[text](label:value)`.
 */

export interface MarkedSpan {
  start: number;
  end: number;
  label: string;
  value?: string;
}

export interface NluExample {
  text: string;
  intent: string;
  entities: MarkedSpan[];
  /** Where it came from, for error messages. */
  source: string;
}

export class NluDataError extends Error {
  readonly code = 'CF_NLU_DATA';
}

const MARK = /\[([^[\]]+)\]\(([A-Za-z_]+)(?::([^()]*))?\)/g;

/** Strips inline marks, returning the plain text and the spans they covered. */
export function parseMarkedExample(marked: string): { text: string; entities: MarkedSpan[] } {
  let text = '';
  let last = 0;
  const entities: MarkedSpan[] = [];
  for (const m of marked.matchAll(MARK)) {
    text += marked.slice(last, m.index);
    const start = text.length;
    text += m[1]!;
    entities.push({ start, end: text.length, label: m[2]!, ...(m[3] ? { value: m[3] } : {}) });
    last = m.index + m[0].length;
  }
  text += marked.slice(last);
  return { text, entities };
}

/** Loads every `*.yaml` file in the given folders; later folders add to (never replace) earlier ones. */
export function loadNluExamples(dirs: readonly string[], knownLabels?: ReadonlySet<string>): NluExample[] {
  const out: NluExample[] = [];
  for (const dir of dirs) {
    let files: string[];
    try {
      files = readdirSync(dir).filter((f) => f.endsWith('.yaml') || f.endsWith('.yml')).sort();
    } catch (err) {
      throw new NluDataError(`cannot read NLU data folder ${dir}: ${(err as Error).message}`);
    }
    for (const file of files) out.push(...loadFile(join(dir, file), knownLabels));
  }
  return out;
}

function loadFile(path: string, knownLabels?: ReadonlySet<string>): NluExample[] {
  let doc: unknown;
  try {
    doc = parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new NluDataError(`${path}: not valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  const d = doc as { intent?: unknown; examples?: unknown };
  if (!d || typeof d.intent !== 'string' || !/^[a-z][a-z0-9_]*$/.test(d.intent)) {
    throw new NluDataError(`${path}: needs "intent: <name>" (lowercase letters, digits, underscores)`);
  }
  if (!Array.isArray(d.examples) || d.examples.length === 0) throw new NluDataError(`${path}: needs a non-empty "examples:" list`);
  return d.examples.map((raw, i) => {
    if (typeof raw !== 'string' || !raw.trim()) throw new NluDataError(`${path}: example ${i + 1} must be a non-empty string`);
    const { text, entities } = parseMarkedExample(raw);
    for (const e of entities) {
      if (knownLabels && !knownLabels.has(e.label)) {
        throw new NluDataError(`${path}: example ${i + 1} marks unknown entity label "${e.label}" (known: ${[...knownLabels].join(', ')})`);
      }
    }
    return { text, intent: d.intent as string, entities, source: `${path}#${i + 1}` };
  });
}
