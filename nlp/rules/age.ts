import type { Entity } from '../types.js';

const PATTERNS: RegExp[] = [
  /\b(?:i'?m|i am|im|age[d:]?|my age is)\s*(\d{1,3})\b(?!\s*(?:%|\$|dollars?|bucks|usd|rmb|k\b|games?|wins?|kills?|hours?|mins?))/i,
  /\b(\d{1,3})\s*(?:years? old|yrs? old|yo\b|y\/o|year-old)/i,
  /(?:我|本人)?(?:今年)?(\d{1,3})\s*周?岁/,
  /(?:年龄|年纪)(?:是|:|：)?\s*(\d{1,3})/,
];

/** Age stated by the user ("I'm 34", "17 years old", "我今年25岁"). */
export function findAge(text: string): Entity | undefined {
  for (const re of PATTERNS) {
    const m = re.exec(text);
    if (!m) continue;
    const age = Number(m[1]);
    if (!Number.isInteger(age) || age < 1 || age > 120) continue;
    return { label: 'age', value: age, text: m[0], start: m.index, end: m.index + m[0].length, source: 'rule' };
  }
  return undefined;
}
