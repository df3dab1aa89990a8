import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startWebServer, type WebServer } from '../../adapters/web/server.js';
import type { Bot } from '../../bot/bot.js';
import { runFlood } from '../../bot/bench/web-flood.js';
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
    const limited = await Promise.all(sockets.map((s) => s.next((f) => f.type === 'error', 5000).then((f) => f.code, () => undefined)));
    assert.ok(limited.includes('rate_limited'), `errors: ${JSON.stringify(limited)}`);
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
});
