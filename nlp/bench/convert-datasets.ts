/**
 * Converts the public datasets in ../shared/datasets into the JSONL layout `crossfeed nlu eval`
 * reads (<dir>/train.jsonl, valid.jsonl, test.jsonl), in a temporary folder outside the repository:
 * the datasets have their own licences and must never be copied into the project.
 * Run: node dist/nlp/bench/convert-datasets.js [datasets dir] [output dir]
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { packageRoot } from '../../data/paths.js';
import type { LabelledExample } from '../eval/types.js';

export const BENCH_DATASETS = ['clinc150', 'banking77', 'snips2017'] as const;
export type BenchDataset = (typeof BENCH_DATASETS)[number];

export const defaultDatasetsDir = (): string => resolve(packageRoot, '..', 'shared', 'datasets');

/** Writes every dataset under `out` (a fresh temp folder by default); returns dataset -> folder. */
export function convertDatasets(src = defaultDatasetsDir(), out?: string): Record<BenchDataset, string> {
  const root = out ?? mkdtempSync(join(tmpdir(), 'crossfeed-nlu-bench-'));
  const rel = relative(packageRoot, resolve(root));
  if (rel === '' || (!rel.startsWith('..') && !isAbsolute(rel))) throw new Error(`refusing to write datasets inside the repository: ${root}`);
  // Only CLINC150 has an official validation split. BANKING77 and SNIPS get none: the engine then
  // carves its own calibration split, as for a user's data, and trains again on all of train, so
  // it learns from the same examples as the baselines it is compared with.
  const splits: Record<BenchDataset, Partial<Record<'train' | 'valid' | 'test', LabelledExample[]>>> = {
    clinc150: clinc(join(src, 'clinc150')),
    banking77: banking(join(src, 'banking77')),
    snips2017: snips(join(src, 'snips2017')),
  };
  const dirs = {} as Record<BenchDataset, string>;
  for (const name of BENCH_DATASETS) {
    const dir = join(root, name);
    mkdirSync(dir, { recursive: true });
    for (const [split, rows] of Object.entries(splits[name])) {
      writeFileSync(join(dir, `${split}.jsonl`), rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
    }
    dirs[name] = dir;
  }
  return dirs;
}

/** CLINC150 "full": train/val/test plus the oos_* splits, all labelled `oos`. */
function clinc(dir: string) {
  const d = JSON.parse(readFileSync(join(dir, 'data_full.json'), 'utf8')) as Record<string, [string, string][]>;
  const rows = (...keys: string[]) => keys.flatMap((k) => (d[k] ?? []).map(([text, intent]) => ({ text, intent })));
  return { train: rows('train', 'oos_train'), valid: rows('val', 'oos_val'), test: rows('test', 'oos_test') };
}

/** BANKING77: train.csv / test.csv; there is no official validation split. */
function banking(dir: string) {
  const read = (f: string) => parseCsv(readFileSync(join(dir, f), 'utf8')).slice(1).map(([text, intent]) => ({ text: text!, intent: intent! }));
  return { train: read('train.csv'), test: read('test.csv') };
}

/** SNIPS 2017: train_<I>_full.json for train, validate_<I>.json as test. */
function snips(dir: string) {
  const intents = ['AddToPlaylist', 'BookRestaurant', 'GetWeather', 'PlayMusic', 'RateBook', 'SearchCreativeWork', 'SearchScreeningEvent'];
  const read = (file: string, intent: string): LabelledExample[] => {
    // One file holds a CESU-8 surrogate pair (see SOURCE.md); decode it to the real character.
    const json = JSON.parse(decodeCesu8Pairs(readFileSync(join(dir, intent, file)))) as Record<string, { data: { text: string; entity?: string }[] }[]>;
    return (json[intent] ?? []).map((u) => {
      let text = '';
      const entities: NonNullable<LabelledExample['entities']> = [];
      for (const c of u.data) {
        if (c.entity) {
          // Offsets are UTF-16 positions in the JS string; spans exclude surrounding spaces.
          const lead = c.text.length - c.text.trimStart().length;
          const core = c.text.trim();
          if (core) entities.push({ start: text.length + lead, end: text.length + lead + core.length, label: c.entity });
        }
        text += c.text;
      }
      return { text, intent, entities };
    });
  };
  const train = intents.flatMap((i) => read(`train_${i}_full.json`, i));
  return { train, test: intents.flatMap((i) => read(`validate_${i}.json`, i)) };
}

/** RFC 4180: quoted fields may hold commas, doubled quotes and newlines. */
export function parseCsv(s: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [], field = '', quoted = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quoted) {
      if (c === '"' && s[i + 1] === '"') { field += '"'; i++; } else if (c === '"') quoted = false; else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(field); field = ''; }
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && s[i + 1] === '\n') i++;
      row.push(field); rows.push(row); row = []; field = '';
    } else field += c;
  }
  if (field || row.length) { row.push(field); rows.push(row); }
  return rows.filter((r) => r.length > 1 || r[0] !== '');
}

/** UTF-8 decode that also accepts surrogate pairs encoded as two 3-byte sequences (CESU-8). */
export function decodeCesu8Pairs(buf: Buffer): string {
  const parts: string[] = [];
  let from = 0;
  for (let i = 0; i + 5 < buf.length; i++) {
    if (buf[i] === 0xed && (buf[i + 1]! & 0xf0) === 0xa0 && buf[i + 3] === 0xed && (buf[i + 4]! & 0xf0) === 0xb0) {
      const hi = 0xd000 | ((buf[i + 1]! & 0x3f) << 6) | (buf[i + 2]! & 0x3f);
      const lo = 0xd000 | ((buf[i + 4]! & 0x3f) << 6) | (buf[i + 5]! & 0x3f);
      parts.push(buf.subarray(from, i).toString('utf8'), String.fromCharCode(hi, lo));
      from = i + 6;
      i += 5;
    }
  }
  parts.push(buf.subarray(from).toString('utf8'));
  return parts.join('');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const dirs = convertDatasets(process.argv[2], process.argv[3]);
  for (const [name, dir] of Object.entries(dirs)) process.stdout.write(`${name}\t${dir}\n`);
}
