/** Numbers as people type them in chat: "30", "1,299.00", "2k", "一百", "两千五", "3万". */

const DIGITS: Record<string, number> = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };
const UNITS: Record<string, number> = { 十: 10, 百: 100, 千: 1000, 万: 10000 };

export const CHINESE_NUMBER = '[零〇一二两三四五六七八九十百千万]+';
export const ARABIC_NUMBER = '(?:\\d{1,3}(?:,\\d{3})+(?:\\.\\d+)?|\\d+(?:\\.\\d+)?)(?:e\\d{1,3}(?![a-z]))?';

export function parseChineseNumber(s: string): number | undefined {
  let total = 0;
  let section = 0;
  let digit: number | undefined;
  for (const ch of s) {
    if (ch in DIGITS) {
      digit = DIGITS[ch]!;
    } else if (ch === '万') {
      total += (section + (digit ?? 0)) * 10000;
      section = 0;
      digit = undefined;
    } else if (ch in UNITS) {
      section += (digit ?? 1) * UNITS[ch]!;
      digit = undefined;
    } else return undefined;
  }
  const value = total + section + (digit ?? 0);
  // "两千五" means 2500: a trailing digit after a unit scales to the next lower unit.
  const lastUnit = /([十百千万])([一二两三四五六七八九])$/.exec(s);
  if (lastUnit && s.length > 2) {
    const unit = UNITS[lastUnit[1]!]!;
    if (unit >= 100) return value - (DIGITS[lastUnit[2]!] ?? 0) + (DIGITS[lastUnit[2]!] ?? 0) * (unit / 10);
  }
  return value;
}

/** Parses an arabic number with optional thousands separators and a k/w/万 suffix. */
export function parseNumber(s: string, suffix?: string): number | undefined {
  const n = Number(s.replace(/,/g, ''));
  if (!Number.isFinite(n)) return undefined;
  const scale = suffix ? ({ k: 1000, K: 1000, w: 10000, W: 10000, 万: 10000, 千: 1000 } as Record<string, number>)[suffix] ?? 1 : 1;
  return n * scale;
}

const EN_UNITS: Record<string, number> = {
  zero: 0, one: 1, a: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, eleven: 11, twelve: 12,
  thirteen: 13, fourteen: 14, fifteen: 15, sixteen: 16, seventeen: 17, eighteen: 18, nineteen: 19,
  twenty: 20, thirty: 30, forty: 40, fifty: 50, sixty: 60, seventy: 70, eighty: 80, ninety: 90,
};

/** English number words as chat writes amounts: "twenty", "twenty-five", "a hundred", "two hundred fifty". */
export const ENGLISH_NUMBER = `(?:(?:${Object.keys(EN_UNITS).join('|')}|hundred|thousand)(?:[\\s-]+(?:and[\\s-]+)?(?=(?:${Object.keys(EN_UNITS).filter((k) => k !== 'a').join('|')}|hundred|thousand)\\b))?)+`;

export function parseEnglishNumber(s: string): number | undefined {
  let total = 0;
  let current = 0;
  let any = false;
  for (const w of s.toLowerCase().split(/[\s-]+/).filter((x) => x && x !== 'and')) {
    if (w in EN_UNITS) current += EN_UNITS[w]!;
    else if (w === 'hundred') current = (current || 1) * 100;
    else if (w === 'thousand') {
      total += (current || 1) * 1000;
      current = 0;
    } else return undefined;
    any = true;
  }
  return any ? total + current : undefined;
}
