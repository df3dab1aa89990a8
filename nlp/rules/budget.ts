import type { Budget, Entity, Lang } from '../types.js';
import { ARABIC_NUMBER, CHINESE_NUMBER, ENGLISH_NUMBER, parseChineseNumber, parseEnglishNumber, parseNumber } from './numbers.js';

/**
 * Budgets in English and Chinese chat: "under $30", "less than 20 bucks", "between 20 and 50 usd",
 * "100块以内", "不超过两百元", "预算300", "free". The currency comes from the symbol or word; a bare
 * number takes the message's usual currency (USD for English, CNY for Chinese).
 */

const NUM = `(${ARABIC_NUMBER})([kKwW](?![a-zA-Z])|[万千])?`;
const ZHNUM = `(${CHINESE_NUMBER})`;
const CUR_BEFORE = '(\\$|us\\$|usd\\s*|€|eur\\s*|£|gbp\\s*|¥|￥|rmb\\s*|cny\\s*)';
const CUR_AFTER = '(\\s*(?:dollars?|bucks?|usd|\\$|euros?|eur|€|pounds?|quid|gbp|£|rmb|cny|yuan|块钱?|元|人民币|刀|美元|美金|欧元|英镑))';
const MAX_EN = '(?:under|below|less than|lower than|cheaper than|no more than|not more than|at most|max(?:imum)?|up to|upto|within|<=?|budget(?: is| of)?:?|for)';
const MIN_EN = '(?:over|above|more than|at least|min(?:imum)?|>=?)';

const CURRENCY_WORDS: [RegExp, string][] = [
  [/^(\$|us\$|usd|dollars?|bucks?|刀|美元|美金)$/i, 'USD'],
  [/^(€|eur|euros?|欧元)$/i, 'EUR'],
  [/^(£|gbp|pounds?|quid|英镑)$/i, 'GBP'],
  [/^(¥|￥|rmb|cny|yuan|块钱?|元|人民币)$/i, 'CNY'],
];

function currencyOf(token: string | undefined, lang: Lang): string {
  const t = (token ?? '').trim();
  if (t) for (const [re, code] of CURRENCY_WORDS) if (re.test(t)) return code;
  return lang === 'zh' ? 'CNY' : 'USD';
}

interface Pattern {
  re: RegExp;
  build(m: RegExpExecArray, lang: Lang): Budget | undefined;
}

const amountOf = (m: RegExpExecArray, numIdx: number, sufIdx: number) => parseNumber(m[numIdx]!, m[sufIdx]);

