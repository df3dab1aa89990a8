import assert from 'node:assert/strict';
import { testBot } from '../helpers/test-bot.js';
import { RuleEntityExtractor } from '../../nlp/entity-rules.js';

describe('absurd budgets have defined behaviour', () => {
  const rules = new RuleEntityExtractor();
  const budget = (text: string) => rules.extract(text, 'en').find((e) => e.label === 'budget')?.value as { max?: number } | undefined;

  it('reads negative and scientific amounts as written', () => {
    assert.equal(budget('python course under -5 dollars')?.max, -5);
    assert.equal(budget('python course under 1e9 dollars')?.max, 1e9);
    assert.equal(budget('between 20-50 dollars')?.max, 50, 'a range is still a range');
  });

  it('a negative budget matches nothing and says so; an absurdly large one is no limit', async () => {
    const { conversation, store } = await testBot();
    const negative = await conversation.say('python course under -5 dollars');
    assert.equal(negative[0]?.cards.length, 0);
    assert.match(negative[0]?.text ?? '', /couldn't find/i);
    const huge = await conversation.say('python course under 1e9 dollars');
    assert.ok((huge[0]?.cards.length ?? 0) > 0);
    assert.doesNotMatch(huge[0]?.text ?? '', /1e|under/);
    await store.close();
  });
});
