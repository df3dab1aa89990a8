import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalDiscordServer } from '../../adapters/discord/local-server/server.js';
import { LocalTwitchServer } from '../../adapters/twitch/local-server/server.js';
import { FreezeProxy } from '../helpers/freeze-proxy.js';
import { ServerProcess } from '../helpers/server-process.js';
import { FAST_RULES } from '../helpers/twitch-harness.js';
import { FrameClient } from '../helpers/ws-client.js';

/** The promise: SIGTERM to exit within 10 s, whatever the platforms do. */
const EXIT_WITHIN_MS = 10_000;

async function waitForOutput(p: ServerProcess, re: RegExp, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!re.test(p.output.join(''))) {
    if (p.child.exitCode !== null) throw new Error(`exited with ${p.child.exitCode} before ${re}:\n${p.output.join('')}`);
    if (Date.now() > deadline) throw new Error(`no ${re} within ${timeoutMs} ms:\n${p.output.join('')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Signal-to-exit times seen by the tests, printed once at the end (figures for the README, never asserted). */
const stopTimes: string[] = [];

/** Sends `signal` and waits for the exit; fails if the process is still running after EXIT_WITHIN_MS. */
async function signalAndWait(p: ServerProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<{ code: number | null; signal: string | null }> {
  const exited = new Promise<{ code: number | null; signal: string | null }>((r) => p.child.once('exit', (code, sig) => r({ code, signal: sig })));
  const t0 = performance.now();
  p.child.kill(signal);
  const outcome = await Promise.race([exited, new Promise<'running'>((r) => setTimeout(() => r('running'), EXIT_WITHIN_MS).unref())]);
  const logged = /stopped in (\d+) ms/.exec(p.output.join(''))?.[1];
  const work = /dropped (\d+) queued, (\d+) being handled/.exec(p.output.join(''));
  stopTimes.push(`${signal} to exit ${Math.round(performance.now() - t0)} ms (bot's own log: stopped in ${logged ?? '?'} ms; dropped ${work?.[1] ?? '?'} queued, ${work?.[2] ?? '?'} in flight)`);
  if (outcome === 'running') {
    p.child.kill('SIGKILL');
    assert.fail(`still running ${EXIT_WITHIN_MS / 1000} s after ${signal}:\n${p.output.join('')}`);
  }
  return outcome;
}

describe('crossfeed start: clean stop on SIGTERM / SIGINT', function () {
  this.timeout(120_000);
  let twitch: LocalTwitchServer | undefined;
  let discord: LocalDiscordServer | undefined;
  const proxies: FreezeProxy[] = [];
  let proc: ServerProcess | undefined;

  after(() => {
    for (const [i, t] of stopTimes.entries()) process.stdout.write(`      shutdown ${i + 1}: ${t}\n`);
  });

  afterEach(async () => {
    if (proc && proc.child.exitCode === null && proc.child.signalCode === null) proc.child.kill('SIGKILL');
    await proc?.stop();
    proc = undefined;
    for (const p of proxies.splice(0)) await p.close();
    await twitch?.close();
    await discord?.close();
    twitch = discord = undefined;
  });

  /** Local Twitch and Discord, optionally behind relays that can be frozen, and the bot connected to both. */
  async function startConnected(o: { viaProxies: boolean }) {
    twitch = await LocalTwitchServer.start({ rules: FAST_RULES });
    discord = await LocalDiscordServer.start({ heartbeatIntervalMs: 500 });
    const guild = discord.addGuild({ name: 'Academy', channels: [{ name: 'general' }], members: [{ username: 'alice' }] });
    let twitchPort = twitch.port;
    let discordApi = discord.apiBase;
    if (o.viaProxies) {
      const tp = await FreezeProxy.start(twitch.port);
      const dp = await FreezeProxy.start(discord.port);
      proxies.push(tp, dp);
      twitchPort = tp.port;
      discordApi = `http://127.0.0.1:${dp.port}/api`;
      // The gateway address discord.js gets from GET /gateway/bot goes through the relay too.
      Object.defineProperty(discord, 'gatewayUrl', { get: () => `ws://127.0.0.1:${dp.port}` });
    }
    proc = await ServerProcess.start({
      TWITCH_USERNAME: 'crossfeed', TWITCH_OAUTH_TOKEN: 'oauth:test', TWITCH_CHANNELS: 'academy', CROSSFEED_TWITCH_SERVER: `ws://127.0.0.1:${twitchPort}`,
      DISCORD_TOKEN: discord.botToken, CROSSFEED_DISCORD_API: discordApi, DISCORD_GUILD_ID: guild.id,
    });
    await waitForOutput(proc, /twitch: connected to/);
    await waitForOutput(proc, /discord: connected as/);
    return proc;
  }

  it('with Twitch and Discord connected: closes both, the sockets and the database, exits 0', async () => {
    const p = await startConnected({ viaProxies: false });
    const visitor = await FrameClient.connect(`${p.url.replace('http', 'ws')}/ws?visitor=${crypto.randomUUID()}`);
    await visitor.next((f) => f.type === 'history');
    const { code } = await signalAndWait(p, 'SIGTERM');
    const out = p.output.join('');
    assert.equal(code, 0, out);
    assert.match(out, /SIGTERM: shutting down/);
    assert.match(out, /twitch: sent \d+/);
    assert.match(out, /discord: sent \d+/);
    assert.match(out, /stopped in \d+ ms"/, out); // every step done, none abandoned (the JSON line ends there)
    assert.equal(visitor.closed?.code, 1001, 'the visitor socket is closed as "going away"');
    assert.doesNotMatch(out, /SQLITE_MISUSE|message failed/);
  });

  it('with Twitch and Discord that never answer the close: abandons them and still exits within 10 s', async () => {
    const p = await startConnected({ viaProxies: true });
    for (const proxy of proxies) proxy.freeze();
    const { code } = await signalAndWait(p, 'SIGINT');
    const out = p.output.join('');
    assert.equal(code, 0, out);
    assert.match(out, /SIGINT: shutting down/);
    assert.match(out, /abandoned/, out);
    assert.doesNotMatch(out, /SQLITE_MISUSE|message failed/);
  });

  it('a second signal exits at once', async () => {
    const p = await startConnected({ viaProxies: true });
    for (const proxy of proxies) proxy.freeze();
    const exited = new Promise<number | null>((r) => p.child.once('exit', (c) => r(c)));
    p.child.kill('SIGTERM');
    await waitForOutput(p, /SIGTERM: shutting down/);
    p.child.kill('SIGTERM');
    const code = await exited;
    assert.equal(code, 130, p.output.join(''));
    assert.match(p.output.join(''), /SIGTERM again: exiting now/);
  });

  it('with a backlog of web chat: drops what is queued (counted), finishes what is in flight, no SQLITE_MISUSE', async () => {
    // All these visitors come from one test address: lift the per-address limits so the backlog builds up.
    const dir = mkdtempSync(join(tmpdir(), 'crossfeed-backlog-'));
    const config = join(dir, 'crossfeed.config.yaml');
    writeFileSync(config, [
      'web:',
      '  connectionsPerIp: { burst: 1000, perSecond: 100 }',
      '  messagesPerIp: { burst: 10000, perSecond: 1000 }',
      '  intake: { maxQueued: 10000, maxQueuedPerIp: 10000 }',
      '',
    ].join('\n'));
    proc = await ServerProcess.start({ CROSSFEED_CONFIG: config });
    const p = proc;
    const ws = p.url.replace('http', 'ws');
    const texts = ['recommend me a beginner python course under $30', 'any ramen coupons in Brooklyn?', '有没有python入门课', 'how do refunds work?'];
    // Fresh visitors, each sending a full burst (the per-socket bucket holds 8): more than the bot handles at once.
    const clients: FrameClient[] = [];
    for (let round = 0; round < 3; round++) {
      const batch = await Promise.all(Array.from({ length: 15 }, () => FrameClient.connect(`${ws}/ws?visitor=${crypto.randomUUID()}`)));
      for (const c of batch) for (let i = 0; i < 8; i++) c.ws.send(JSON.stringify({ type: 'message', text: texts[i % texts.length] }));
      clients.push(...batch);
    }
    await new Promise((r) => setTimeout(r, 100));
    const { code } = await signalAndWait(p, 'SIGTERM');
    const out = p.output.join('');
    assert.equal(code, 0, out);
    const dropped = Number(/dropped (\d+) queued/.exec(out)?.[1]);
    assert.ok(dropped > 0, `a backlog was dropped and counted:\n${out}`);
    assert.doesNotMatch(out, /SQLITE_MISUSE|message failed|Database is closed/i);
    for (const c of clients) c.ws.terminate();
  });
});
