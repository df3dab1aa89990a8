import assert from 'node:assert/strict';
import { FaqIndex, tokens } from '../../adapters/web/agent-assist.js';
import type { FaqEntry } from '../../data/support.js';

const entry = (id: string, questions: string[], tags: string[] = [], language: FaqEntry['language'] = 'en'): FaqEntry =>
  ({ id, questions, answer: `answer of ${id}`, tags, language, updatedAt: '2027-01-01T00:00:00Z' });

describe('adapters/web agent assist (lexical FAQ search)', () => {
  const index = new FaqIndex([
    entry('refund-policy', ['How do I get a refund?', 'Can I return a course I bought?'], ['billing']),
    entry('reset-password', ['I forgot my password', 'How do I reset my password?'], ['account']),
    entry('shipping-time', ['How long does shipping take?'], ['orders']),
    entry('tuikuan', ['怎么退款', '我想退款'], ['billing'], 'zh'),
  ]);

  it('tokenizes words without stop words and CJK text as bigrams', () => {
    assert.deepEqual(tokens('How do I get a Refund?'), ['get', 'refund']);
    assert.deepEqual(tokens('我想退款'), ['我想', '想退', '退款']);
  });

  it('ranks the matching entry first and returns nothing for unrelated text', () => {
    assert.equal(index.search('i want my money back, refund please')[0]?.id, 'refund-policy');
    assert.equal(index.search('cannot log in, password forgotten')[0]?.id, 'reset-password');
    assert.equal(index.search('可以退款吗')[0]?.id, 'tuikuan');
    assert.deepEqual(index.search('the weather is nice'), []);
    assert.deepEqual(index.search(''), []);
  });

  it('returns at most the limit, best first, with the source id and answer', () => {
    const hits = index.search('how long for shipping and a refund', 2);
    assert.equal(hits.length, 2);
    assert.ok(hits[0]!.score >= hits[1]!.score);
    assert.deepEqual(Object.keys(hits[0]!).sort(), ['answer', 'id', 'question', 'score']);
  });
});
