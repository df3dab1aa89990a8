import assert from 'node:assert/strict';
import { RuleEntityExtractor } from '../../nlp/entity-rules.js';
import { findAge } from '../../nlp/rules/age.js';
import { findBudget } from '../../nlp/rules/budget.js';
import { parseChineseNumber } from '../../nlp/rules/numbers.js';
import { cleanText, detectLanguage } from '../../nlp/text.js';

describe('nlp/text', () => {
  it('strips zero-width, tag and control characters and lone surrogates', () => {
    assert.equal(cleanText('!course\u{E0000} py\u200Bthon\uFEFF'), '!course python');
    assert.equal(cleanText('a\u0000b\u0007c'), 'a b c');
    assert.equal(cleanText('x\uD800y'), 'xy');
    assert.equal(cleanText('  \u200B \n '), '');
  });
  it('tells Chinese from English, mixed messages included', () => {
    assert.equal(detectLanguage('any good python course?'), 'en');
    assert.equal(detectLanguage('有没有python入门课'), 'zh');
    assert.equal(detectLanguage('lol 哈'), 'en');
  });
});

describe('nlp/rules budget', () => {
  const cases: [string, 'en' | 'zh', { amount: number; currency: string; comparator: string } | undefined][] = [
    ['recommend me a beginner python course under $30', 'en', { amount: 30, currency: 'USD', comparator: 'max' }],
    ['less than 20 bucks pls', 'en', { amount: 20, currency: 'USD', comparator: 'max' }],
    ['anything below 1,299.50 usd?', 'en', { amount: 1299.5, currency: 'USD', comparator: 'max' }],
    ['between 20 and 50 dollars', 'en', { amount: 50, currency: 'USD', comparator: 'range' }],
    ['max 2k', 'en', { amount: 2000, currency: 'USD', comparator: 'max' }],
    ['under £15', 'en', { amount: 15, currency: 'GBP', comparator: 'max' }],
    ['100块以内', 'zh', { amount: 100, currency: 'CNY', comparator: 'max' }],
    ['有没有200元以下的课', 'zh', { amount: 200, currency: 'CNY', comparator: 'max' }],
    ['不超过两百块', 'zh', { amount: 200, currency: 'CNY', comparator: 'max' }],
    ['预算300', 'zh', { amount: 300, currency: 'CNY', comparator: 'max' }],
    ['a free course', 'en', { amount: 0, currency: 'USD', comparator: 'max' }],
    ['最多30分钟的课', 'zh', undefined],
    ['within 2 weeks', 'en', undefined],
    ['for 2 hours', 'en', undefined],
    ['gg 2-0 lets go', 'en', undefined],
  ];
  for (const [text, lang, expected] of cases) {
    it(`"${text}"`, () => {
      const e = findBudget(text, lang);
      if (!expected) return assert.equal(e, undefined);
      assert.ok(e, 'budget found');
      const v = e.value as { amount: number; currency: string; comparator: string };
      assert.deepEqual({ amount: v.amount, currency: v.currency, comparator: v.comparator }, expected);
      assert.equal(text.slice(e.start, e.end), e.text);
    });
  }
  it('reads Chinese numerals', () => {
    assert.deepEqual(['一百', '两千五', '三万', '十五', '二十', '一千零五'].map(parseChineseNumber), [100, 2500, 30000, 15, 20, 1005]);
  });
});

describe('nlp/rules age and lexicon', () => {
  it('finds stated ages but not other numbers', () => {
    assert.equal(findAge("I'm 34 and need travel insurance")?.value, 34);
    assert.equal(findAge('17 years old')?.value, 17);
    assert.equal(findAge('我今年25岁')?.value, 25);
    assert.equal(findAge("i'm 5 games in"), undefined);
  });

  it('extracts topic, level, location, cuisine with word boundaries and normalized values', () => {
    const rules = new RuleEntityExtractor([{ label: 'location', phrase: 'Brooklyn', value: 'Brooklyn' }]);
    const got = (text: string, lang: 'en' | 'zh' = 'en') => rules.extract(text, lang).map((e) => [e.label, e.value]);
    assert.deepEqual(got('recommend me a beginner python course under $30'),
      [['level', 'beginner'], ['topic', 'python'], ['budget', { amount: 30, currency: 'USD', comparator: 'max', max: 30 }]]);
    assert.deepEqual(got('有没有python入门课', 'zh'), [['topic', 'python'], ['level', 'beginner']]);
    assert.deepEqual(got('any ramen coupons near brooklyn?'), [['cuisine', 'ramen'], ['location', 'Brooklyn']]);
    assert.deepEqual(got('he said something'), [], '"ai" inside "said" is not machine learning');
    assert.deepEqual(got('valorant coaching'), [['game', 'valorant'], ['topic', 'valorant']]);
  });
});
