/**
 * Cleaning that runs before anything reads a message: chat clients append invisible characters
 * (Chatterino adds U+E0000 to repeated messages), users paste zero-width joiners, and a socket can
 * deliver lone surrogates. None of them may reach commands, models or the database.
 */

// Zero-width and bidi controls, BOM, soft hyphen, tag block (U+E0000-U+E007F).
const INVISIBLE = /[\u00AD\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u206F\uFEFF]|\uDB40[\uDC00-\uDC7F]/g;
// C0/C1 control characters except tab and newline.
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;
// Surrogate halves without their partner (what invalid UTF-8 decodes to after a lossy decode is U+FFFD instead).
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export const MAX_MESSAGE_CHARS = 2000;

export function cleanText(raw: string): string {
  return raw
    .replace(LONE_SURROGATE, '')
    .replace(INVISIBLE, '')
    .replace(CONTROL, ' ')
    .replace(/\uFFFD/g, '')
    .normalize('NFC')
    .replace(/\s+/g, ' ')
    .trim();
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
