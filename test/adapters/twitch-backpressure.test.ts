import assert from 'node:assert/strict';
import { TwitchAdapter } from '../../adapters/twitch/adapter.js';
import { LocalTwitchServer } from '../../adapters/twitch/local-server/server.js';
import type { Bot } from '../../bot/bot.js';
import type { ChatMessage } from '../../bot/message.js';
import type { Outbound } from '../../bot/transcript.js';
import { FAST_RULES, sleep, viewer } from '../helpers/twitch-harness.js';

/** A bot that holds every message until the test lets it go, answering the ones that ask. */
function heldBot() {
  const seen: string[] = [];
  let open = false;
  const waiting: (() => void)[] = [];
  const bot = {
    async handle(message: ChatMessage, out: Outbound) {
      seen.push(message.text);
      if (!open) await new Promise<void>((r) => waiting.push(r));
      if (message.text.startsWith('!ask')) await out.send({ text: 'an answer', cards: [] });
    },
  };
  return { bot: bot as unknown as Bot, seen, release: () => { open = true; for (const w of waiting.splice(0)) w(); } };
}

describe('adapters/twitch backpressure (real tmi.js, local server)', function () {
  this.timeout(30_000);

  it('stops reading chat while the bot has maxInHand messages in hand, then reads the rest in order, losing none', async () => {
    const server = await LocalTwitchServer.start({ rules: FAST_RULES });
    const held = heldBot();
    const adapter = new TwitchAdapter(held.bot, {
      server: { host: '127.0.0.1', port: server.port, secure: false }, username: 'crossfeed', token: 'oauth:test', channels: ['flood'],
      rules: FAST_RULES, inboundPerUserPerMinute: 100_000, maxInHand: 50, log: () => undefined,
      connection: { reconnectInitialMs: 50, reconnectMaxMs: 400, pingIntervalMs: 200, pingTimeoutMs: 100, joinTimeoutMs: 1_000 },
    });
    try {
      adapter.start();
      await server.waitFor(() => server.joinedChannels('crossfeed').has('flood'), 10_000, 'joined');
      // Long lines, so that the flood is far more than one socket read.
      const pad = 'x'.repeat(400);
      const total = 4_000;
      const who = viewer('flooder');
      for (let i = 0; i < total; i++) server.say('flood', who, `${i % 100 === 0 ? '!ask' : 'line'} ${i} ${pad}`);
      await server.waitFor(() => adapter.stats().readPauses > 0, 10_000, 'reading paused');
      // Held for longer than the ping timeout: a paused socket is not a dead connection.
      await sleep(600);
      const s = adapter.stats();
      assert.ok(s.received < total / 2, `read ${s.received} of ${total} while the bot held ${s.inHand}`);
      assert.equal(s.inHand, s.received);
      assert.equal(adapter.connection.sessions, 1, 'no reconnect while paused');
      held.release();
      await server.waitFor(() => adapter.stats().received === total && adapter.stats().inHand === 0, 20_000, 'the whole flood read');
      assert.deepEqual(held.seen.map((t) => Number(t.split(' ')[1])), Array.from({ length: total }, (_, i) => i), 'every line once, in order');
      assert.ok(adapter.stats().readPauses > 1, 'paused again as the flood went on');
      assert.equal(adapter.connection.sessions, 1);
      assert.equal(adapter.connection.readingIsPaused, false);
    } finally {
      await adapter.stop();
      await server.close();
    }
  });

  it('an answer waiting for its turn to be sent no longer counts as in hand', async () => {
    const server = await LocalTwitchServer.start({ rules: FAST_RULES });
    const held = heldBot();
    held.release();
    const adapter = new TwitchAdapter(held.bot, {
      server: { host: '127.0.0.1', port: server.port, secure: false }, username: 'crossfeed', token: 'oauth:test', channels: ['asks'],
      rules: FAST_RULES, inboundPerUserPerMinute: 100_000, answersPerUserPerMinute: 100_000, maxInHand: 5, maxAnswerAgeMs: 10_000, log: () => undefined,
    });
    try {
      adapter.start();
      await server.waitFor(() => server.joinedChannels('crossfeed').has('asks'), 10_000, 'joined');
      // 60 questions: far more answers than the 1.5 s window lets out, so most wait in the scheduler.
      for (let i = 0; i < 60; i++) server.say('asks', viewer(), `!ask ${i}`);
      await server.waitFor(() => adapter.stats().received === 60, 10_000, 'every question read');
      assert.equal(adapter.stats().inHand, 0);
      assert.ok(adapter.stats().handling > 5, `answers still waiting: ${adapter.stats().handling}`);
    } finally {
      await adapter.stop();
      await server.close();
    }
  });

  it('tells the bot when an answer would wait more than half its allowed age, so that it leaves unaddressed chat unread', async () => {
    const server = await LocalTwitchServer.start({ rules: FAST_RULES });
    const probes: boolean[] = [];
    const bot = {
      async handle(message: ChatMessage, out: Outbound) {
        if (message.text === 'probe') probes.push(out.backlogged?.() ?? false);
        else await out.send({ text: `answer to ${message.text}`, cards: [] });
      },
    };
    // FAST_RULES: 18 lines per 1.6 s window, 60 ms between lines in a channel; answers may be 10 s old,
    // so 120 queued answers take about 10.5 s to send and the probe's answer would wait past 5 s.
    const adapter = new TwitchAdapter(bot as unknown as Bot, {
      server: { host: '127.0.0.1', port: server.port, secure: false }, username: 'crossfeed', token: 'oauth:test', channels: ['busy'],
      rules: FAST_RULES, inboundPerUserPerMinute: 100_000, answersPerUserPerMinute: 100_000, maxAnswerAgeMs: 10_000, log: () => undefined,
    });
    try {
      adapter.start();
      await server.waitFor(() => server.joinedChannels('crossfeed').has('busy'), 10_000, 'joined');
      server.say('busy', viewer(), 'probe');
      await server.waitFor(() => probes.length === 1, 10_000, 'the first probe');
      for (let i = 0; i < 120; i++) server.say('busy', viewer(), `question ${i}`);
      await server.waitFor(() => adapter.stats().received === 121 && adapter.stats().inHand === 0, 10_000, 'every question answered');
      server.say('busy', viewer(), 'probe');
      await server.waitFor(() => probes.length === 2, 10_000, 'the second probe');
      assert.deepEqual(probes, [false, true], '120 answers queued: the next one would wait past 5 s');
      assert.equal(adapter.stats().leftUnread, 1);
    } finally {
      await adapter.stop();
      await server.close();
    }
  });

  it('refuses a maxInHand that is not a positive integer', () => {
    const held = heldBot();
    for (const bad of [0, -1, 2.5, Number.NaN]) {
      assert.throws(() => new TwitchAdapter(held.bot, { server: { host: '127.0.0.1', port: 1, secure: false }, username: 'x', token: 't', channels: [], maxInHand: bad }), /maxInHand must be a positive integer/);
    }
  });
});
