import assert from 'node:assert/strict';
import { isWhatYouKnowRequest } from '../../bot/stages/what-you-know.js';
import { userProfile } from '../../bot/user-profile.js';
import { testBot } from '../helpers/test-bot.js';

describe('bot: "what do you know about me" / "你记录了我什么"', () => {
  it('recognizes the request in English and Chinese, not look-alikes', () => {
    for (const t of ['what do you know about me?', 'What data do you have about me', '你记录了我什么', '你知道我什么', '你存了我的哪些数据']) assert.ok(isWhatYouKnowRequest(t), t);
    for (const t of ['what do you know about python', 'tell me about yourself', '你知道什么课程']) assert.ok(!isWhatYouKnowRequest(t), t);
  });

  it('lists interests, language, budget and points privately, with how to delete them', async () => {
    const { conversation, store } = await testBot();
    await conversation.say('recommend a beginner python course under $30');
    const [reply] = await conversation.say('what do you know about me?');
    assert.ok(reply);
    assert.match(reply.text, /Interests: .*python/);
    assert.match(reply.text, /Language: English/);
    assert.match(reply.text, /Budget: up to 30 USD/);
    assert.match(reply.text, /Points: \d+/);
    assert.match(reply.text, /delete my data/);
    const [zh] = await conversation.say('你记录了我什么');
    assert.match(zh!.text, /兴趣：.*python/);
    assert.match(zh!.text, /删除我的数据/);
    const profile = await userProfile(store, 'web', 'u1');
    assert.deepEqual(profile?.budgets, ['up to 30 USD']);
    await store.close();
  });

  it('in a public channel, says to ask privately instead of reading data out', async () => {
    const { conversation, store } = await testBot({ platform: 'twitch', direct: false });
    await conversation.say('@crossfeed recommend a python course');
    const replies = await conversation.say('@crossfeed what do you know about me');
    assert.equal(replies.length, 1);
    assert.match(replies[0]!.text, /private chat/);
    assert.doesNotMatch(replies[0]!.text, /python/);
    await store.close();
  });
});
