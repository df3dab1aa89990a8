import assert from 'node:assert/strict';
import { webChat } from '../helpers/web-chat.js';

describe('defect 10: honest refusals and no dead ends', () => {
  it('the age limit is named as the reason, and "I\'m 18 actually" after the under-18 refusal continues', async () => {
    const chat = await webChat();
    try {
      const v = await chat.visitor();
      const old = await v.say("I'm 70 and need health insurance");
      assert.doesNotMatch(old.text, /different topic|higher budget/);
      assert.match(old.text, /aged 70|age limit/);
      const w = await chat.visitor();
      assert.match((await w.say('travel insurance please')).text, /How old are you/);
      assert.match((await w.say('16')).text, /under 18/);
      const adult = await w.say("ok then I'm 18 actually");
      assert.doesNotMatch(adult.text, /did not get that/);
      assert.ok(adult.cards.length > 0 && adult.cards.every((c) => c.kind === 'insurance' && c.disclosure), adult.text);
      v.close();
      w.close();
    } finally {
      await chat.close();
    }
  });

  it('unknown commands in a private chat are answered; !mycodes and "my coupons" list the codes held; help names points, FAQ and a person', async () => {
    const chat = await webChat();
    try {
      const v = await chat.visitor();
      const unknown = await v.say('!mycodez');
      assert.match(unknown.text, /don't know the command "!mycodez"/);
      assert.match((await v.say('!mycodes')).text, /not claimed any coupon codes yet/);
      const offer = await v.say('any ramen coupon in Brooklyn?');
      const code = /CF-[A-Z0-9-]+/.exec((await v.say('!claim 1')).text)?.[0];
      assert.ok(code && offer.cards.length);
      assert.ok((await v.say('!mycodes')).text.includes(code));
      assert.ok((await v.say('my coupons')).text.includes(code));
      const help = await v.say('!help');
      for (const words of [/checkin/, /points/, /FAQ/, /person|human/, /mycodes/]) assert.match(help.text, words);
      v.close();
    } finally {
      await chat.close();
    }
  });
});
