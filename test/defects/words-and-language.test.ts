import assert from 'node:assert/strict';
import { webChat } from '../helpers/web-chat.js';

describe('defect 12: budgets in words, and language on request', () => {
  it('"a python course under twenty bucks" keeps to $20', async () => {
    const chat = await webChat();
    try {
      const v = await chat.visitor();
      const reply = await v.say('a python course under twenty bucks');
      assert.ok(reply.cards.length > 0, reply.text);
      for (const c of reply.cards) assert.ok(c.currency !== 'USD' || c.price <= 20, `${c.id} costs ${c.priceLabel}`);
      assert.match(reply.text, /under \$20/);
      v.close();
    } finally {
      await chat.close();
    }
  });

  it('"in Chinese please" switches the conversation to Chinese; "说英文" back to English', async () => {
    const chat = await webChat();
    try {
      const v = await chat.visitor();
      const zh = await v.say('in Chinese please');
      assert.match(zh.text, /中文/);
      const course = await v.say('python course for beginners');
      assert.match(course.text, /[\u4e00-\u9fff]/, `answered in Chinese: ${course.text}`);
      const en = await v.say('说英文');
      assert.match(en.text, /English/);
      assert.doesNotMatch((await v.say('python course for beginners')).text, /[\u4e00-\u9fff]/);
      // Asking for courses in a language: the courses are taught in it, and the conversation follows.
      const inZh = await v.say('python courses in Chinese');
      assert.ok(inZh.cards.length > 0 && inZh.cards.every((c) => c.labels.kind === '课程'), inZh.text);
      assert.match(inZh.text, /[\u4e00-\u9fff]/);
      v.close();
    } finally {
      await chat.close();
    }
  });
});
