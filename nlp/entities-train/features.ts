import { type Token, wordShape } from './tokenize.js';
import type { WordClusters } from './word-clusters.js';

/**
 * Hashed token features. Each feature is a template name plus values (previous word, suffix, ...),
 * hashed to 32 bits with FNV-1a without building the joined string. At a million distinct features
 * (SNIPS-sized data) about a hundred pairs collide, too few to matter, and no vocabulary has to be
 * stored: the model keeps only the hashes of features whose weights training changed.
 */

const FNV_OFFSET = 0x811c9dc5;

/** FNV-1a over UTF-16 code units, continuing from `h` so that parts chain without concatenation. */
export function fnv1a(s: string, h = FNV_OFFSET): number {
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

const SEP = '\u0001';
function hash(template: string, ...parts: string[]): number {
  let h = fnv1a(template);
  for (const p of parts) h = fnv1a(p, fnv1a(SEP, h));
  return h;
}

/** A lookup phrase found in a sentence: tokens first..last (inclusive) and the labels that list it. */
export interface LookupMatch {
  readonly first: number;
  readonly last: number;
  readonly labels: readonly string[];
}

/**
 * Lookup features kept apart from the lexical ones, one entry per (token, feature), tagged with the
 * match they come from: the trainer drops whole matches at random (see perceptron.ts).
 */
export interface LookupFeatures {
  readonly token: Int32Array;
  readonly match: Int32Array;
  readonly hashes: Uint32Array;
}

/**
 * All feature hashes of a sentence, token after token: token i owns `hashes[offsets[i]..offsets[i+1])`.
 * `sentence` holds the features every token shares, scored once per sentence instead of per token.
 */
export interface SentenceFeatures {
  readonly hashes: Uint32Array;
  readonly offsets: Int32Array;
  readonly sentence: Uint32Array;
}

const CURRENCY = /\p{Sc}/u;
const CURRENCY_WORDS = new Set(['usd', 'eur', 'gbp', 'cad', 'rmb', 'cny', 'dollar', 'dollars', 'bucks', 'euro', 'euros',
  'pounds', 'quid', '块', '元', '刀', '镑']);
const BOS = '<s>';
const EOS = '</s>';

/** `clusters`: word-cluster features as well (the model records which table it was trained with). */
export function sentenceFeatures(tokens: readonly Token[], clusters?: WordClusters): SentenceFeatures {
  const n = tokens.length;
  const lower = tokens.map((t) => t.text.toLowerCase());
  const shapes = tokens.map((t) => wordShape(t.text));
  const w = (i: number) => (i < 0 ? BOS : i >= n ? EOS : lower[i]!);
  const sh = (i: number) => (i < 0 ? BOS : i >= n ? EOS : shapes[i]!.short);
  const isCurrency = (i: number) => i >= 0 && i < n && (CURRENCY.test(lower[i]!) || CURRENCY_WORDS.has(lower[i]!));
  // The words of the whole message and its first word stand in for the request type ("play",
  // "add ... to playlist", "rate", "有没有"): they tell apart labels that share their words, such as
  // a title to play, to rate or to watch.
  const first = w(0);
  const sentence = [...new Set(lower.filter((_, i) => tokens[i]!.kind !== 'punct'))].map((x) => hash('bag', x));
  sentence.push(hash('first', first));

  const cl = (i: number) => (clusters && i >= 0 && i < n ? clusters.of(lower[i]!) : undefined);

  const out: number[] = [];
  const offsets = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    offsets[i] = out.length;
    const tok = tokens[i]!;
    const w0 = w(i);
    out.push(
      hash('bias'), hash('w', w0), hash('kind', tok.kind), hash('sh', shapes[i]!.short), hash('SH', shapes[i]!.long),
      hash('w-1', w(i - 1)), hash('w-2', w(i - 2)), hash('w+1', w(i + 1)), hash('w+2', w(i + 2)),
      hash('w-1w0', w(i - 1), w0), hash('w0w+1', w0, w(i + 1)), hash('w-2w-1', w(i - 2), w(i - 1)),
      hash('w+1w+2', w(i + 1), w(i + 2)), hash('w-1w0w+1', w(i - 1), w0, w(i + 1)),
      hash('w-2w-1w0', w(i - 2), w(i - 1), w0), hash('w0w+1w+2', w0, w(i + 1), w(i + 2)),
      hash('sh-1', sh(i - 1)), hash('sh+1', sh(i + 1)), hash('sh-1sh0sh+1', sh(i - 1), sh(i), sh(i + 1)),
      hash('first|w0', first, w0),
    );
    if (tok.kind === 'word') {
      // Affixes carry morphology ("-ing", "-ville", "re-"); CJK characters are their own affix.
      const cps = Array.from(w0);
      for (let k = 1; k <= 4 && k <= cps.length; k++) {
        out.push(hash('pre', cps.slice(0, k).join('')), hash('suf', cps.slice(-k).join('')));
      }
    }
    const c0 = cl(i), before = cl(i - 1), after = cl(i + 1);
    if (c0) out.push(hash('c1', String(c0.coarse)), hash('c2', String(c0.fine)), hash('c2w-1', String(c0.fine), w(i - 1)));
    if (before) out.push(hash('c2-1', String(before.fine)));
    if (after) out.push(hash('c2+1', String(after.fine)));
    if (i === 0) out.push(hash('BOS'));
    if (i === n - 1) out.push(hash('EOS'));
    if (isCurrency(i)) out.push(hash('cur'));
    if (isCurrency(i - 1)) out.push(hash('cur-1'));
    if (isCurrency(i + 1)) out.push(hash('cur+1'));
    if (tok.kind === 'cjk' && i > 0 && tokens[i - 1]!.kind !== 'cjk') out.push(hash('cjk-after', tokens[i - 1]!.kind));
  }
  offsets[n] = out.length;
  return { hashes: Uint32Array.from(out), offsets, sentence: Uint32Array.from(sentence) };
}

/** "In lookup for label" features: the label alone and with the token's place in the phrase (B, I, L, U). */
export function lookupFeatures(matches: readonly LookupMatch[]): LookupFeatures {
  const token: number[] = [], match: number[] = [], hashes: number[] = [];
  matches.forEach((m, k) => {
    for (let i = m.first; i <= m.last; i++) {
      const pos = m.first === m.last ? 'U' : i === m.first ? 'B' : i === m.last ? 'L' : 'I';
      for (const label of m.labels) {
        token.push(i, i);
        match.push(k, k);
        hashes.push(hash('lk', label), hash('lk-pos', label, pos));
      }
    }
  });
  return { token: Int32Array.from(token), match: Int32Array.from(match), hashes: Uint32Array.from(hashes) };
}
