import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parse, stringify } from 'yaml';
import { z } from 'zod';
import { csvRecords } from '../catalog/csv.js';
import type { FaqEntry } from '../support.js';

/**
 * FAQ files: YAML (`entries:` list, the shipped data/faq/faq.yaml) or CSV with the header
 * `id,language,questions,answer,tags`, where `questions` and `tags` separate their items with `|`.
 */

export type FaqInput = Omit<FaqEntry, 'updatedAt'>;
export interface FaqRowError { row: number; field: string; message: string }
export interface ParsedFaq { entries: FaqInput[]; errors: FaqRowError[]; rows: number }

const entrySchema = z.object({
  id: z.string().trim().regex(/^[a-z0-9][a-z0-9-]{0,79}$/, 'a slug (lowercase letters, digits and -, at most 80)'),
  language: z.enum(['en', 'zh']),
  questions: z.array(z.string().trim().min(1).max(500)).min(1, 'at least one question').max(50),
  answer: z.string().trim().min(1).max(4000),
  tags: z.array(z.string().trim().min(1).max(40)).max(20).default([]),
}).strict();

export async function readFaqFile(path: string): Promise<ParsedFaq> {
  const ext = extname(path).toLowerCase();
  const text = await readFile(path, 'utf8');
  if (ext === '.csv') return parseFaqCsv(text);
  if (ext === '.yaml' || ext === '.yml') return parseFaqYaml(text, path);
  throw new Error(`FAQ file must end in .yaml, .yml or .csv, got "${path}"`);
}

/** A file that must be whole (seeding a knowledge base, training on it): its entries, or an error naming the file and its first problems. */
export async function readWholeFaqFile(path: string): Promise<FaqInput[]> {
  const { entries, errors } = await readFaqFile(path);
  if (errors.length) {
    const first = errors.slice(0, 3).map((e) => `entry ${e.row} ${e.field}: ${e.message}`).join('; ');
    throw new Error(`${path}: ${first}${errors.length > 3 ? ` (and ${errors.length - 3} more problems)` : ''}`);
  }
  return entries;
}

export function parseFaqYaml(text: string, name = 'FAQ file'): ParsedFaq {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    throw new Error(`${name} is not valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  const list = Array.isArray(doc) ? doc : (doc as { entries?: unknown } | null)?.entries;
  if (!Array.isArray(list)) throw new Error(`${name} must hold a list of entries (or "entries:" with one)`);
  return validate(list.map((record, i) => ({ row: i + 1, record })));
}

export function parseFaqCsv(text: string): ParsedFaq {
  return validate(csvRecords(text).map(({ row, record }) => ({
    row,
    record: {
      ...record,
      questions: splitList(record['questions']),
      tags: splitList(record['tags']),
    },
  })));
}

function splitList(value: string | undefined): string[] {
  return (value ?? '').split('|').map((s) => s.trim()).filter(Boolean);
}

function validate(records: { row: number; record: unknown }[]): ParsedFaq {
  const entries: FaqInput[] = [];
  const errors: FaqRowError[] = [];
  const seen = new Map<string, number>();
  for (const { row, record } of records) {
    const parsed = entrySchema.safeParse(record);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) errors.push({ row, field: issue.path.join('.') || '(entry)', message: issue.message });
      continue;
    }
    const first = seen.get(parsed.data.id);
    if (first !== undefined) {
      errors.push({ row, field: 'id', message: `duplicate id "${parsed.data.id}" (first on row ${first})` });
      continue;
    }
    seen.set(parsed.data.id, row);
    entries.push(parsed.data);
  }
  return { entries, errors, rows: records.length };
}

export function formatFaqYaml(entries: readonly FaqEntry[]): string {
  const plain = entries.map((e) => ({ id: e.id, language: e.language, tags: e.tags, questions: e.questions, answer: e.answer }));
  return stringify({ entries: plain }, { lineWidth: 0 });
}

export function formatFaqCsv(entries: readonly FaqEntry[]): string {
  const cell = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const lines = ['id,language,questions,answer,tags'];
  for (const e of entries) lines.push([e.id, e.language, e.questions.join(' | '), e.answer, e.tags.join('|')].map(cell).join(','));
  return lines.join('\r\n') + '\r\n';
}
