import assert from 'node:assert/strict';
import { Bot } from '../../bot/bot.js';
import type { ChatMessage } from '../../bot/message.js';
import { openSqliteStore } from '../../data/sqlite/sqlite-store.js';
import type { Store } from '../../data/store.js';
import { seededRng } from '../../recommender/random.js';
import { Recommender } from '../../recommender/recommender.js';
import { seedItems } from '../helpers/catalog.js';
import { KeywordNlu } from '../helpers/keyword-nlu.js';

/**
 * Issue 12: a Twitch line that can't be answered (nobody addressed the bot, the channel doesn't
 * answer unaddressed questions, not a command) costs no model and no database round trip. Every
 * call on the store (any repository, any method) and on the NLU is counted at the bot's boundary.
 */
function counted(store: Store, calls: string[]): Store {
  const wrap = <T extends object>(target: T, path: string): T => new Proxy(target, {
    get(t, key, receiver) {
      const v = Reflect.get(t, key, receiver) as unknown;
      if (typeof key !== 'string') return v;
      if (typeof v === 'function') return (...args: unknown[]) => { calls.push(`${path}${key}`); return (v as (...a: unknown[]) => unknown).apply(t, args); };
      return v && typeof v === 'object' ? wrap(v as object, `${path}${key}.`) : v;
    },
  });
  return wrap(store, '');
}

describe('issue 12: unanswerable chat reaches no model and no database', function () {
  this.timeout(30000);
  const noise = ['LUL that clutch was insane', 'gg wp', 'any python course for beginners?', 'how do i get a refund', '主播这波操作太秀了', '@someone_else look at this'];

  async function setup(answerUnaddressed: boolean, backlogged?: () => boolean) {
    const real = await openSqliteStore(':memory:');
    const items = await seedItems();
    await real.catalog.upsert(items);
    const calls: string[] = [];
    const nlu = new KeywordNlu();
    const bot = new Bot({ nlu, recommender: new Recommender(items), store: counted(real, calls), random: seededRng(1), options: { answerUnaddressed } });
    const replies: string[] = [];
    const say = (text: string, extra: Partial<ChatMessage> = {}) => bot.handle({
      platform: 'twitch', channel: 'somechannel', direct: false, user: { platformId: 'v1', displayName: 'Viewer', roles: [] }, text, time: new Date(), ...extra,
    }, { send: async (r) => void replies.push(r.text), ...(backlogged ? { backlogged } : {}) });
    return { real, calls, nlu, say, replies };
  }

  it('unaddressed lines in a channel that does not answer them: no NLU call, no store call, no reply', async () => {
    const { real, calls, nlu, say, replies } = await setup(false);
    try {
      calls.length = 0;
      for (const t of noise) await say(t);
      assert.deepEqual(nlu.calls, []);
      assert.deepEqual(calls, []);
      assert.deepEqual(replies, []);
      // The same channel still answers an addressed request and a command (so the counters can see calls).
      await say('@crossfeed any python course for beginners?', { mentionsBot: true });
      await say('!points');
      assert.equal(nlu.calls.length, 2);
      assert.ok((calls as string[]).includes('conversations.append'), calls.join(', '));
      assert.equal(replies.length, 2);
    } finally {
      await real.close();
    }
  });

  it('while an answer could not reach the channel in time (Outbound.backlogged), unaddressed lines reach no model; addressed ones still do', async () => {
    let full = true;
    const asked: boolean[] = [];
    const { real, calls, nlu, say, replies } = await setup(true, () => (asked.push(full), full));
    try {
      calls.length = 0;
      for (const t of noise) await say(t);
      assert.deepEqual(nlu.calls, [], 'a channel that answers unaddressed requests leaves them unread while backlogged');
      assert.deepEqual(calls, []);
      assert.deepEqual(replies, []);
      assert.equal(asked.length, noise.length);
      await say('@crossfeed any python course for beginners?', { mentionsBot: true });
      assert.equal(nlu.calls.length, 1, 'an addressed request is still read (it may opt out, ask for a person)');
      assert.equal(asked.length, noise.length, 'and the outbound is not asked for it');
      full = false;
      await say('any python course for beginners?');
      assert.equal(nlu.calls.length, 2, 'once answers can go out in time, unaddressed requests are read again');
      assert.equal(replies.length, 2);
    } finally {
      await real.close();
    }
  });

  it('unaddressed noise in a channel that answers requests: the NLU reads it, the store is not touched', async () => {
    const { real, calls, nlu, say, replies } = await setup(true);
    try {
      calls.length = 0;
      for (const t of ['LUL that clutch was insane', 'gg wp', '主播这波操作太秀了']) await say(t);
      assert.equal(nlu.calls.length, 3);
      assert.deepEqual(calls, []);
      assert.deepEqual(replies, []);
    } finally {
      await real.close();
    }
  });
});
