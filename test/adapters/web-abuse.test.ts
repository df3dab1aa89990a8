import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startWebServer, type WebServer } from '../../adapters/web/server.js';
import type { Bot } from '../../bot/bot.js';
import type { ChatMessage } from '../../bot/message.js';
import type { Outbound } from '../../bot/transcript.js';
import { runFlood } from '../../bot/app/bench/web-flood.js';
import type { Store } from '../../data/store.js';
import { testBot } from '../helpers/test-bot.js';
import { FrameClient } from '../helpers/ws-client.js';

/** 127.0.0.1 and 127.0.11.1 are different client addresses on the loopback network. */
const FLOODER = '127.0.0.1';
const NORMAL = '127.0.11.1';

describe('adapters/web under abuse', () => {
  let server: WebServer;
  let bot: Bot | undefined;
  let store: Store;
  let wsUrl: (visitor: string) => string;

  before(async () => {
    const t = await testBot();
    store = t.store;
    bot = t.bot;
    server = await startWebServer({ host: '127.0.0.1', port: 0, allowedOrigins: [], maxConnectionsPerIp: 20, bot: () => bot });
    wsUrl = (visitor) => `${server.url.replace('http', 'ws')}/ws?visitor=${visitor}`;
  });
  after(async () => {
    await server.close();
    await store.close();
  });

  it('keeps answering a normal visitor while another address floods with reconnecting sockets', async function () {
    this.timeout(90_000);
    const report = await runFlood({
      url: server.url, floodAddress: FLOODER, visitorAddress: NORMAL, durationMs: 10_000, askEveryMs: 700, answeredWithinMs: 3000,
    });
    assert.ok(report.asked >= 10, `asked ${report.asked}`);
    assert.ok(report.answeredShare >= 0.9, `answered ${report.answered} of ${report.asked} within 3 s (flood: ${JSON.stringify(report.flood)})`);
    assert.ok(report.rssPeakMb <= 2 * report.rssStartMb, `RSS ${report.rssStartMb.toFixed(0)} -> ${report.rssPeakMb.toFixed(0)} MB`);
    // The flood was refused at the door, not answered.
    assert.ok(report.flood.refused + report.flood.rateLimited + report.flood.busy > 0);
  });

  it('limits messages per client address across its sockets, not only per socket', async () => {
    const sockets = await Promise.all(Array.from({ length: 8 }, () => FrameClient.connect(wsUrl(randomUUID()), {}, { localAddress: '127.0.12.1' })));
    for (const s of sockets) await s.next((f) => f.type === 'history');
    // 8 sockets x 6 messages stay within each socket's own burst of 8, but not within the address's.
    for (const s of sockets) for (let i = 0; i < 6; i++) s.send({ type: 'message', text: `hi ${i}` });
    const limited = await Promise.any(sockets.map((s) => s.next((f) => f.type === 'error' && f.code === 'rate_limited', 5000))).then((f) => f.code, () => undefined);
    assert.equal(limited, 'rate_limited');
    sockets.forEach((s) => s.close());
  });

  it('rate-limits new connections per client address, before the upgrade', async () => {
    const codes: (number | string)[] = [];
    for (let i = 0; i < 40; i++) {
      const c = await FrameClient.connect(wsUrl(randomUUID()), {}, { localAddress: '127.0.13.1' }).catch((e: Error) => e.message);
      if (typeof c === 'string') codes.push(c);
      else { codes.push('open'); c.close(); }
    }
    assert.ok(codes.some((c) => typeof c === 'string' && c.includes('429')), `results: ${codes.join(', ')}`);
    // Another address is not affected.
    const other = await FrameClient.connect(wsUrl(randomUUID()), {}, { localAddress: '127.0.14.1' });
    assert.equal((await other.next((f) => f.type === 'history')).type, 'history');
    other.close();
  });

  describe('the work queue', () => {
    /** A bot that takes `ms` per message and records the order it got them in. */
    const slowBot = (ms: number) => {
      const order: string[] = [];
      const b = {
        order,
        history: async () => [],
        handle: async (m: ChatMessage, out: Outbound) => {
          order.push(m.text);
          await new Promise((r) => setTimeout(r, ms));
          await out.send({ text: `re: ${m.text}`, cards: [] });
        },
      };
      return b;
    };

    it('serves addresses in turn, and sheds the newest arrivals past the bound with a busy frame', async () => {
      const fake = slowBot(400);
      const s = await startWebServer({
        host: '127.0.0.1', port: 0, allowedOrigins: [], maxConnectionsPerIp: 20, bot: () => fake as unknown as Bot,
        intake: { concurrency: 1, maxQueued: 100, maxQueuedPerSource: 4 },
      });
      try {
        const url = (v: string) => `${s.url.replace('http', 'ws')}/ws?visitor=${v}`;
        const noisy = await Promise.all(Array.from({ length: 6 }, () => FrameClient.connect(url(randomUUID()), {}, { localAddress: '127.0.20.1' })));
        for (const c of noisy) await c.next((f) => f.type === 'history');
        const quiet = await FrameClient.connect(url(randomUUID()), {}, { localAddress: '127.0.21.1' });
        await quiet.next((f) => f.type === 'history');
        noisy.forEach((c, i) => c.send({ type: 'message', text: `noisy ${i}` }));
        // One in flight, four waiting: the sixth is past the address's share.
        assert.equal((await noisy[5]!.next((f) => f.type === 'error')).code, 'busy');
        quiet.send({ type: 'message', text: 'quiet' });
        await quiet.next((f) => f.type === 'message' && f.message.role === 'bot');
        // The other address went next, ahead of the noisy address's waiting messages.
        assert.deepEqual(fake.order.slice(0, 2), ['noisy 0', 'quiet']);
        [...noisy, quiet].forEach((c) => c.close());
      } finally {
        await s.close();
      }
    });

    it('readiness says degraded while the queue is past its threshold; health stays a liveness check', async () => {
      const fake = slowBot(300);
      let ready = false;
      const s = await startWebServer({
        host: '127.0.0.1', port: 0, allowedOrigins: [], maxConnectionsPerIp: 20, bot: () => (ready ? fake as unknown as Bot : undefined),
        intake: { concurrency: 1, degradedQueued: 3 },
      });
      try {
        const starting = await fetch(`${s.url}/readyz`);
        assert.equal(starting.status, 503);
        assert.equal(((await starting.json()) as { status: string }).status, 'starting');
        ready = true;
        const ok = await fetch(`${s.url}/readyz`);
        assert.deepEqual([ok.status, ((await ok.json()) as { status: string }).status], [200, 'ok']);
        const clients = await Promise.all(Array.from({ length: 5 }, () => FrameClient.connect(`${s.url.replace('http', 'ws')}/ws?visitor=${randomUUID()}`)));
        for (const c of clients) await c.next((f) => f.type === 'history');
        clients.forEach((c, i) => c.send({ type: 'message', text: `m${i}` }));
        while (s.stats().accepted < 5) await new Promise((r) => setTimeout(r, 20));
        const degraded = await fetch(`${s.url}/readyz`);
        const body = (await degraded.json()) as { status: string; queued: number; reasons: string[] };
        assert.deepEqual([degraded.status, body.status, body.queued], [503, 'degraded', 4]);
        assert.match(body.reasons.join(' '), /queue/);
        assert.equal((await fetch(`${s.url}/healthz`)).status, 200);
        await s.intakeIdle();
        assert.equal((await fetch(`${s.url}/readyz`)).status, 200);
        clients.forEach((c) => c.close());
      } finally {
        await s.close();
      }
    });

    it('stop() drops waiting work with a count and refuses new work', async () => {
      const fake = slowBot(300);
      const s = await startWebServer({
        host: '127.0.0.1', port: 0, allowedOrigins: [], maxConnectionsPerIp: 20, bot: () => fake as unknown as Bot, intake: { concurrency: 1 },
      });
      try {
        const c = await FrameClient.connect(`${s.url.replace('http', 'ws')}/ws?visitor=${randomUUID()}`);
        await c.next((f) => f.type === 'history');
        for (let i = 0; i < 4; i++) c.send({ type: 'message', text: `m${i}` });
        while (s.stats().accepted < 4) await new Promise((r) => setTimeout(r, 20));
        assert.equal(s.stopIntake(), 3);
        c.send({ type: 'message', text: 'late' });
        assert.equal((await c.next((f) => f.type === 'error')).code, 'busy');
        await s.intakeIdle();
        assert.deepEqual(fake.order, ['m0']);
        c.close();
      } finally {
        await s.close();
      }
    });
  });

  describe('client addresses behind a proxy', () => {
    const connectAs = async (s: WebServer, forwardedFor: string) => FrameClient.connect(`${s.url.replace('http', 'ws')}/ws?visitor=${randomUUID()}`,
      { 'X-Forwarded-For': forwardedFor }, { localAddress: '127.0.30.1' }).then((c) => { c.close(); return 'open'; }, (e: Error) => e.message);

    it('uses X-Forwarded-For only when web.trustProxy says so', async () => {
      for (const trustProxy of [false, true]) {
        const s = await startWebServer({
          host: '127.0.0.1', port: 0, allowedOrigins: [], maxConnectionsPerIp: 20, bot: () => bot, trustProxy, connectionsPerIp: { burst: 2, perSecond: 0.01 },
        });
        try {
          // Three connections, each claiming another address: one client unless the proxy is trusted.
          const results = [await connectAs(s, '203.0.113.1'), await connectAs(s, '203.0.113.2'), await connectAs(s, '203.0.113.3')];
          if (trustProxy) assert.deepEqual(results, ['open', 'open', 'open']);
          else assert.match(results[2]!, /429/);
        } finally {
          await s.close();
        }
      }
    });
  });
});
