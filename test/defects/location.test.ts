import assert from 'node:assert/strict';
import type { Entity } from '../../nlp/types.js';
import { ScriptedNlu } from '../helpers/scripted-nlu.js';
import { webChat } from '../helpers/web-chat.js';

const place = (text: string, name: string): Entity => {
  const start = text.indexOf(name);
  return { label: 'location', value: name.toLowerCase(), text: name, start, end: start + name.length, source: 'model' };
};

describe('defect 8: location is not sticky, and online coupons are not presented as local', () => {
  it('after "coupons in Boston?", "gaming headset coupon" is not "in Boston"; online coupons are called online', async () => {
    const nlu = new ScriptedNlu({
      'coupons in boston?': { intent: 'get_coupon', confidence: 0.95, entities: [place('coupons in Boston?', 'Boston')] },
    });
    const chat = await webChat({ nlu });
    try {
      const v = await chat.visitor();
      const boston = await v.say('coupons in Boston?');
      assert.ok(boston.cards.length > 0);
      for (const c of boston.cards) assert.doesNotMatch(c.reason ?? '', /San Francisco|New York|Seattle|Toronto|London/, 'no other city presented');
      assert.doesNotMatch(boston.text, /picks.* in Boston/i, `online coupons are not local: ${boston.text}`);
      assert.match(boston.text, /no partner coupons in Boston yet/);
      const headset = await v.say('gaming headset coupon');
      assert.doesNotMatch(headset.text, /boston/i);
      v.close();
    } finally {
      await chat.close();
    }
  });
});
