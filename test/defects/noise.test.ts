import assert from 'node:assert/strict';
import { webChat } from '../helpers/web-chat.js';
import { testBot } from '../helpers/test-bot.js';
import { ScriptedNlu } from '../helpers/scripted-nlu.js';

describe('defect 3: chat noise is not a miss', () => {
  it('"lol", "gg", "haha" and emoji never queue a web visitor for an agent', async () => {
    const chat = await webChat();
    try {
      const v = await chat.visitor();
      for (const noise of ['lol', 'gg', '😂😂', 'hahaha', 'lol', 'gg wp', '哈哈哈']) {
        const reply = await v.say(noise);
        assert.doesNotMatch(reply.text, /in line|queue|agent|排队/i, `${noise}: ${reply.text}`);
      }
      const conv = await chat.store.conversations.find('web', 'web', v.id);
      assert.equal(await chat.store.support.open(conv!), undefined, 'not queued');
      // Real unanswered questions still count.
      let last = '';
      for (const q of ['what is the meaning of xyzzy', 'can you fix my bicycle', 'where is the moon base']) last = (await v.say(q)).text;
      assert.match(last, /in the queue|in line/);
      v.close();
    } finally {
      await chat.close();
    }
  });

  it('a waiting visitor who says "never mind" leaves the queue, and the page is told to clear its pin', async () => {
    const chat = await webChat({ nlu: new ScriptedNlu({ 'i want to talk to a human please': { intent: 'human_handoff', confidence: 0.97 } }) });
    try {
      const v = await chat.visitor();
      assert.match((await v.say('I want to talk to a human please')).text, /queue/);
      const conv = (await chat.store.conversations.find('web', 'web', v.id))!;
      assert.equal((await chat.store.support.open(conv))?.status, 'waiting');
      const left = await v.say('never mind');
      assert.match(left.text, /out of the queue/);
      assert.ok(v.client.frames.some((f) => f.type === 'support' && f.state === 'none'), 'the page clears its pinned position');
      assert.equal(await chat.store.support.open(conv), undefined, 'no longer in line');
      v.close();
    } finally {
      await chat.close();
    }
  });

  it('noise earns no chat points', async () => {
    const { conversation, store } = await testBot({ platform: 'twitch', direct: false, options: { loyalty: { enabled: true, timeZone: 'UTC', checkin: { points: 10, streakBonus: 5, maxStreakBonus: 50 }, chat: { enabled: true, points: 1, perMinute: 100, minChars: 3, repeatWindow: 0 }, channels: {} } } });
    for (const noise of ['hahahahaha', 'lolololol', '😂😂😂😂😂']) await conversation.say(noise);
    const user = await store.conversations.resolveUser('twitch', 'u1', 'Viewer One');
    assert.equal(await store.loyalty.points.balance(user), 0);
    await store.close();
  });
});
