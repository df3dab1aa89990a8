/**
 * Turns a message into hashed n-gram features, in two groups that are weighted separately:
 *  - word: word unigrams and bigrams; Han and kana characters count as one-character words, so
 *    Chinese (which has no spaces) gets character unigrams and bigrams, and a mixed message such as
 *    "有没有python入门课" yields 有 没 有 python 入 门 课, 没有, 有python, 入门, ...
 *  - char: character 2-5-grams inside each non-CJK word with `<` `>` boundary markers, which carry
 *    typos, inflections and unseen compounds ("refundable" shares "<refund" with "refund").
 * Features are 32-bit hashes (no strings kept); the vocabulary maps the hashes seen in training to rows.
 */
import { cleanText } from '../text.js';
import { hashRange } from './numeric.js';

/** Featurizer settings; stored in the model so that training and prediction always agree. */
export interface FeatureSettings {
  /** Longest word n-gram (1 = unigrams only). */
  wordNgrams: number;
  /** Character n-gram lengths, inclusive, counted with the `<` `>` markers. 0 disables char n-grams. */
  charMin: number;
  charMax: number;
  /** Add `<s> first` and `last </s>` bigrams: questions and commands differ in how they start. */
  edgeBigrams: boolean;
}

export const DefaultFeatureSettings = {
  wordNgrams: 2, charMin: 2, charMax: 5, edgeBigrams: true,
} as const satisfies Required<FeatureSettings>;

/** Row groups: each group's part of a vector is L2-normalised on its own, then weighted. */
export const GROUP_WORD = 0, GROUP_CHAR = 1, GROUP_COUNT = 2;

/** Hash seeds per feature kind, so that the word "ab" and the char bigram "ab" never share a hash. */
const SEED_WORD = 1, SEED_BIGRAM = 2, SEED_CHAR = 3;
const EDGE_START = '\u0002', EDGE_END = '\u0003';

// One token per Han/kana character; otherwise runs of letters, digits and combining marks.
const TOKEN = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]|(?:(?![\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}])[\p{L}\p{N}\p{M}])+/gu;
const CJK_TOKEN = /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]$/u;
// "what's" and "whats" should be one word; typographic apostrophes too.
const APOSTROPHE = /(?<=\p{L})['\u2019\u02BC](?=\p{L})/gu;

/**
 * Normalisation before tokenising: cleanText (zero-width, tag and control characters, lone
 * surrogates), then NFKC (full-width Latin and digits become ASCII, ligatures split) and lowercase.
 */
export function normalizeText(raw: string): string {
  return cleanText(raw).normalize('NFKC').toLowerCase().replace(APOSTROPHE, '');
}

export function tokenize(normalized: string): string[] {
  return normalized.match(TOKEN) ?? [];
}

/** Hashed features of one message, per group; a hash appears once per occurrence (counts are taken later). */
export interface ExtractedFeatures {
  word: number[];
  char: number[];
}

export function extractFeatures(raw: string, s: FeatureSettings): ExtractedFeatures {
  const tokens = tokenize(normalizeText(raw));
  const word: number[] = [];
  const char: number[] = [];
  for (const t of tokens) word.push(hashRange(t, 0, t.length, SEED_WORD));
  if (s.wordNgrams >= 2) {
    const seq = s.edgeBigrams && tokens.length > 0 ? [EDGE_START, ...tokens, EDGE_END] : tokens;
    for (let i = 0; i + 1 < seq.length; i++) {
      const pair = seq[i]! + ' ' + seq[i + 1]!;
      word.push(hashRange(pair, 0, pair.length, SEED_BIGRAM));
    }
  }
  if (s.charMax >= s.charMin && s.charMin > 0) {
    for (const t of tokens) {
      if (CJK_TOKEN.test(t)) continue;
      const w = '<' + t + '>';
      for (let n = s.charMin; n <= s.charMax; n++) {
        // Skip the n-gram that is the whole marked word: the word unigram already says that.
        for (let i = 0; i + n <= w.length; i++) if (n < w.length) char.push(hashRange(w, i, i + n, SEED_CHAR));
      }
    }
  }
  return { word, char };
}

/** Validates settings read from a model file. */
export function checkFeatureSettings(x: unknown): FeatureSettings {
  const o = (x ?? {}) as Record<string, unknown>;
  const int = (k: string, lo: number, hi: number): number => {
    const v = o[k];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) throw new TypeError(`features.${k} must be an integer in [${lo}, ${hi}]`);
    return v;
  };
  if (typeof o.edgeBigrams !== 'boolean') throw new TypeError('features.edgeBigrams must be a boolean');
  return { wordNgrams: int('wordNgrams', 1, 2), charMin: int('charMin', 0, 8), charMax: int('charMax', 0, 8), edgeBigrams: o.edgeBigrams };
}
