import assert from 'node:assert/strict';
import type { Nlu } from '../../nlp/types.js';
import { KeywordNlu } from '../helpers/keyword-nlu.js';
import { testBot } from '../helpers/test-bot.js';

describe('bot pipeline (conversation tests through an in-memory adapter)', () => {
  it('answers a course request with cards that respect level and budget, and logs impressions', async () => {
    const { conversation, store } = await testBot();
    const [reply] = await conversation.say('recommend me a beginner python course under $30');
    assert.ok(reply && reply.cards.length > 0);
    for (const card of reply.cards) {
      assert.equal(card.kind, 'course');
      assert.equal(card.level, 'beginner');
      assert.ok(card.currency !== 'USD' || card.price <= 30, `${card.title} costs ${card.price}`);
      assert.ok(card.reason);
      if (card.sponsored) assert.ok(card.disclosure, 'sponsored cards carry a disclosure');
    }
    assert.equal(await store.interactions.count(reply.cards[0]!.id, 'impression'), 1);
    await store.close();
  });

  it('remembers the request: "another one" shows new items, "cheaper?" shows cheaper ones', async () => {
    const { conversation, store } = await testBot();
    const [first] = await conversation.say('any python course?');
    const firstIds = first!.cards.map((c) => c.id);
    const [another] = await conversation.say('another one');
    assert.ok(another!.cards.length > 0);
    for (const c of another!.cards) assert.ok(!firstIds.includes(c.id), 'no repeats');
    const cheapest = Math.min(...another!.cards.map((c) => c.price));
    const [cheaper] = await conversation.say('cheaper?');
    for (const c of cheaper!.cards) assert.ok(c.price < cheapest || c.currency !== another!.cards[0]!.currency);
    await store.close();
  });

  it('keeps dialogue state in the database (a new Bot over the same store continues the conversation)', async () => {
    const { conversation, store, recommender } = await testBot();
    await conversation.say('python course please');
    const { Bot } = await import('../../bot/bot.js');
    const again = new Bot({ nlu: new KeywordNlu(), recommender, store });
    const replies: { cards: readonly { id: string }[] }[] = [];
    await again.handle({ platform: 'web', channel: 'test-channel', direct: true, user: { platformId: 'u1', displayName: 'x', roles: [] }, text: 'another one', time: new Date() },
      { send: async (r) => void replies.push(r) });
    assert.ok(replies[0]!.cards.length > 0, 'refinement worked after the "restart"');
    await store.close();
  });

  it('stores both sides of the conversation in order, echoing the user message first', async () => {
    const { conversation, bot, store } = await testBot();
    await conversation.say('hi');
    await conversation.say('python course');
    const history = await bot.history('web', 'test-channel', 'u1');
    assert.deepEqual(history.map((m) => m.role), ['user', 'bot', 'user', 'bot']);
    assert.equal(history[2]!.text, 'python course');
    assert.ok(history[3]!.cards.length > 0);
    assert.deepEqual(conversation.recorded.map((m) => m.text), ['hi', 'python course']);
    await store.close();
  });

  it('ignores empty and invisible-only messages and refuses huge ones politely without storing them', async () => {
    const { conversation, bot, store } = await testBot();
    assert.deepEqual(await conversation.say(''), []);
    assert.deepEqual(await conversation.say('\u200B\u{E0000}  '), []);
    const [big] = await conversation.say('a'.repeat(100 * 1024));
    assert.match(big!.text, /too long/);
    assert.deepEqual(await bot.history('web', 'test-channel', 'u1'), []);
    await store.close();
  });

  it('stores markup and SQL fragments verbatim as text (rendering escapes them)', async () => {
    const { conversation, bot, store } = await testBot();
    const evil = "<script>alert(1)</script>'; DROP TABLE messages; --";
    const [reply] = await conversation.say(evil);
    assert.ok(reply, 'answered politely');
    assert.ok(!reply.text.includes('<script>'), 'never echoes the markup back');
    const history = await bot.history('web', 'test-channel', 'u1');
    assert.equal(history[0]!.text, evil);
    await store.close();
  });

  it('answers emoji floods politely and never stores lone surrogates', async () => {
    const { conversation, bot, store } = await testBot();
    const [flood] = await conversation.say('😂'.repeat(900));
    assert.ok(flood && flood.cards.length === 0);
    await conversation.say('py\uD800thon course');
    const history = await bot.history('web', 'test-channel', 'u1');
    assert.equal(history.find((m) => m.text.startsWith('py'))?.text, 'python course');
    for (const m of history) assert.ok(!/[\uD800-\uDFFF](?![\uDC00-\uDFFF])/.test(m.text.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, '')));
    await store.close();
  });

  it('in group chat, stays quiet on noise but answers mentions and commands', async () => {
    const nlu = new KeywordNlu();
    const { conversation, store } = await testBot({ nlu, platform: 'twitch', direct: false });
    assert.deepEqual(await conversation.say('gg lol'), []);
    assert.deepEqual(await conversation.say('KEKW KEKW KEKW'), []);
    assert.deepEqual(await conversation.say('!songrequest never gonna'), [], "another bot's command");
    const [mention] = await conversation.say('@crossfeed hi');
    assert.ok(mention);
    const [command] = await conversation.say('!course rust');
    assert.ok(command && command.cards.length > 0 && command.cards.every((c) => c.kind === 'course'));
    await store.close();
  });

  it('answers unaddressed questions only when the channel allows it and the NLU is confident', async () => {
    const confident = await testBot({ platform: 'twitch', direct: false });
    assert.equal((await confident.conversation.say('anyone know a good python course?')).length, 1);
    const off = await testBot({ platform: 'twitch', direct: false, options: { answerUnaddressed: false } });
    assert.deepEqual(await off.conversation.say('anyone know a good python course?'), []);
    const unsure: Nlu = { parse: async (t) => ({ ...(await new KeywordNlu().parse(t)), confidence: 0.6 }) };
    const low = await testBot({ platform: 'twitch', direct: false, nlu: unsure });
    assert.deepEqual(await low.conversation.say('anyone know a good python course?'), []);
    await Promise.all([confident.store.close(), off.store.close(), low.store.close()]);
  });

  it('reports a failing stage and still answers the user politely', async () => {
    const errors: unknown[] = [];
    const broken: Nlu = { parse: async () => { throw new Error('model exploded'); } };
    const { conversation, store } = await testBot({ nlu: broken, errors });
    const [reply] = await conversation.say('python course');
    assert.match(reply!.text, /something went wrong/);
    assert.match(String(errors[0]), /model exploded/);
    // In the person's language, from the catalogue (a Chinese message gets a Chinese apology).
    const [zh] = await conversation.say('我想学摄影');
    assert.match(zh!.text, /出了点问题/);
    await store.close();
  });

  it('handles one user\'s messages in order even when they arrive together', async () => {
    const { conversation, bot, store } = await testBot();
    await Promise.all(['python course', 'another one', 'cheaper?'].map((t) => conversation.say(t)));
    const history = await bot.history('web', 'test-channel', 'u1');
    assert.deepEqual(history.filter((m) => m.role === 'user').map((m) => m.text), ['python course', 'another one', 'cheaper?']);
    await store.close();
  });

  it('asks Chinese speakers in Chinese and filters Chinese budgets in CNY', async () => {
    const { conversation, store } = await testBot();
    const [reply] = await conversation.say('有没有200块以内的python入门课');
    assert.ok(reply && /[\u4e00-\u9fff]/.test(reply.text));
    assert.ok(reply.cards.length > 0);
    for (const c of reply.cards) assert.ok(c.currency === 'CNY' ? c.price <= 200 : c.price * 7 <= 200 + 1e-6);
    await store.close();
  });
});
