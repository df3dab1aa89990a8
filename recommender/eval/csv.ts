import { readFile } from 'node:fs/promises';
import type { Interaction } from '../collab/types.js';

export interface CsvProblem {
  /** 1-based line of the file where the bad row starts. */
  line: number;
  message: string;
}

/** The file can't be evaluated; `problems` lists every bad row by line. */
export class InteractionsFileError extends Error {
  override readonly name = 'InteractionsFileError';
  constructor(message: string, readonly problems: readonly CsvProblem[] = []) {
    super(message);
  }
}

/**
 * Splits CSV text into records (RFC 4180: quoted fields may hold commas, newlines and doubled
 * quotes), each with the line it starts on. A BOM and CRLF line ends are accepted.
 */
export function parseCsvRecords(text: string): { line: number; fields: string[] }[] {
  const records: { line: number; fields: string[] }[] = [];
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  let fields: string[] = [];
  let field = '';
  let start = 1;
  let quoted = false;
  let wasQuoted = false;
  const endRecord = () => {
    fields.push(field);
    if (!(fields.length === 1 && fields[0] === '' && !wasQuoted)) records.push({ line: start, fields });
    fields = []; field = ''; wasQuoted = false;
  };
  for (; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') { field += '"'; i++; } else quoted = false;
      } else {
        if (ch === '\n') line++;
        field += ch;
      }
    } else if (ch === '"' && field === '') { quoted = true; wasQuoted = true; }
    else if (ch === ',') { fields.push(field); field = ''; }
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      line++;
      start = line;
    } else field += ch;
  }
  if (quoted) throw new InteractionsFileError(`line ${start}: a quoted field is never closed`, [{ line: start, message: 'a quoted field is never closed' }]);
  if (field !== '' || fields.length > 0 || wasQuoted) endRecord();
  return records;
}

/** Epoch numbers (any unit, used only for order) or ISO 8601 dates. */
export function parseTimestamp(s: string): number | undefined {
  const t = s.trim();
  if (t === '') return undefined;
  if (/^[+-]?\d+(\.\d+)?$/.test(t)) return Number(t);
  const ms = Date.parse(t);
  return Number.isFinite(ms) && /\d{4}-\d{2}-\d{2}/.test(t) ? ms : undefined;
}

/**
 * Reads `user,item,timestamp[,weight]` (header required, columns in any order, extra columns
 * ignored). Any bad row rejects the whole file: an evaluation on silently dropped rows would mislead.
 */
export function parseInteractionsCsv(text: string): Interaction[] {
  const records = parseCsvRecords(text);
  const header = records[0];
  if (!header) throw new InteractionsFileError('the file is empty: expected a header user,item,timestamp[,weight]');
  const names = header.fields.map((f) => f.trim().toLowerCase());
  const col = (name: string) => names.indexOf(name);
  const missing = ['user', 'item', 'timestamp'].filter((n) => col(n) < 0);
  if (missing.length > 0) {
    throw new InteractionsFileError(`line ${header.line}: the header lacks ${missing.join(', ')} (expected user,item,timestamp[,weight], got ${header.fields.join(',')})`,
      [{ line: header.line, message: `header lacks ${missing.join(', ')}` }]);
  }
  const [cu, ci, ct, cw] = [col('user'), col('item'), col('timestamp'), col('weight')];
  const problems: CsvProblem[] = [];
  const out: Interaction[] = [];
  for (const { line, fields } of records.slice(1)) {
    if (fields.length !== names.length) { problems.push({ line, message: `expected ${names.length} fields, got ${fields.length}` }); continue; }
    const user = fields[cu]!.trim();
    const item = fields[ci]!.trim();
    const timestamp = parseTimestamp(fields[ct]!);
    const rawWeight = cw >= 0 ? fields[cw]!.trim() : '';
    const weight = rawWeight === '' ? undefined : Number(rawWeight);
    const bad: string[] = [];
    if (user === '') bad.push('user is empty');
    if (item === '') bad.push('item is empty');
    if (timestamp === undefined) bad.push(`timestamp ${JSON.stringify(fields[ct])} is neither a number nor an ISO 8601 date`);
    if (weight !== undefined && !(Number.isFinite(weight) && weight > 0)) bad.push(`weight ${JSON.stringify(rawWeight)} is not a positive number`);
    if (bad.length > 0) { problems.push({ line, message: bad.join('; ') }); continue; }
    out.push(weight === undefined ? { user, item, timestamp: timestamp! } : { user, item, timestamp: timestamp!, weight });
  }
  if (problems.length > 0) throw new InteractionsFileError(`${problems.length} bad row${problems.length === 1 ? '' : 's'}`, problems);
  if (out.length === 0) throw new InteractionsFileError('the file has a header but no interactions');
  return out;
}

export async function readInteractionsCsv(file: string): Promise<Interaction[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new InteractionsFileError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return parseInteractionsCsv(text);
}
