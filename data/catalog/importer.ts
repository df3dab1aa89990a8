import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { csvRecords } from './csv.js';
import { parseCatalogRow, type RowError } from './schema.js';
import type { CatalogItem } from './types.js';

export interface ParsedCatalog {
  items: CatalogItem[];
  errors: RowError[];
  rows: number;
}

/** Reads a catalog file (.json array or .csv with a header row) and validates every row. */
export async function readCatalogFile(path: string): Promise<ParsedCatalog> {
  const ext = extname(path).toLowerCase();
  if (ext !== '.json' && ext !== '.csv') {
    throw new Error(`catalog file must end in .json or .csv, got "${path}"`);
  }
  const text = await readFile(path, 'utf8');
  if (ext === '.csv') return parseRecords(csvRecords(text));
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new Error(`${path} is not valid JSON: ${(err as Error).message}`);
  }
  if (!Array.isArray(data)) throw new Error(`${path} must hold a JSON array of catalog items`);
  return parseRecords(data.map((record, i) => ({ row: i + 1, record })));
}

export function parseRecords(records: { row: number; record: unknown }[]): ParsedCatalog {
  const items: CatalogItem[] = [];
  const errors: RowError[] = [];
  const seen = new Map<string, number>();
  for (const { row, record } of records) {
    const parsed = parseCatalogRow(record, row);
    if ('errors' in parsed) {
      errors.push(...parsed.errors);
      continue;
    }
    const first = seen.get(parsed.item.id);
    if (first !== undefined) {
      errors.push({ row, field: 'id', message: `duplicate id "${parsed.item.id}" (first on row ${first})` });
      continue;
    }
    seen.set(parsed.item.id, row);
    items.push(parsed.item);
  }
  return { items, errors, rows: records.length };
}
