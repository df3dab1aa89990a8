import assert from 'node:assert/strict';
import { compose } from '../../bot/composer.js';
import type { BotContext } from '../../bot/context.js';
import type { ChatMessage, Reply } from '../../bot/message.js';
import { gate } from '../../bot/stages/gate.js';
import { DefaultChannelPolicy } from '../../bot/channel-policy.js';

async function run(text: string, extra: Partial<ChatMessage> = {}, prefix = '!') {
  const sent: Reply[] = [];
  let reached: BotContext | undefined;
  const message: ChatMessage = { platform: 'twitch', channel: '#c', user: { platformId: '1', displayName: 'v', roles: [] },
    text, time: new Date(), direct: false, ...extra };
  const ctx: BotContext = { message, out: { send: async (r) => void sent.push(r) }, text: '', addressed: 'maybe',
    policy: { ...DefaultChannelPolicy, commandPrefix: prefix } };
  await compose<BotContext>([gate({ botNames: ['crossfeed', 'cf'] }), async (c) => void (reached = c)])(ctx);
  // The gate sets a reply; bot/respond.ts is the one step that sends it.
  if (ctx.reply) sent.push(ctx.reply);
  return { reached, sent };
}

describe('bot/stages/gate', () => {
  it('passes plain chat on as "maybe" with cleaned text', async () => {
    const { reached } = await run('gg\u200B wp\u{E0000}');
    assert.equal(reached?.addressed, 'maybe');
    assert.equal(reached?.text, 'gg wp');
  });

  it('marks mentions, replies to the bot and direct chats as addressed and strips a leading mention', async () => {
    assert.deepEqual([(await run('@crossfeed python course?')).reached?.text, (await run('@crossfeed python course?')).reached?.addressed], ['python course?', 'yes']);
    assert.equal((await run('CF: hi')).reached?.text, 'hi');
    assert.equal((await run('hey @cf any coupons')).reached?.addressed, 'yes');
    assert.equal((await run('thanks', { replyTo: { messageId: 'm', isBot: true } })).reached?.addressed, 'yes');
    assert.equal((await run('hello', { direct: true })).reached?.addressed, 'yes');
    assert.equal((await run('@crossfeedfan hi')).reached?.addressed, 'maybe', 'a longer name is someone else');
  });

  it('recognizes our commands, survives the invisible suffix chat clients add, and ignores other bots\' commands', async () => {
    const { reached } = await run('!course\u{E0000} python beginner');
    assert.deepEqual(reached?.command, { name: 'course', args: 'python beginner' });
    assert.equal((await run('!sr never gonna give you up')).reached, undefined);
  });

  it('drops empty messages silently and refuses oversized direct messages politely', async () => {
    assert.deepEqual(await run('   \u200B '), { reached: undefined, sent: [] });
    const big = await run('x'.repeat(5000), { direct: true });
    assert.equal(big.reached, undefined);
    assert.match(big.sent[0]!.text, /too long/);
    assert.deepEqual((await run('x'.repeat(5000))).sent, [], 'never spams group chat about it');
  });

  it('lets a bare mention through as a greeting', async () => {
    assert.equal((await run('@crossfeed')).reached?.text, 'hi');
  });
});
