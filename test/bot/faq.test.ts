import assert from 'node:assert/strict';
import { seedFaqIfEmpty } from '../../data/faq/seed.js';
import { testBot } from '../helpers/test-bot.js';

const fast = { support: { handoffAfterMisses: 3, faqRefreshMs: 0 } };

async function faqBot(o: Parameters<typeof testBot>[0] = {}) {
  const t = await testBot({ options: fast, ...o });
  await seedFaqIfEmpty(t.store.faq);
  return t;
}

describe('bot FAQ answers (KeywordNlu: "refund" is faq)', () => {
  it('answers a known question with the entry word for word and names its source', async () => {
    const { conversation, store } = await faqBot();
    const entry = (await store.faq.get('refund-policy'))!;
    const [reply] = await conversation.say('how do I get a refund?');
    assert.equal(reply!.text, `${entry.answer}\n\nFrom our FAQ: "Can I get a refund?"`);
    assert.deepEqual(reply!.cards, []);
    const [zh] = await conversation.say('怎么退款');
    assert.match(zh!.text, /来自常见问题：「可以退款吗」$/);
    await store.close();
  });

  it('answers a near-verbatim FAQ question even when the NLU does not call it faq', async () => {
    const { conversation, store } = await faqBot();
    const [reply] = await conversation.say('when is the next stream');
    assert.match(reply!.text, /From our FAQ: "When is the next stream\?"$/);
    await store.close();
  });

  it('offers numbered choices or a person when unsure, and "2" picks the second', async () => {
    const { conversation, store } = await faqBot();
    const [choices] = await conversation.say('how do I change my account details?');
    const lines = choices!.text.split('\n');
    assert.equal(lines[0], "I'm not sure which of these you mean:");
    assert.deepEqual(lines.slice(1, 5), ['1. How do I change my email?', '2. I forgot my password', '3. How do I delete my data?', '4. Talk to a person']);
    assert.equal(lines[5], 'Reply 1, 2, 3 to pick one, or 4 for a person.');
    const [picked] = await conversation.say('2');
    assert.equal(picked!.text, `${(await store.faq.get('reset-password'))!.answer}\n\nFrom our FAQ: "I forgot my password"`);
    const [again] = await conversation.say('2');
    assert.doesNotMatch(again!.text, /From our FAQ/, 'choices are used once');
    await store.close();
  });

  it('never invents an answer: a faq question with no match says so and offers a person', async () => {
    const { conversation, store } = await faqBot();
    const [reply] = await conversation.say('refund of my quantum teleporter subscription zorblax');
    // "refund" matches, so the bot offers entries rather than one answer or a made-up one.
    assert.ok(/not sure which/.test(reply!.text) || /FAQ/.test(reply!.text));
    for (const e of await store.faq.list()) await store.faq.remove(e.id);
    const [unknown] = await conversation.say('refund please');
    assert.match(unknown!.text, /I don't have an answer to that in our FAQ/);
    await store.close();
  });

  it('picks up knowledge-base edits without a restart', async () => {
    const { conversation, store } = await faqBot();
    await store.faq.upsert([{ ...(await store.faq.get('refund-policy'))!, answer: 'Refunds within 7 days, no questions asked.' }]);
    const [reply] = await conversation.say('can I get a refund?');
    assert.match(reply!.text, /^Refunds within 7 days, no questions asked\./);
    await store.close();
  });

  it('answers the same on Twitch: mentions get answers and choices ("@crossfeed 2" picks), unaddressed guesses get nothing', async () => {
    const { conversation, store } = await faqBot({ platform: 'twitch', direct: false });
    const [reply] = await conversation.say('@crossfeed can I get a refund?');
    assert.match(reply!.text, /From our FAQ: "Can I get a refund\?"$/);
    assert.match((await conversation.say('@crossfeed how do I change my account details?'))[0]!.text, /^I'm not sure which/);
    assert.match((await conversation.say('@crossfeed 2'))[0]!.text, /From our FAQ: "I forgot my password"$/);
    assert.deepEqual(await conversation.say('how do I change my account details?'), [], 'not addressed, not a confident faq: silent');
    await store.close();
  });
});
