import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { startWebServer } from '../../adapters/web/server.js';
import type { Bot } from '../../bot/bot.js';
import type { ChatMessage } from '../../bot/message.js';
import type { Outbound } from '../../bot/transcript.js';
import { FrameClient } from '../helpers/ws-client.js';

describe('adapters/web leaks and timeouts', () => {
  it('keeps no per-visitor queue for visitors who hung up before the bot answered', async () => {
    const slow = {
      history: async () => [],
      handle: async (m: ChatMessage, out: Outbound) => {
        await new Promise((r) => setTimeout(r, 200));
        await out.send({ text: `re: ${m.text}`, cards: [] });
      },
    };
    const s = await startWebServer({ host: '127.0.0.1', port: 0, allowedOrigins: [], maxConnectionsPerIp: 20, bot: () => slow as unknown as Bot });
    try {
      for (let i = 0; i < 5; i++) {
        const c = await FrameClient.connect(`${s.url.replace('http', 'ws')}/ws?visitor=${randomUUID()}`);
        await c.next((f) => f.type === 'history');
        c.send({ type: 'message', text: 'hello' });
        c.close();
        await c.waitClosed();
      }
      await s.intakeIdle();
      assert.deepEqual([s.stats().connections, s.stats().visitorQueues], [0, 0]);
    } finally {
      await s.close();
    }
  });

  it('cuts off a request whose body trickles in', async function () {
    this.timeout(20_000);
    const s = await startWebServer({
      host: '127.0.0.1', port: 0, allowedOrigins: [], maxConnectionsPerIp: 20, bot: () => undefined, support: { desk: () => undefined }, requestTimeoutMs: 1000,
    });
    try {
      const { port } = new URL(s.url);
      const sock = connect({ host: '127.0.0.1', port: Number(port), localAddress: '127.0.40.1' });
      let answer = '';
      sock.on('data', (d) => { answer += d.toString(); });
      const closed = new Promise<void>((r) => sock.on('close', () => r()));
      sock.write(`POST /agent/login HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nOrigin: ${s.url}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\n`);
      // One byte every 300 ms: bounded at 30 bytes (9 s), well short of the 100 announced.
      let sent = 0;
      const trickle = setInterval(() => {
        if (sock.destroyed || ++sent > 30) return clearInterval(trickle);
        sock.write('a');
      }, 300);
      const outcome = await Promise.race([closed.then(() => 'closed'), new Promise((r) => setTimeout(() => r('still open'), 9500))]);
      clearInterval(trickle);
      sock.destroy();
      assert.equal(outcome, 'closed');
      assert.match(answer, /^HTTP\/1\.1 408/);
    } finally {
      await s.close();
    }
  });
});
