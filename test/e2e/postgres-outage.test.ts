import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { privatePostgres, type PrivatePostgres } from '../helpers/private-postgres.js';
import { ServerProcess } from '../helpers/server-process.js';
import { FrameClient } from '../helpers/ws-client.js';

/**
 * `crossfeed start` on PostgreSQL (a private server this test stops and starts): unreachable at
 * start is a clear error without the password; down while running, a visitor gets a clear "try
 * again" reply and the process stays up; back, the same conversation goes on where it was.
 */
describe('e2e: PostgreSQL stops and comes back under a running `crossfeed start`', function () {
  this.timeout(180_000);
  let pg: PrivatePostgres;
  let server: ServerProcess | undefined;
  const sockets: FrameClient[] = [];

  before(async () => { pg = await privatePostgres(); });
  after(async () => {
    for (const s of sockets) s.close();
    await server?.stop();
    await pg?.destroy();
  });

  it('unreachable at start: exit 1 with the URL, never the password', async () => {
    await pg.stop();
    const err = await ServerProcess.start({ DATABASE_URL: pg.url.replace(':pw@', ':sesame99@') }).then(() => undefined, (e: Error) => e);
    await pg.start();
    assert.ok(err, 'start must fail');
    assert.match(err.message, /exited with 1/);
    assert.match(err.message, /cannot reach PostgreSQL at postgres:\/\/cf:\*\*\*@127\.0\.0\.1:\d+\/postgres/);
    assert.doesNotMatch(err.message, /sesame99/);
  });

  it('down while running: a clear reply, no crash; back: the conversation goes on', async () => {
    server = await ServerProcess.start({ DATABASE_URL: pg.url });
    const visitor = randomUUID();
    const connect = async () => {
      const ws = await FrameClient.connect(`${server!.url.replace('http', 'ws')}/ws?visitor=${visitor}`);
      sockets.push(ws);
      await ws.next((f) => f.type === 'history');
      return ws;
    };
    const say = async (ws: FrameClient, text: string) => {
      ws.send({ type: 'message', text, clientId: randomUUID() });
      return (await ws.next((f) => f.type === 'message' && f.message.role === 'bot', 30_000)).message.text as string;
    };
    const ws = await connect();
    assert.match(await say(ws, 'a beginner python course please'), /python/i);

    await pg.stop();
    assert.match(await say(ws, 'any coupon for pizza?'), /try again in a moment/);
    assert.equal(server.child.exitCode, null, 'the process is still running');
    assert.equal((await fetch(`${server.url}/healthz`)).status, 200);

    await pg.start();
    // The pool reconnects on its own: the next message is answered normally and stored.
    const deadline = Date.now() + 30_000;
    let answer = '';
    while (Date.now() < deadline) {
      answer = await say(ws, 'what are your opening hours?');
      if (!/try again in a moment/.test(answer)) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    assert.doesNotMatch(answer, /try again in a moment/);
    // A reload shows the conversation from before the outage: nothing before it was lost.
    const again = await FrameClient.connect(`${server.url.replace('http', 'ws')}/ws?visitor=${visitor}`);
    sockets.push(again);
    const history = await again.next((f) => f.type === 'history');
    const texts = (history.messages as { text: string }[]).map((m) => m.text);
    assert.ok(texts.includes('a beginner python course please'), JSON.stringify(texts));
    assert.ok(texts.includes('what are your opening hours?'), JSON.stringify(texts));
  });
});
