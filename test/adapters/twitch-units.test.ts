import assert from 'node:assert/strict';
import type Bottleneck from 'bottleneck';
import type tmi from 'tmi.js';
import type { Card } from '../../bot/message.js';
import { ChannelStates, roomBlocks } from '../../adapters/twitch/channel-state.js';
import { chatSafe } from '../../adapters/twitch/connection.js';
import { toChatMessage } from '../../adapters/twitch/normalize.js';
import { PerUserQuota } from '../../adapters/twitch/per-user-quota.js';
import { planFor } from '../../adapters/twitch/plan.js';
import { renderForChat } from '../../adapters/twitch/render.js';
import { scaleRules, TwitchChatRules } from '../../adapters/twitch/rules.js';
import { TwitchScheduler, type ChatTransport, type OutboundLine } from '../../adapters/twitch/scheduler.js';
import { SlidingWindow } from '../../adapters/twitch/sliding-window.js';
import { splitForChat } from '../../adapters/twitch/split.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(ok: () => boolean): Promise<void> {
  for (let i = 0; !ok(); i++) await (i < 500 ? sleep(2) : Promise.reject(new Error('condition not reached in time')));
}
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

describe('adapters/twitch units', () => {
  it('SlidingWindow counts (now - window, now] and says exactly when the next event may go', () => {
    const w = new SlidingWindow(30_000);
    for (let t = 0; t < 20_000; t += 1000) w.record(t);
    assert.equal(w.waitFor(20, 19_500), 10_500, 'the oldest (t=0) leaves at 30000');
    assert.equal(w.waitFor(18, 19_500), 12_500, 'three must leave; the third (t=2000) leaves at 32000');
    assert.equal(w.waitFor(21, 19_500), 0);
    assert.equal(w.waitFor(0, 19_500), Number.POSITIVE_INFINITY);
    assert.equal(w.count(29_999), 20);
    assert.equal(w.count(30_000), 19, 'an event leaves exactly at t + window');
    assert.equal(w.waitFor(20, 30_000), 0);
    assert.equal(w.count(48_999), 1);
    assert.equal(w.count(49_000), 0);
  });

  it('splitForChat keeps parts within 500 UTF-16 units, at spaces, whole surrogate pairs and CJK punctuation', () => {
    const words = 'lorem ipsum dolor sit amet consectetur '.repeat(30).trim();
    const parts = splitForChat(words, 500);
    assert.ok(parts.length === 3 && parts.every((p) => p.length <= 500 && p === p.trim()));
    assert.equal(parts.join(' '), words, 'nothing lost, no word cut');
    const emoji = splitForChat('a' + '😀'.repeat(300), 500);
    assert.equal(emoji[0]!.length, 499, 'the 250th emoji would straddle the limit');
    assert.ok(emoji.every((p) => !LONE_SURROGATE.test(p)));
    assert.equal(emoji.join(''), 'a' + '😀'.repeat(300));
    const cjk = splitForChat('今天我们一起学习编程吧。'.repeat(50), 500);
    assert.deepEqual(cjk.map((p) => p.length), [492, 108]);
    assert.ok(cjk.every((p) => p.endsWith('。')));
    const capped = splitForChat('word '.repeat(400), 500, 2);
    assert.equal(capped.length, 2);
    assert.ok(capped[1]!.endsWith('…') && capped[1]!.length <= 500);
    assert.deepEqual(splitForChat('', 500), []);
    assert.deepEqual(splitForChat('  \n ', 500), []);
    assert.deepEqual(splitForChat(' hi there ', 500), ['hi there']);
  });

  describe('toChatMessage', () => {
    const at = new Date(0);
    const msg = (tags: tmi.ChatUserstate, text = 'hi', channel = 'streamer') => toChatMessage(channel, tags, text, 'crossfeed', at);

    it('maps tmi.js tags onto the one message shape, with roles', () => {
      const m = msg({ username: 'Alice', 'user-id': '42', 'display-name': 'Alice_', id: 'm-1', badges: { moderator: '1', subscriber: '12' }, mod: true });
      assert.deepEqual({ ...m, user: { ...m.user } }, {
        platform: 'twitch', channel: 'streamer', text: 'hi', time: at, direct: false, mentionsBot: false, id: 'm-1',
        user: { platformId: '42', displayName: 'Alice_', roles: ['moderator', 'subscriber'] },
      });
      assert.deepEqual(msg({ username: 'streamer' }).user.roles, ['broadcaster'], 'the channel owner, badge or not');
      assert.deepEqual(msg({ username: 'v', badges: { vip: '1' } }).user.roles, ['vip']);
      assert.deepEqual(msg({ username: 'm', mod: true }).user.roles, ['moderator']);
      assert.deepEqual(msg({ username: 'f', badges: { founder: '0' } }).user.roles, ['subscriber']);
      assert.deepEqual(msg({ username: 'nobody', badges: {} }).user, { platformId: 'nobody', displayName: 'nobody', roles: [] });
    });

    it('strips invisible characters (U+E0000, zero-width), marks replies to the bot and removes the "@bot " Twitch puts in front of them', () => {
      const toBot = msg({ username: 'a', 'reply-parent-msg-id': 'p1', 'reply-parent-user-login': 'CrossFeed' }, '@crossfeed thanks!');
      assert.deepEqual([toBot.text, toBot.replyTo], ['thanks!', { messageId: 'p1', isBot: true }]);
      const toOther = msg({ username: 'a', 'reply-parent-msg-id': 'p2', 'reply-parent-user-login': 'bob' }, '@bob thanks');
      assert.deepEqual([toOther.text, toOther.replyTo, toOther.mentionsBot], ['@bob thanks', { messageId: 'p2', isBot: false }, false]);
      assert.equal(msg({ username: 'a' }, 'hi').replyTo, undefined);
      assert.equal(msg({ username: 'a' }, '!course\u{E0000} py\u200Bthon\u2060').text, '!course python');
    });

    it('sees a mention of the bot but not of a longer name', () => {
      assert.equal(msg({ username: 'a' }, 'hey @crossfeed any course?').mentionsBot, true);
      assert.equal(msg({ username: 'a' }, '@CrossFeed, coupon').mentionsBot, true);
      assert.equal(msg({ username: 'a' }, '@crossfeedfan hi').mentionsBot, false);
    });
  });

  it('ChannelStates learns standing and room modes from raw tag strings; roomBlocks says why it cannot post', () => {
    const s = new ChannelStates();
    s.applyUserState('#Chan', { badges: 'moderator/1', mod: '1' });
    s.applyUserState('v', { badges: 'vip/1' });
    s.applyUserState('m', { badges: '', mod: '1' });
    assert.deepEqual([s.get('chan').privileged, s.get('v').privileged, s.get('m').privileged], [true, true, true]);
    s.applyUserState('chan', { badges: 'subscriber/12', mod: '0' });
    assert.equal(s.get('chan').privileged, false);
    s.applyRoomState('chan', { slow: '10', 'emote-only': '0', 'followers-only': '-1', 'subs-only': '0', r9k: '0' });
    assert.deepEqual(s.get('chan').room, { slowSeconds: 10, emoteOnly: false, followersOnlyMinutes: -1, subsOnly: false, uniqueChat: false });
    assert.equal(roomBlocks(s.get('chan')), undefined);
    s.applyRoomState('chan', { 'emote-only': '1' });
    assert.deepEqual([s.get('chan').room.slowSeconds, s.get('chan').room.emoteOnly], [10, true], 'a partial ROOMSTATE keeps the rest');
    assert.equal(roomBlocks(s.get('chan')), 'emote_only');
    s.applyRoomState('chan', { 'emote-only': '0', 'followers-only': '0' });
    assert.equal(roomBlocks(s.get('chan')), 'followers_only', '0 minutes still means followers only');
    s.applyRoomState('chan', { 'followers-only': '-1', 'subs-only': '1' });
    assert.equal(roomBlocks(s.get('chan')), 'subs_only');
    s.applyUserState('chan', { badges: 'broadcaster/1' });
    assert.equal(roomBlocks(s.get('chan')), undefined, 'privileged posts in any mode');
    s.resetStanding();
    assert.deepEqual([s.get('chan').privileged, s.get('chan').room.subsOnly, s.get('chan').room.slowSeconds, s.get('v').privileged], [false, false, 0, false]);
  });

  it('renderForChat labels sponsored cards, keeps the insurance disclosure and prefixes the mention', () => {
    const course: Card = { kind: 'course', id: 'c', title: 'Python 101', price: 19, currency: 'USD', priceLabel: '$19', level: 'beginner', link: 'https://x.test/c', sponsored: true };
    const plain: Card = { ...course, id: 'd', title: 'Go', sponsored: false, priceLabel: 'free' };
    const insurance: Card = { kind: 'insurance', id: 'i', title: 'Laptop cover', price: 5, currency: 'USD', priceLabel: '$5/mo', link: 'https://x.test/i', sponsored: true, disclosure: 'Ad. Underwritten by Acme.' };
    assert.equal(renderForChat({ text: ' Try: ', cards: [course, plain, insurance] }, 'Viewer'),
      '@Viewer Try: | [Sponsored] · Python 101 · $19 · beginner · https://x.test/c | Go · free · beginner · https://x.test/c'
      + ' | [Sponsored] · Laptop cover · $5/mo · https://x.test/i (Ad. Underwritten by Acme.)');
    assert.equal(renderForChat({ text: 'ok', cards: [] }, undefined), 'ok');
  });

  it('chatSafe removes line breaks, NUL and leading command characters', () => {
    assert.equal(chatSafe('a\r\nb\u0000c\nd'), 'a b c d');
    assert.equal(chatSafe('/ban someone'), 'ban someone');
    assert.equal(chatSafe('.timeout x 600'), 'timeout x 600');
    assert.equal(chatSafe('\\\\/me hi'), 'me hi');
    assert.equal(chatSafe('\n/ban someone'), 'ban someone', 'a line break in front must not shield the slash');
    assert.equal(chatSafe(' . /ban someone'), 'ban someone');
    assert.equal(chatSafe('price 1.5/mo'), 'price 1.5/mo');
  });

  it('PerUserQuota admits perMinute events per viewer and channel in any minute', () => {
    let now = 1_000;
    const q = new PerUserQuota(2, () => now);
    const m = (user: string, channel = 'c') => ({ platform: 'twitch' as const, channel, text: '', time: new Date(0), direct: false, user: { platformId: user, displayName: user, roles: [] } });
    assert.equal(q.admit(m('u')), true);
    now = 2_000;
    assert.deepEqual([q.admit(m('u')), q.admit(m('u'))], [true, false]);
    assert.deepEqual([q.admit(m('v')), q.admit(m('u', 'other'))], [true, true], 'other viewers and channels have their own share');
    now = 60_999;
    assert.equal(q.admit(m('u')), false);
    now = 61_000;
    assert.deepEqual([q.admit(m('u')), q.admit(m('u'))], [true, false], 'the first one left exactly a minute later, the second has not');
    now = 62_000;
    assert.equal(q.admit(m('u')), true);
    assert.equal(q.refused, 3);
  });

  describe('TwitchScheduler', () => {
    const plan = planFor(scaleRules(TwitchChatRules, 0.01));
    const running: TwitchScheduler[] = [];
    afterEach(async () => void (await Promise.all(running.splice(0).map((s) => s.stop()))));

    /** Records sends; `connected` stands for connected and joined everywhere. */
    class FakeTransport implements ChatTransport {
      readonly sent: { channel: string; text: string; at: number }[] = [];
      private readonly waiters = new Set<() => void>();
      constructor(public connected: boolean, private readonly clock: () => number) {}
      setConnected(live: boolean): void {
        this.connected = live;
        if (live) for (const w of [...this.waiters]) w();
      }
      canSend = (): boolean => this.connected;
      whenReady(_channel: string, signal: AbortSignal): Promise<void> {
        if (this.connected) return Promise.resolve();
        return new Promise((resolve, reject) => {
          const done = () => void (this.waiters.delete(done), signal.removeEventListener('abort', abort), resolve());
          const abort = () => void (this.waiters.delete(done), reject(signal.reason));
          // As the real connection does: a signal aborted already rejects at once.
          if (signal.aborted) return abort();
          this.waiters.add(done);
          signal.addEventListener('abort', abort, { once: true });
        });
      }
      send = (channel: string, text: string): void => void this.sent.push({ channel, text, at: this.clock() });
    }

    function setup(o: { connected?: boolean; maxAnswerAgeMs?: number } = {}) {
      let last = 0;
      // The transport records the very time the scheduler planned the send with.
      const now = () => (last = Date.now());
      const transport = new FakeTransport(o.connected ?? true, () => last);
      const channels = new ChannelStates();
      const scheduler = new TwitchScheduler(transport, channels, { plan, maxAnswerAgeMs: o.maxAnswerAgeMs ?? 5_000, maxPromotionAgeMs: 5_000, now });
      running.push(scheduler);
      const send = (channel: string, text: string, kind: OutboundLine['kind'] = 'answer', createdAt = Date.now()) =>
        scheduler.enqueue({ channel, text, kind, createdAt });
      return { transport, channels, scheduler, send, texts: () => transport.sent.map((s) => s.text) };
    }

    it('sends answers before queued promotions, in a channel and across channels', async () => {
      const { transport, scheduler, send, texts } = setup({ connected: false });
      const lane = [send('c', 'p1', 'promotion'), send('c', 'p2', 'promotion'), send('c', 'a1'), send('c', 'a2')];
      // Bottleneck hands jobs on through several timer ticks: wait until each line really is where it should be.
      const { account, lanes } = scheduler as unknown as { account: Bottleneck; lanes: Map<string, Bottleneck> };
      await until(() => account.counts().EXECUTING === 1 && lanes.get('c')?.counts().QUEUED === 3);
      const across = [send('d', 'p3', 'promotion'), send('e', 'a3')];
      await until(() => account.counts().QUEUED === 2);
      transport.setConnected(true);
      assert.deepEqual(await Promise.all([...lane, ...across]), Array(6).fill('sent'));
      const order = texts();
      assert.deepEqual(order.filter((t) => ['p1', 'a1', 'a2', 'p2'].includes(t)), ['p1', 'a1', 'a2', 'p2'], 'p1 was already waiting for the connection');
      assert.ok(order.indexOf('a3') < order.indexOf('p3'), order.join());
    });

    it('drops answers that are already too old or would have to wait past their age', async () => {
      const { send, scheduler, transport } = setup({ maxAnswerAgeMs: 5_000 });
      assert.equal(await send('c', 'late', 'answer', Date.now() - 5_001), 'stale');
      await Promise.all(Array.from({ length: plan.userLimit }, (_, i) => send(`ch${i}`, `fill ${i}`)));
      assert.equal(scheduler.sentInWindow(), plan.userLimit);
      const started = Date.now();
      assert.equal(await send('x', 'needs a window', 'answer', Date.now() - 4_950), 'stale');
      assert.ok(Date.now() - started < 200, 'dropped at once, not after waiting for the window');
      assert.equal(scheduler.stats.dropped.stale, 2);
      assert.equal(transport.sent.length, plan.userLimit);
    });

    it('drops a duplicate in the same channel unless privileged, and drops lines in emote-only and followers-only rooms', async () => {
      const { send, channels, scheduler, texts } = setup();
      assert.deepEqual(await Promise.all([send('c', 'same'), send('c', 'same'), send('d', 'same')]), ['sent', 'duplicate', 'sent']);
      channels.applyUserState('m', { badges: 'moderator/1' });
      assert.deepEqual(await Promise.all([send('m', 'same'), send('m', 'same')]), ['sent', 'sent']);
      channels.applyRoomState('e', { 'emote-only': '1' });
      channels.applyRoomState('f', { 'followers-only': '10' });
      assert.deepEqual(await Promise.all([send('e', 'x'), send('f', 'y')]), ['emote_only', 'followers_only']);
      channels.applyRoomState('m', { 'emote-only': '1' });
      assert.equal(await send('m', 'mod speaks'), 'sent');
      assert.deepEqual(texts(), ['same', 'same', 'same', 'same', 'mod speaks']);
      assert.deepEqual([scheduler.stats.sent, scheduler.stats.dropped.duplicate, scheduler.stats.dropped.emote_only], [5, 1, 1]);
    });

    it('keeps the channel gap where it is a plain user and skips it (and slow mode) where privileged', async () => {
      const { send, channels, transport } = setup();
      await Promise.all([send('c', 'one'), send('c', 'two')]);
      channels.applyRoomState('m', { slow: '1' });
      channels.applyUserState('m', { badges: 'vip/1' });
      await Promise.all([send('m', 'one'), send('m', 'two'), send('m', 'three')]);
      const at = (channel: string) => transport.sent.filter((s) => s.channel === channel).map((s) => s.at);
      const [c1 = 0, c2 = 0] = at('c');
      assert.ok(c2 - c1 >= plan.channelGapMs, `${c2 - c1} ms`);
      const m = at('m');
      assert.ok(m.length === 3 && m[2]! - m[0]! < 500, `slow mode (1 s) does not apply: ${m.join()}`);
    });

    it('waits while disconnected and sends on reconnect, or drops what went stale meanwhile', async () => {
      const a = setup({ connected: false, maxAnswerAgeMs: 1_000 });
      const waiting = a.send('c', 'held');
      await sleep(30);
      assert.equal(a.transport.sent.length, 0);
      const reconnectedAt = Date.now();
      a.transport.setConnected(true);
      assert.equal(await waiting, 'sent');
      assert.ok(a.transport.sent[0]!.at >= reconnectedAt);
      const b = setup({ connected: false, maxAnswerAgeMs: 40 });
      const late = b.send('c', 'too late');
      await sleep(80);
      b.transport.setConnected(true);
      assert.equal(await late, 'stale');
      await sleep(5);
      assert.equal(b.transport.sent.length, 0);
    });

    it('stop() resolves every queued line with "stopped"', async () => {
      const { send, scheduler, transport } = setup({ connected: false });
      const queued = [send('c', '1'), send('c', '2'), send('c', '3'), send('d', '4')];
      await sleep(5);
      await scheduler.stop();
      assert.deepEqual(await Promise.all(queued), ['stopped', 'stopped', 'stopped', 'stopped']);
      assert.equal(scheduler.stats.dropped.stopped, 4);
      transport.setConnected(true);
      assert.equal(await send('c', 'after'), 'stopped');
      assert.equal(transport.sent.length, 0);
    });

    it(`never sends more than userLimit within any windowMs span`, async () => {
      const { send, transport, scheduler } = setup();
      const outcomes = await Promise.all(Array.from({ length: 40 }, (_, i) => send(`c${i % 4}`, `line ${i}`)));
      assert.deepEqual(outcomes, Array(40).fill('sent'));
      const times = transport.sent.map((s) => s.at);
      for (const t of times) {
        const inSpan = times.filter((u) => u >= t && u < t + plan.windowMs).length;
        assert.ok(inSpan <= plan.userLimit, `${inSpan} sends in [${t}, ${t + plan.windowMs})`);
      }
      assert.ok(times[plan.userLimit]! - times[0]! >= plan.windowMs);
      assert.equal(scheduler.sentInWindow() <= plan.userLimit, true);
    });

    it('answerWaitMs plays the queued answers forward: channel gap, account window, answers too late to take a slot, Infinity past the deadline', async () => {
      // Twitch's real rules and a clock that stands still; nothing is sent (not connected), so every answer stays queued.
      const real = planFor(TwitchChatRules); // window 31.5 s, 18 lines a window, 1.2 s between lines in a channel
      const t = 1_000_000;
      const channels = new ChannelStates();
      const scheduler = new TwitchScheduler(new FakeTransport(false, () => t), channels, { plan: real, maxAnswerAgeMs: 20_000, maxPromotionAgeMs: 60_000, now: () => t });
      running.push(scheduler);
      const queue = (channel: string, n: number, createdAt = t) => {
        for (let i = 0; i < n; i++) void scheduler.enqueue({ channel, text: `${channel} ${i}`, kind: 'answer', createdAt });
      };
      assert.equal(scheduler.answerWaitMs('c', t), 0, 'nothing queued');
      queue('c', 10);
      assert.equal(scheduler.answerWaitMs('#C', t), 10 * real.channelGapMs, 'ten answers ahead, a gap each');
      queue('other', 30);
      assert.equal(scheduler.answerWaitMs('c', t), 12_000, 'other channels are not counted (they only make it later)');
      queue('c', 7, t);
      assert.equal(scheduler.answerWaitMs('c', t), Number.POSITIVE_INFINITY, '17 ahead: its slot (20.4 s) is past its 20 s');
      assert.equal(scheduler.answerWaitMs('c', t + 1_000), 20_400, 'a message that arrived later may still wait 20.4 s');
      queue('late', 10, t - 19_000);
      assert.equal(scheduler.answerWaitMs('late', t), real.channelGapMs, 'of ten answers with 1 s left only the first takes a slot');
      channels.applyUserState('mod', { badges: 'moderator/1' });
      queue('mod', real.privilegedLimit);
      assert.equal(scheduler.answerWaitMs('mod', t), Number.POSITIVE_INFINITY, 'privileged: no gap, but the window is full for 31.5 s');
      channels.applyUserState('mod2', { badges: 'moderator/1' });
      queue('mod2', real.privilegedLimit - 1);
      assert.equal(scheduler.answerWaitMs('mod2', t), 0, 'privileged, one line left in the window');
    });
  });
});
