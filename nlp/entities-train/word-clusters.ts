/**
 * English word clusters: every word of a 100,000-word vocabulary mapped to a coarse and a fine
 * cluster of its GloVe vector (built by nlp/train/word-clusters.ts, shipped in
 * data/models/word-clusters/). Words used alike share a cluster ("madonna" and "beyonce", "paris"
 * and "berlin"), so the tagger generalises from the names it was trained on to names it never saw:
 * the classic use of word representations in sequence labelling.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultModelDir } from '../../data/paths.js';
import { fnv1a } from './features.js';

export const WORD_CLUSTERS_FILE = join(defaultModelDir, 'word-clusters', 'en-glove-100k.tsv');

export class WordClusterError extends Error {
  readonly code = 'CF_WORD_CLUSTERS';
}

/**
 * The table as an open-addressing hash set of 32-bit word hashes (no strings kept): about 2 MB for
 * 100,000 words instead of ~10 MB as a Map of strings, in every thread that tags. Two words of the
 * table sharing a hash (about one pair in 100,000 at 32 bits) share a cluster; nothing else happens.
 */
export class WordClusters {
  private constructor(
    /** Names the table's content ("sha256:<16 hex>"); a model records it to refuse another table. */
    readonly id: string,
    readonly size: number,
    private readonly keys: Uint32Array,
    /** coarse * 65536 + fine, at the slot of the word's hash. */
    private readonly values: Uint32Array,
  ) {}

  /** Coarse and fine cluster of a lower-case word, or undefined for words not in the table. */
  of(word: string): { coarse: number; fine: number } | undefined {
    const slot = this.find(keyOf(word));
    if (this.keys[slot] === 0) return undefined;
    const p = this.values[slot]!;
    return { coarse: p >>> 16, fine: p & 0xffff };
  }

  private find(key: number): number {
    const mask = this.keys.length - 1;
    let slot = key & mask;
    while (this.keys[slot] !== 0 && this.keys[slot] !== key) slot = (slot + 1) & mask;
    return slot;
  }

  /** Parses the TSV (`word<TAB>coarse<TAB>fine` per line, `#` comments); throws WordClusterError naming the line. */
  static parse(text: string): WordClusters {
    const lines = text.split('\n');
    let capacity = 1024;
    while (capacity < lines.length * 2) capacity *= 2;
    const table = new WordClusters(`sha256:${createHash('sha256').update(text).digest('hex').slice(0, 16)}`, 0,
      new Uint32Array(capacity), new Uint32Array(capacity));
    let size = 0;
    lines.forEach((line, i) => {
      if (line === '' || line.startsWith('#')) return;
      const [word, coarse, fine, extra] = line.split('\t');
      const c = Number(coarse), f = Number(fine);
      const id = (n: number) => Number.isInteger(n) && n >= 0 && n < 65536;
      if (!word || extra !== undefined || !id(c) || !id(f)) {
        throw new WordClusterError(`word clusters line ${i + 1}: expected "word<TAB>coarse id<TAB>fine id" (ids 0-65535)`);
      }
      const key = keyOf(word);
      const slot = table.find(key);
      if (table.keys[slot] === 0) size++;
      table.keys[slot] = key;
      table.values[slot] = c * 65536 + f;
    });
    return new WordClusters(table.id, size, table.keys, table.values);
  }
}

/** FNV-1a of the word, never 0 (0 marks an empty slot). */
function keyOf(word: string): number {
  return fnv1a(word) || 1;
}

let shipped: WordClusters | null | undefined;

/** The shipped table, read once per thread; undefined when the file is not there. */
export function shippedWordClusters(): WordClusters | undefined {
  if (shipped === undefined) shipped = existsSync(WORD_CLUSTERS_FILE) ? WordClusters.parse(readFileSync(WORD_CLUSTERS_FILE, 'utf8')) : null;
  return shipped ?? undefined;
}