const PATTERNS: Pattern[] = [
  // between 20 and 50 usd / 20-50 dollars / 20到50块
  {
    re: new RegExp(`(?:between\\s+)?${CUR_BEFORE}?${NUM}\\s*(?:-|–|~|to|and|到|至)\\s*${CUR_BEFORE}?${NUM}${CUR_AFTER}`, 'i'),
    build: (m, lang) => {
      const lo = amountOf(m, 2, 3);
      const hi = amountOf(m, 5, 6);
      if (lo === undefined || hi === undefined || hi < lo) return undefined;
      return { amount: hi, currency: currencyOf(m[7] ?? m[4] ?? m[1], lang), comparator: 'range', min: lo, max: hi };
    },
  },
  // under $30 / less than 20 bucks / max 30 usd / budget 30
  {
    re: new RegExp(`${MAX_EN}\\s*(?:-\\s*)?${CUR_BEFORE}?${NUM}${CUR_AFTER}?`, 'i'),
    build: (m, lang) => {
      // "under -5 dollars": kept as said (nothing can match it), not silently read as 5.
      const sign = /^\S+(?:\s+than)?\s*-/i.test(m[0]) ? -1 : 1;
      const parsed = amountOf(m, 2, 3);
      const amount = parsed === undefined ? undefined : sign * parsed;
      const currencyToken = m[1] ?? m[4];
      // "for 2 hours" is not a budget: a bare "for N" needs a currency.
      if (amount === undefined || (/^for$/i.test(m[0].split(/\s/)[0] ?? '') && !currencyToken)) return undefined;
      return { amount, currency: currencyOf(currencyToken, lang), comparator: 'max', max: amount };
    },
  },
  // under twenty bucks / less than fifty dollars / up to a hundred dollars (words need the currency)
  {
    re: new RegExp(`${MAX_EN}\\s+\\b(${ENGLISH_NUMBER})\\b${CUR_AFTER}`, 'i'),
    build: (m, lang) => {
      const amount = parseEnglishNumber(m[1]!.trim());
      if (amount === undefined || amount <= 0) return undefined;
      return { amount, currency: currencyOf(m[2], lang), comparator: 'max', max: amount };
    },
  },
  {
    re: new RegExp(`${MIN_EN}\\s*${CUR_BEFORE}?${NUM}${CUR_AFTER}?`, 'i'),
    build: (m, lang) => {
      const amount = amountOf(m, 2, 3);
      if (amount === undefined || !(m[1] ?? m[4])) return undefined;
      return { amount, currency: currencyOf(m[1] ?? m[4], lang), comparator: 'min', min: amount };
    },
  },
  // 100块以内 / 200元以下 / 不超过300 / 预算300 / 三百块以内
  {
    re: new RegExp(`(?:不超过|不要超过|最多|预算(?:是|在)?|低于|少于|便宜于)?\\s*(?:${CUR_BEFORE})?(?:${NUM}|${ZHNUM})${CUR_AFTER}?\\s*(以内|以下|之内|左右|以上)?`, 'i'),
    build: (m, lang) => {
      const prefix = /^(不超过|不要超过|最多|预算(?:是|在)?|低于|少于|便宜于)/.exec(m[0].trim())?.[1];
      const suffix = m[6];
      const currencyToken = m[1] ?? m[5];
      if (!prefix && !suffix && !currencyToken) return undefined;
      const amount = m[2] !== undefined ? amountOf(m, 2, 3) : parseChineseNumber(m[4] ?? '');
      if (amount === undefined || amount <= 0) return undefined;
      const currency = currencyOf(currencyToken, lang === 'en' && /[块元]/.test(m[0]) ? 'zh' : lang);
      if (suffix === '以上') return { amount, currency, comparator: 'min', min: amount };
      if (suffix === '左右' && !prefix) return { amount, currency, comparator: 'about', min: amount * 0.8, max: amount * 1.2 };
      return { amount, currency, comparator: 'max', max: amount };
    },
  },
];

// "最多30分钟", "within 2 weeks", "under 18 years old": numbers of something other than money.
const NOT_MONEY_AFTER = /^\s*(岁|周岁|年|天|个|次|小时|分钟|秒|人|hours?|hrs?|minutes?|mins?|seconds?|secs?|days?|weeks?|months?|years?|yo\b|y\/o|people|players|ppl|kills?|games?|ranks?|lp\b|%)/i;

const FREE = /\b(free|for free|no cost|免费|不要钱|0元)\b|免费|不要钱/i;

export function findBudget(text: string, lang: Lang): Entity | undefined {
  for (const p of PATTERNS) {
    const re = new RegExp(p.re.source, p.re.flags.includes('g') ? p.re.flags : p.re.flags + 'g');
    let m: RegExpExecArray | null;
    while ((m = re.exec(text))) {
      if (m[0].trim() === '') {
        re.lastIndex++;
        continue;
      }
      const budget = NOT_MONEY_AFTER.test(text.slice(m.index + m[0].length)) ? undefined : p.build(m, lang);
      if (budget) {
        const lead = m[0].length - m[0].trimStart().length;
        const raw = m[0].trim();
        return { label: 'budget', value: budget, text: raw, start: m.index + lead, end: m.index + lead + raw.length, source: 'rule' };
      }
    }
  }
  const free = FREE.exec(text);
  if (free) {
    return { label: 'budget', value: { amount: 0, currency: lang === 'zh' ? 'CNY' : 'USD', comparator: 'max', max: 0 },
      text: free[0], start: free.index, end: free.index + free[0].length, source: 'rule' };
  }
  return undefined;
}
