/**
 * Cleaning that runs before anything reads a message: chat clients append invisible characters
 * (Chatterino adds U+E0000 to repeated messages), users paste zero-width joiners, and a socket can
 * deliver lone surrogates. None of them may reach commands, models or the database.
 */

// Zero-width and bidi controls, BOM, soft hyphen, tag block (U+E0000-U+E007F).
const INVISIBLE = /[\u00AD\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u206F\uFEFF]|\uDB40[\uDC00-\uDC7F]/g;
// C0/C1 control characters except tab and newline.
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;

export const MAX_MESSAGE_CHARS = 2000;

/**
 * Anything the cleaning loop would change: an invisible or control character, a lone surrogate,
 * U+FFFD, whitespace other than a single inner space. Most chat lines have none of these, and they
 * come back as they are, without walking them character by character (cleaning runs three or four
 * times per message: adapter, gate, engine, intent features).
 */
const NEEDS_CLEANING = new RegExp([
  INVISIBLE.source, CONTROL.source, '[\\uD800-\\uDBFF](?![\\uDC00-\\uDFFF])', '(?<![\\uD800-\\uDBFF])[\\uDC00-\\uDFFF]', '\\uFFFD',
  '[^\\S ]', '  ', '^ ', ' $',
].join('|'));

export function cleanText(raw: string): string {
  return NEEDS_CLEANING.test(raw) ? cleanSlowly(raw).text : raw;
}

/**
 * Cleaning plus where each cleaned character came from, so entity offsets found in the
 * cleaned text can be reported against the caller's original string. `map[i]` is the raw index
 * of cleaned character i; `map[text.length]` is the raw end.
 */
export function cleanTextWithMap(raw: string): { text: string; map: number[] } {
  if (NEEDS_CLEANING.test(raw)) return cleanSlowly(raw);
  // As the loop maps it: a character to itself, an inner space to the character after it.
  const map = new Array<number>(raw.length + 1);
  for (let i = 0; i < raw.length; i++) map[i] = raw.charCodeAt(i) === 32 ? i + 1 : i;
  map[raw.length] = raw.length;
  return { text: raw, map };
}

/** The cleaning loop itself (exported for the test that checks the fast path against it). */
export function cleanSlowly(raw: string): { text: string; map: number[] } {
  const out: string[] = [];
  const map: number[] = [];
  let pendingSpace = false;
  for (let i = 0; i < raw.length; i++) {
    const code = raw.charCodeAt(i);
    const high = code >= 0xd800 && code <= 0xdbff;
    const pair = high && i + 1 < raw.length && (raw.charCodeAt(i + 1) & 0xfc00) === 0xdc00;
    const unit = pair ? raw.slice(i, i + 2) : raw[i]!;
    const width = unit.length;
    const lone = (code >= 0xd800 && code <= 0xdfff) && !pair;
    if (lone || unit === '\uFFFD' || unit.replace(INVISIBLE, '') === '') {
      i += width - 1;
      continue;
    }
    if (/\s/.test(unit) || unit.replace(CONTROL, ' ') === ' ') {
      pendingSpace = out.length > 0;
      i += width - 1;
      continue;
    }
    if (pendingSpace) {
      out.push(' ');
      map.push(i);
      pendingSpace = false;
    }
    for (let k = 0; k < width; k++) {
      out.push(raw[i + k]!);
      map.push(i + k);
    }
    i += width - 1;
  }
  const last = map.length ? map[map.length - 1]! + 1 : 0;
  map.push(last);
  return { text: out.join(''), map };
}

const CJK = /[\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF]/g;
const LATIN_WORD = /[A-Za-z]{2,}/g;

/** Chinese when CJK characters are a fair share of the letters; English otherwise. */
export function detectLanguage(text: string): 'en' | 'zh' {
  const cjk = text.match(CJK)?.length ?? 0;
  if (cjk === 0) return 'en';
  const latinWords = text.match(LATIN_WORD)?.length ?? 0;
  return cjk >= 2 || cjk > latinWords ? 'zh' : 'en';
}

export function isCjk(ch: string): boolean {
  return /[\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF]/.test(ch);
}
