import assert from 'node:assert/strict';
import { sleep, twitchHarness, viewer, BOT_LOGIN } from '../helpers/twitch-harness.js';

type Harness = Awaited<ReturnType<typeof twitchHarness>>;

describe('adapters/twitch against the local Twitch server (real tmi.js)', function () {
  this.timeout(30_000);
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('answers a command and a mention in a threaded reply, and stays quiet on chat noise', async () => {
    h = await twitchHarness({ channels: ['streamer'] });
    const noise = ['gg', 'LUL LUL', 'what game is this', '!so someoneelse', 'Kappa'].map((t) => h!.server.say('streamer', viewer(), t));
    const ask = h.server.say('streamer', viewer('alice'), '!course python');
    const mention = h.server.say('streamer', viewer('bob'), '@crossfeed any coupon for pizza?');
    await h.server.waitFor(() => h!.answersTo(ask).length && h!.answersTo(mention).length, 5_000, 'both answered');
    await sleep(300);
    const [answer] = h.answersTo(ask);
    assert.match(answer?.text ?? '', /^@alice /);
    assert.match(answer?.text ?? '', /python/i);
    for (const id of noise) assert.equal(h.answersTo(id).length, 0, 'noise gets no answer');
    assert.equal(h.server.sent.length, 2);
    assert.deepEqual(h.server.violations, []);
  });

  it('answers a reply to its own message and honours a channel\'s own command prefix', async () => {
    h = await twitchHarness({ channels: ['prefixed'] });
    const first = h.server.say('prefixed', viewer('carol'), '!course python');
    const answer = await h.server.waitFor(() => h!.answersTo(first)[0], 5_000, 'first answer');
    const followUp = h.server.say('prefixed', viewer('carol'), 'cheaper?', {
      replyParent: { msgId: answer.id, userLogin: BOT_LOGIN, userId: '1', displayName: BOT_LOGIN, body: answer.text },
    });
    await h.server.waitFor(() => h!.answersTo(followUp).length, 5_000, 'reply to the bot answered');
    assert.deepEqual(h.server.violations, []);
  });

  it('as a plain viewer keeps 20 per 30 s across channels: a burst of questions never trips the limit, the rest is dropped and counted', async () => {
    const channels = Array.from({ length: 30 }, (_, i) => `chan${i}`);
    h = await twitchHarness({ channels, adapter: { maxAnswerAgeMs: 1_000 } });
    const asked = channels.map((c) => h!.server.say(c, viewer(), '!course python'));
    await h.server.waitFor(() => {
      const s = h!.adapter.stats();
      return s.sent + s.dropped.stale === asked.length;
    }, 15_000, 'every question answered or dropped');
    const s = h.adapter.stats();
    assert.ok(s.sent >= 18, `sent ${s.sent}`);
    assert.ok(s.dropped.stale > 0, 'some answers went stale rather than late');
    assert.deepEqual(h.server.violations, []);
    for (const id of asked) assert.ok(h.answersTo(id).length <= 1, 'never answered twice');
  });

  it('learns moderator status from USERSTATE and only then uses the higher limit', async () => {
    h = await twitchHarness({ channels: ['modded'], server: { botRoles: { modded: { [BOT_LOGIN]: { moderator: true } } } } });
    const asked = Array.from({ length: 40 }, () => h!.server.say('modded', viewer(), '!course python'));
    await h.server.waitFor(() => h!.adapter.stats().sent + h!.adapter.stats().dropped.stale === asked.length, 10_000, 'all handled');
    assert.ok(h.adapter.stats().sent > 20, `as moderator more than 20 went out (${h.adapter.stats().sent})`);
    // Demote only once the server has every line the bot sent as moderator: a demotion racing lines
    // still on the wire would count them against the lower limit, which no client can know about.
    await h.server.waitFor(() => h!.server.sent.length + h!.server.violations.length >= h!.adapter.stats().sent, 10_000, 'moderator lines arrived');
    assert.deepEqual(h.server.violations, []);
    // Demoted: the 20 limit applies again, counting the messages already sent in the window.
    h.server.setBotRole('modded', BOT_LOGIN, { moderator: false });
    await sleep(100);
    const more = Array.from({ length: 10 }, () => h!.server.say('modded', viewer(), '!coupon'));
    await h.server.waitFor(() => more.every((id) => h!.answersTo(id).length > 0) || h!.adapter.stats().dropped.stale > 0 || h!.server.violations.length > 0, 10_000, 'after demotion');
    await sleep(500);
    assert.deepEqual(h.server.violations, []);
  });

  it('waits out slow mode and keeps 1 s between messages in a channel where it is not privileged', async () => {
    h = await twitchHarness({ channels: ['slowroom'], server: { rooms: { slowroom: { slowSeconds: 1 } } }, adapter: { maxAnswerAgeMs: 5_000 } });
    const asked = Array.from({ length: 3 }, () => h!.server.say('slowroom', viewer(), '!course python'));
    await h.server.waitFor(() => asked.every((id) => h!.answersTo(id).length === 1), 8_000, 'all three answered');
    const times = h.server.sent.map((m) => m.at);
    for (let i = 1; i < times.length; i++) assert.ok((times[i] ?? 0) - (times[i - 1] ?? 0) >= 1_000, 'slow mode respected');
    assert.deepEqual(h.server.violations, []);
  });

  for (const [mode, state, reason] of [
    ['emote-only', { emoteOnly: true }, 'emote_only'],
    ['followers-only', { followersOnlyMinutes: 10 }, 'followers_only'],
  ] as const) {
    it(`does not post in ${mode} rooms: the answer is dropped and counted`, async () => {
      h = await twitchHarness({ channels: ['room'], server: { rooms: { room: state } } });
      h.server.say('room', viewer(), '!course python');
      await h.server.waitFor(() => h!.adapter.stats().dropped[reason] === 1, 5_000, `${reason} drop`);
      assert.equal(h.server.sent.length, 0);
      assert.deepEqual(h.server.violations, []);
    });
  }

  it('never sends the same text twice within 30 s in a channel', async () => {
    h = await twitchHarness({ channels: ['dupes'] });
    const v = viewer('dave');
    const a = h.server.say('dupes', v, '!help');
    await h.server.waitFor(() => h!.answersTo(a).length, 5_000, 'first');
    const b = h.server.say('dupes', v, '!help');
    await h.server.waitFor(() => h!.adapter.stats().dropped.duplicate === 1 || h!.answersTo(b).length, 5_000, 'second handled');
    assert.equal(h.adapter.stats().dropped.duplicate, 1);
    assert.deepEqual(h.server.violations, []);
  });

  it('follows RECONNECT: one live socket at a time, channels rejoined, answers resume', async () => {
    h = await twitchHarness({ channels: ['a1', 'a2', 'a3'] });
    h.server.sendReconnect();
    await h.server.waitFor(() => h!.adapter.stats().sessions === 2 && h!.adapter.connection.connected, 5_000, 'reconnected');
    await h.allJoined();
    const id = h.server.say('a2', viewer(), '!course python');
    await h.server.waitFor(() => h!.answersTo(id).length, 5_000, 'answer after reconnect');
    assert.equal(h.server.maxConcurrentConnections(BOT_LOGIN), 1);
  });

  it('reconnects when the server stops answering PING', async () => {
    h = await twitchHarness({ channels: ['quiet'], adapter: { connection: { reconnectInitialMs: 50, reconnectMaxMs: 200, pingIntervalMs: 200, pingTimeoutMs: 200, joinTimeoutMs: 1_000 } } });
    h.server.ignorePings(true);
    await h.server.waitFor(() => h!.adapter.stats().sessions >= 2, 5_000, 'ping timeout noticed');
    h.server.ignorePings(false);
    await h.server.waitFor(() => h!.adapter.connection.connected, 5_000, 'connected again');
    await h.allJoined();
    assert.equal(h.server.maxConcurrentConnections(BOT_LOGIN), 1);
  });

  it('survives malformed lines, hostile and huge messages, and keeps serving other channels', async () => {
    h = await twitchHarness({ channels: ['one', 'two'] });
    h.server.sendRaw(':::: @@@ garbage');
    h.server.sendRaw('@badges=;;;=== :x!x@x PRIVMSG');
    h.server.sendRaw('PRIVMSG #one');
    h.server.say('one', viewer(), '!course ' + 'x'.repeat(100_000));
    h.server.say('one', viewer(), '!course \u{E0000}\u200B<script>alert(1)</script> /ban everyone');
    const ok = h.server.say('two', viewer(), '!course python');
    await h.server.waitFor(() => h!.answersTo(ok).length, 5_000, 'other channel still served');
    await sleep(300);
    assert.deepEqual(h.server.violations, []);
    assert.ok(h.server.sent.every((m) => !m.text.includes('\n') && !m.text.startsWith('/')));
    assert.deepEqual(h.errors, []);
  });

  it('joins and leaves channels at run time', async () => {
    h = await twitchHarness({ channels: ['home'] });
    h.adapter.join('#NewChannel');
    await h.server.waitFor(() => h!.server.joinedChannels(BOT_LOGIN).has('newchannel'), 5_000, 'joined');
    const id = h.server.say('newchannel', viewer(), '!course python');
    await h.server.waitFor(() => h!.answersTo(id).length, 5_000, 'answered in the new channel');
    h.adapter.part('newchannel');
    await h.server.waitFor(() => !h!.server.joinedChannels(BOT_LOGIN).has('newchannel'), 5_000, 'left');
    assert.deepEqual(h.server.violations, []);
  });

  it('one flooding viewer gets a few answers a minute and can\'t starve the channel', async () => {
    h = await twitchHarness({ channels: ['flood'], adapter: { answersPerUserPerMinute: 4, inboundPerUserPerMinute: 30 } });
    const spammer = viewer('spammer');
    for (let i = 0; i < 200; i++) h.server.say('flood', spammer, `!course python ${i}`);
    const other = h.server.say('flood', viewer('patient'), '!coupon pizza');
    await h.server.waitFor(() => h!.answersTo(other).length, 10_000, 'the other viewer answered');
    await h.server.waitFor(() => h!.adapter.stats().handling === 0 && h!.adapter.stats().queued === 0, 10_000, 'settled');
    const s = h.adapter.stats();
    assert.equal(s.flooded, 170, 'messages beyond 30 a minute ignored');
    const toSpammer = h.server.sent.filter((m) => m.text.startsWith('@spammer')).length;
    assert.ok(toSpammer >= 1 && toSpammer + s.dropped.duplicate <= 4, `answers to the spammer: ${toSpammer} sent, ${s.dropped.duplicate} identical ones dropped`);
    assert.deepEqual(h.server.violations, []);
  });
});
