import assert from 'node:assert/strict';
import { ScriptedNlu } from '../helpers/scripted-nlu.js';
import { webChat } from '../helpers/web-chat.js';

describe('defect 6: no topic understood, no random courses', () => {
  it('asks what to learn with popular topics, then answers the topic given', async () => {
    const chat = await webChat();
    try {
      const v = await chat.visitor();
      const ask = await v.say('I want to take a course');
      assert.equal(ask.cards.length, 0, 'no random courses');
      assert.match(ask.text, /What would you like to learn\? Popular topics: .*python/);
      const python = await v.say('python');
      assert.ok(python.cards.length > 0 && python.cards.every((c) => c.topics.includes('python')), python.text);
      const zh = await chat.visitor();
      const askZh = await zh.say('我想上一门课');
      assert.match(askZh.text, /你想学什么/);
      v.close();
      zh.close();
    } finally {
      await chat.close();
    }
  });

  it('defect 7: a topic value the catalog does not know (an untrained deployment\'s "pyhton") asks what to learn, never "nothing matches"', async () => {
    const text = 'any pyhton course for beginers?';
    const nlu = new ScriptedNlu({
      [text]: { intent: 'recommend_course', confidence: 0.95, entities: [{ label: 'topic', value: 'pyhton', text: 'pyhton', start: 4, end: 10, source: 'model' }] },
    });
    const chat = await webChat({ nlu });
    try {
      const v = await chat.visitor();
      const ask = await v.say(text);
      assert.equal(ask.cards.length, 0, ask.text);
      assert.doesNotMatch(ask.text, /couldn't find|nothing|pyhton/i);
      assert.match(ask.text, /What would you like to learn\? Popular topics: .*python/);
      const python = await v.say('python');
      assert.ok(python.cards.length > 0 && python.cards.every((c) => c.topics.includes('python')), python.text);
      v.close();
    } finally {
      await chat.close();
    }
  });
});
