import assert from 'node:assert/strict';
import { seedFaqIfEmpty } from '../../data/faq/seed.js';
import { ScriptedNlu } from '../helpers/scripted-nlu.js';
import { webChat } from '../helpers/web-chat.js';

describe('defect 4: loyalty acts only on a confident intent or an explicit command', () => {
  it('an unsure "check_in" guess on a support question writes nothing to the ledger; the FAQ answers it', async () => {
    const nlu = new ScriptedNlu({
      'i forgot my password': { intent: 'check_in', confidence: 0.55 },
      'how many points do i have lol': { intent: 'points_balance', confidence: 0.6 },
      'check me in please': { intent: 'check_in', confidence: 0.97 },
    });
    const chat = await webChat({ nlu, options: { support: { handoffAfterMisses: 3, faqRefreshMs: 0 } } });
    try {
      await seedFaqIfEmpty(chat.store.faq);
      const v = await chat.visitor();
      const faq = await v.say('I forgot my password');
      assert.doesNotMatch(faq.text, /Checked in|points/i, faq.text);
      assert.match(faq.text, /From our FAQ/);
      const unsure = await v.say('how many points do i have lol');
      assert.doesNotMatch(unsure.text, /You have \d+ points/);
      const user = await chat.store.conversations.resolveUser('web', v.id, 'Visitor');
      assert.equal(await chat.store.loyalty.points.balance(user), 0, 'nothing written to the ledger');
      assert.match((await v.say('check me in please')).text, /Checked in/, 'a confident request still works');
      assert.match((await v.say('!checkin')).text, /already checked in/, 'and the command');
      v.close();
    } finally {
      await chat.close();
    }
  });
});
