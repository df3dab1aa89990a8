import assert from 'node:assert/strict';
import { BOT_LOGIN, sleep, twitchHarness, viewer } from '../helpers/twitch-harness.js';

const NOISE = ['gg', 'LUL', 'KEKW', 'Pog', 'what rank is he', 'first time here', 'lmao that play', '!so otherstreamer', 'Kappa Kappa', '哈哈哈', '666', 'is this live?'];
const QUESTIONS = ['!course python', '@crossfeed any coupon for pizza?', '!course javascript for beginners', '@crossfeed 有没有python入门课'];

/**
 * The acceptance load, with every duration scaled to a twentieth (rules and plan alike):
 * 50 channels, 10,000 messages in bursts with questions mixed in, 10 forced disconnects.
 */
describe('e2e: Twitch under load (real tmi.js against the rule-enforcing local server)', function () {
  this.timeout(120_000);

  it('10,000 messages in 50 channels with 10 forced disconnects: zero violations, every question answered once or dropped and counted', async () => {
    const channels = Array.from({ length: 50 }, (_, i) => `stream${i}`);
    const received: string[] = [];
    const h = await twitchHarness({ channels, adapter: { maxAnswerAgeMs: 1_500, onMessage: (m) => void (QUESTIONS.includes(m.text) && m.id && received.push(m.id)) } });
    try {
      const asked: string[] = [];
      let total = 0;
      let disconnects = 0;
      for (let burst = 0; burst < 20; burst++) {
        for (let i = 0; i < 500; i++) {
          const channel = channels[(burst * 7 + i) % channels.length] ?? 'stream0';
          const isQuestion = i % 20 === 3;
          const text = isQuestion ? QUESTIONS[i % QUESTIONS.length] ?? '!course python' : NOISE[(i + burst) % NOISE.length] ?? 'gg';
          const id = h.server.say(channel, viewer(), text);
          total++;
          if (isQuestion) asked.push(id);
        }
        if (burst % 2 === 1) {
          const sessions = h.adapter.stats().sessions;
          h.server.dropConnections();
          disconnects++;
          await h.server.waitFor(() => h.adapter.stats().sessions > sessions && h.adapter.connection.connected, 10_000, `reconnect ${disconnects}`);
          await h.allJoined();
        }
        await sleep(50);
      }
      assert.equal(total, 10_000);
      assert.equal(disconnects, 10);
      // Everything the bot received is settled: answered, or dropped with a reason.
      await h.server.waitFor(() => h.adapter.stats().handling === 0 && h.adapter.stats().queued === 0, 30_000, 'all questions settled');
      const s = h.adapter.stats();
      const dropped = Object.values(s.dropped).reduce((a, b) => a + b, 0);
      const answered = received.filter((id) => h.answersTo(id).length > 0).length;
      assert.deepEqual(h.server.violations, [], 'the server recorded no violation');
      assert.equal(h.server.maxConcurrentConnections(BOT_LOGIN), 1, 'never two live connections');
      assert.ok(asked.every((id) => h.answersTo(id).length <= 1), 'no question answered twice');
      // Each question the bot received is answered (one line each here) or dropped and counted.
      assert.equal(s.sent + dropped + s.answersRefused, received.length, `sent ${s.sent} + dropped ${dropped} + refused ${s.answersRefused} vs received ${received.length}`);
      // A line cut off with its socket (sent, then the connection dropped) may not arrive, so <=.
      assert.ok(h.server.sent.length <= s.sent && s.sent - h.server.sent.length <= disconnects * 3);
      assert.ok(answered > 30 && dropped > 0, `answered ${answered}, dropped ${dropped} of ${received.length} received (${asked.length} asked)`);
      assert.deepEqual(h.errors, []);
      assert.equal(h.adapter.stats().sessions, 11);
    } finally {
      await h.close();
    }
  });
});
