/**
 * Tokens with exact UTF-16 offsets, so that tagged tokens map back to spans of the original string
 * (the same offsets JavaScript's `slice` and the YAML example marks use).
 *
 * Chinese and Japanese are written without spaces, so each Han or kana character is a token of its
 * own: an entity such as "火锅" or "100块以内" then always starts and ends on a token boundary.
 * Latin words also split where digits meet letters and at a lower-to-upper change ("2times",
 * "L.aJoseph", "2pm"): chat and transcripts drop spaces, and a span can only end on a token boundary.
 * Punctuation, symbols and emoji are one token per code point, so "$30" splits into "$" and "30".
 */

export type TokenKind = 'word' | 'number' | 'cjk' | 'punct';

export interface Token {
  readonly text: string;
  readonly start: number;
  readonly end: number;
  readonly kind: TokenKind;
}

// Han (incl. extensions and compatibility), hiragana, katakana: one token per character.
const CJK_CHAR = '[\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}\\u3005\\u30FC]';
// Numbers with group and decimal separators stay whole ("1,299.50"), but only when a digit follows.
const NUMBER = '\\p{Nd}+(?:[.,]\\p{Nd}+)+';
const WORD = `(?:(?!${CJK_CHAR})[\\p{L}\\p{M}\\p{N}_])+`;
const TOKEN = new RegExp(`(${CJK_CHAR})|(${NUMBER})|(${WORD})|(\\S)`, 'gu');
const DIGITS = /^\p{Nd}+$/u;
const WORD_PART = /\p{Nd}+|(?:(?!\p{Nd})[\p{L}\p{M}\p{N}_])(?:(?!\p{Nd})(?<!\p{Ll}(?=\p{Lu}))[\p{L}\p{M}\p{N}_])*/gu;

export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(text); m !== null; m = TOKEN.exec(text)) {
    const start = m.index;
    const t = m[0];
    if (m[3] !== undefined) {
      WORD_PART.lastIndex = 0;
      for (let p = WORD_PART.exec(t); p !== null; p = WORD_PART.exec(t)) {
        const kind = DIGITS.test(p[0]) ? 'number' : 'word';
        out.push({ text: p[0], start: start + p.index, end: start + p.index + p[0].length, kind });
      }
      continue;
    }
    const kind: TokenKind = m[1] !== undefined ? 'cjk' : m[2] !== undefined ? 'number' : 'punct';
    out.push({ text: t, start, end: start + t.length, kind });
  }
  return out;
}

/**
 * Word shape: upper "X", lower "x", digit "d", CJK "C", other characters kept. `short` collapses
 * repeats ("Xx", "d.d") so rare words share a feature; `long` keeps up to 6 characters ("Xxxxx", "dddd")
 * so lengths of numbers (years, prices, ratings) stay apart.
 */
export function wordShape(word: string): { short: string; long: string } {
  let short = '';
  let long = '';
  let last = '';
  for (const ch of word) {
    const c = /\p{Lu}/u.test(ch) ? 'X' : /\p{Ll}/u.test(ch) ? 'x' : /\p{Nd}/u.test(ch) ? 'd'
      : /\p{Script=Han}/u.test(ch) ? 'C' : /\p{L}/u.test(ch) ? 'x' : ch;
    if (long.length < 6) long += c;
    if (c !== last) short += c;
    last = c;
  }
  return { short, long };
}
