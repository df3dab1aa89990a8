import assert from 'node:assert/strict';
import { groupQuestions } from '../../recommender/reports/unanswered.js';

describe('recommender/reports/unanswered: grouping questions the bot could not answer', () => {
  it('groups wordings of the same question (English and Chinese), most asked first', () => {
    const at = '2026-12-01T00:00:00Z';
    const line = (text: string, channel = 'web') => ({ text, platform: 'web', channel, at });
    const groups = groupQuestions([
      line('do you ship to Canada?'), line('Do you ship to canada'), line('shipping to Canada possible?', 'shop'),
      line('can I get a refund'), line('refund please'),
      line('你们支持支付宝付款吗'), line('支持支付宝吗'),
      line('what is the meaning of life'),
    ]);
    const labels = groups.map((g) => [g.label, g.total]);
    assert.deepEqual(labels[0], ['do you ship to Canada?', 3]);
    assert.ok(groups.some((g) => g.total === 2 && g.questions.some((q) => q.text.includes('支付宝'))), JSON.stringify(labels));
    assert.ok(groups.some((g) => g.total === 2 && g.label.includes('refund')), JSON.stringify(labels));
    assert.ok(groups.some((g) => g.total === 1 && g.label.includes('meaning of life')));
    assert.deepEqual(groups[0]!.channels, ['web:web', 'web:shop']);
  });
});
