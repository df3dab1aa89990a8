/**
 * Twitch ingest: how many chat messages per second one instance takes in, and at what CPU cost,
 * beside a bare tmi.js client in the same run (issue 12: at least 5,000 messages/s, or at most 10
 * times the bare client's CPU per message).
 *
 * The local protocol-faithful chat server (adapters/twitch/local-server) runs in a separate process
 * (this file with --serve), so its CPU is not counted. One channel, so no join limit applies. For
 * each client the server floods --messages lines of a chat mix into the channel as fast as it can:
 * chat noise (data/nlu/eval/chat-noise.txt) with a share of --questions held-out requests
 * (data/nlu/eval/product-holdout.yaml), half of them addressed to the bot ("@crossfeed_ingest ...").
 *   bare tmi.js   a tmi.js client that only counts messages
 *   crossfeed     the Twitch adapter and the whole bot (shipped models, SQLite), answers paced by
 *                 Twitch's rules as in production
 * Before crossfeed is measured, start-up work settles (one addressed question builds the FAQ index;
 * the background catalog embedding finishes). Per client: ingest time, from the first line sent
 * until every line was read and answered or let go, and messages/s over it; wall time to the last
 * message handled (for crossfeed this includes answers waiting their turn under Twitch's pacing, up
 * to the 20 s an answer may wait, which is not ingest); CPU ms per message of the client's own process
 * (process.cpuUsage, every thread), the ratio to bare tmi.js, and RSS. Each client runs in a process
 * of its own (the bare client in a child), so crossfeed's RSS is its own: sampled every
 * --rss-every seconds (default 5) from the first line sent, reported as start / end / max.
 * The line after the table gives the NLU result cache's hits (nlp/result-cache.ts); the mix
 * cycles through chat-noise.txt, so noise lines repeat after 1,449 lines (CROSSFEED_NLU_CACHE=0
 * measures without the cache).
 * `--answer-unaddressed 0` runs the channel as one that does not answer unaddressed questions.
 * `--in-hand N` sets the adapter's maxInHand (default: config `twitch.maxMessagesInHand`, 256): at N
 * messages read and not yet answered or let go, it stops reading the socket until half are done.
 * Run: npm run bench:twitch:ingest [-- --messages 20000 --questions 0.05 --answer-unaddressed 0]
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import tmi from 'tmi.js';
import { parse } from 'yaml';
import { TwitchAdapter } from '../../../adapters/twitch/adapter.js';
import { LocalTwitchServer } from '../../../adapters/twitch/local-server/server.js';
import { packageRoot } from '../../../data/paths.js';
import { loadConfig } from '../../config.js';
import { buildCore } from '../app.js';

const BOT = 'crossfeed_ingest';
const CHANNEL = 'ingest';
const args = process.argv.slice(2);
const opt = (name: string, fallback: number): number => {
  const i = args.indexOf(`--${name}`);
  const v = i >= 0 ? Number(args[i + 1]) : fallback;
  if (!Number.isFinite(v) || v < 0) throw new Error(`--${name} must be a non-negative number`);
  return v;
};

/** The chat mix, deterministic: noise with every `1/share`-th line a request, half of those addressed. */
export function chatMix(n: number, questionShare: number): string[] {
  const noise = readFileSync(join(packageRoot, 'data', 'nlu', 'eval', 'chat-noise.txt'), 'utf8').split('\n').filter(Boolean);
  const holdout = parse(readFileSync(join(packageRoot, 'data', 'nlu', 'eval', 'product-holdout.yaml'), 'utf8')) as { intents: Record<string, string[]> };
  const requests = Object.values(holdout.intents).flat();
  let q = 0;
  return Array.from({ length: n }, (_, k) => {
    if (((k * 7919) % 1000) / 1000 >= questionShare) return noise[k % noise.length]!;
    const text = requests[q % requests.length]!;
    return q++ % 2 === 0 ? `@${BOT} ${text}` : text;
  });
}

type ToServer = { flood: number; questions: number };
type ToBare = { port: number; n: number; share: number };
type FromServer = { port: number } | { flooded: number; ms: number };

/** The server process: starts the chat server, floods on request. */
async function serve(): Promise<void> {
  const server = await LocalTwitchServer.start({});
  process.send!({ port: server.port } satisfies FromServer);
  process.on('message', (m: ToServer) => {
    const lines = chatMix(m.flood, m.questions);
    const t0 = performance.now();
    let i = 0;
    // In slices, so the socket writes between them (a real server does not stop to build 20,000 lines).
    const slice = (): void => {
      for (const end = Math.min(lines.length, i + 500); i < end; i++) {
        server.say(CHANNEL, { login: `viewer${i % 997}`, userId: String(100_000 + (i % 997)) }, lines[i]!);
      }
      if (i < lines.length) setImmediate(slice);
      else process.send!({ flooded: i, ms: performance.now() - t0 } satisfies FromServer);
    };
    slice();
  });
  process.on('disconnect', () => void server.close().then(() => process.exit(0)));
}

interface Rss { start: number; end: number; max: number }
/** `ingestS`: from the first line sent until every line was read and answered or let go (answers may still wait their turn). */
interface Run { name: string; wallS: number; ingestS: number; cpuMs: number; rss: Rss; handled: number }

function nextMessage(child: ChildProcess): Promise<FromServer> {
  return new Promise((resolve) => child.once('message', (m) => resolve(m as FromServer)));
}

async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const t0 = performance.now();
  while (!check()) {
    if (performance.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/**
 * Floods N lines and measures this process from the first line to `done()`, and to the first time
 * `ingested()` holds (polled every 5 ms; the same as `done` when not given).
 */
async function measure(name: string, child: ChildProcess, n: number, share: number, done: () => boolean, ingested = done): Promise<Run> {
  const mib = () => process.memoryUsage.rss() / 2 ** 20;
  const rss: Rss = { start: mib(), end: 0, max: mib() };
  const detail = args.includes('--memory-detail');
  const heap = () => { const m = process.memoryUsage(); return `heap used ${(m.heapUsed / 2 ** 20).toFixed(0)} of ${(m.heapTotal / 2 ** 20).toFixed(0)} MiB, external ${(m.external / 2 ** 20).toFixed(0)} MiB`; };
  const tStart = performance.now();
  if (detail) process.stderr.write(`${name} at 0 s: RSS ${rss.start.toFixed(0)} MiB, ${heap()}\n`);
  const sampler = setInterval(() => {
    rss.max = Math.max(rss.max, mib());
    if (detail) process.stderr.write(`${name} at ${((performance.now() - tStart) / 1000).toFixed(0)} s: RSS ${mib().toFixed(0)} MiB, ${heap()}\n`);
  }, opt('rss-every', 5) * 1000);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  child.send({ flood: n, questions: share } satisfies ToServer);
  let ingestS = NaN;
  const mark = () => void (Number.isNaN(ingestS) && ingested() && (ingestS = (performance.now() - t0) / 1000));
  await until(() => (mark(), done()), 600_000, `${name} to handle ${n} messages`);
  const wallS = (performance.now() - t0) / 1000;
  mark();
  const cpu = process.cpuUsage(cpu0);
  clearInterval(sampler);
  rss.end = mib();
  rss.max = Math.max(rss.max, rss.end);
  if (detail) process.stderr.write(`${name} at the end (${wallS.toFixed(0)} s): RSS ${rss.end.toFixed(0)} MiB, ${heap()}\n`);
  const gc = (globalThis as { gc?: () => void }).gc;
  if (detail && gc) {
    gc();
    process.stderr.write(`${name} after a full GC: RSS ${mib().toFixed(0)} MiB, ${heap()}\n`);
    if (process.env.CF_HEAP_SNAPSHOT) (await import('node:v8')).writeHeapSnapshot(process.env.CF_HEAP_SNAPSHOT);
  }
  await nextMessage(child);
  return { name, wallS, ingestS, cpuMs: (cpu.user + cpu.system) / 1000, rss, handled: n };
}

/** The bare client in a process of its own (this file with --bare), so the two never share a heap. */
async function bareInChild(server: ChildProcess, port: number, n: number, share: number): Promise<Run> {
  const child = fork(fileURLToPath(import.meta.url), ['--bare'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  // The bare process asks this one to start the flood (the server answers only this process).
  const run = new Promise<Run>((resolve, reject) => {
    child.on('message', (m: { go: true } | { run: Run }) => {
      if ('go' in m) {
        server.send({ flood: n, questions: share } satisfies ToServer);
        void nextMessage(server).then(() => child.send({ flooded: true }));
      } else resolve(m.run);
    });
    child.once('exit', (code) => reject(new Error(`the bare client process exited (${code})`)));
  });
  child.send({ port, n, share } satisfies ToBare);
  return run;
}

/** The --bare process: connects a bare tmi.js client, has the parent flood, reports its run. */
async function bareProcess(): Promise<void> {
  const { port, n, share } = await new Promise<ToBare>((r) => process.once('message', (m) => r(m as ToBare)));
  // The parent stands in for the server: it floods on our request and tells us when the server is done.
  const proxy = {
    send: () => void process.send!({ go: true }),
    once: (_e: 'message', f: (m: unknown) => void) => process.once('message', f),
  } as unknown as ChildProcess;
  const run = await bare(proxy, port, n, share);
  process.send!({ run });
  process.disconnect();
}

async function bare(child: ChildProcess, port: number, n: number, share: number): Promise<Run> {
  let count = 0;
  const client = new tmi.Client({
    options: { skipUpdatingEmotesets: true, skipMembership: true },
    connection: { server: '127.0.0.1', port, secure: false, reconnect: false },
    identity: { username: 'bare_counter', password: 'oauth:bench' },
    channels: [CHANNEL],
    logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
  });
  client.on('message', () => void count++);
  await client.connect();
  await until(() => client.getChannels().includes(`#${CHANNEL}`), 30_000, 'the bare client to join');
  const run = await measure('bare tmi.js (counts messages)', child, n, share, () => count >= n);
  await client.disconnect();
  return run;
}

async function crossfeed(child: ChildProcess, port: number, n: number, share: number): Promise<Run & { sent: number; dropped: string; cache: string; inHand: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'crossfeed-bench-ingest-'));
  const config = loadConfig();
  config.database.path = join(dir, 'bench.db');
  config.bot.answerUnaddressed = opt('answer-unaddressed', 1) !== 0;
  const core = await buildCore(config);
  const adapter = new TwitchAdapter(core.bot, {
    server: { host: '127.0.0.1', port, secure: false }, username: BOT, token: 'oauth:bench', channels: [CHANNEL], log: () => undefined,
    maxInHand: opt('in-hand', config.twitch.maxMessagesInHand),
  });
  adapter.start();
  await until(() => adapter.connection.connected && adapter.stats().sessions > 0, 30_000, 'the bot to connect');
  await new Promise((r) => setTimeout(r, 1000)); // the join
  await settle(core.bot);
  const cache0 = { hits: core.nlu.cache.hits, misses: core.nlu.cache.misses };
  let most = 0;
  const watch = setInterval(() => void (most = Math.max(most, adapter.stats().inHand)), 10);
  const run = await measure('crossfeed (Twitch adapter + bot)', child, n, share, () => {
    const s = adapter.stats();
    most = Math.max(most, s.inHand);
    return s.received >= n && s.handling === 0;
  }, () => {
    const s = adapter.stats();
    return s.received >= n && s.inHand === 0;
  });
  clearInterval(watch);
  const cache = `${core.nlu.cache.hits - cache0.hits} hits, ${core.nlu.cache.misses - cache0.misses} misses, ${core.nlu.cache.size} of ${core.nlu.cache.capacity} entries kept`;
  const s = adapter.stats();
  const dropped = Object.entries(s.dropped).filter(([, k]) => k > 0).map(([k, v]) => `${k} ${v}`).join(', ') || 'none';
  await adapter.stop();
  await core.close();
  rmSync(dir, { recursive: true, force: true });
  return { ...run, sent: s.sent, dropped, cache, inHand: `${s.flooded} lines over a viewer's per-minute share ignored before the bot; ${s.leftUnread} unaddressed lines left unread while answers would have gone stale; at most ${most} messages in hand (limit ${opt('in-hand', config.twitch.maxMessagesInHand)}), reading paused ${s.readPauses} times` };
}

/**
 * Start-up work is not ingest: one addressed question builds the FAQ index, then the process is
 * left until its CPU is idle (the catalog is embedded in the background after start).
 */
async function settle(bot: Awaited<ReturnType<typeof buildCore>>['bot']): Promise<void> {
  const user = { platformId: 'warm-up', displayName: 'warm-up', roles: [] };
  await bot.handle({ platform: 'twitch', channel: 'warm-up', user, text: `@${BOT} how do i get a refund?`, time: new Date(), direct: false }, { send: async () => true });
  for (let k = 0; k < 240; k++) {
    const c0 = process.cpuUsage();
    await new Promise((r) => setTimeout(r, 250));
    const c = process.cpuUsage(c0);
    if ((c.user + c.system) / 1000 < 25) return; // under 10% of one core
  }
}

async function main(): Promise<void> {
  const n = opt('messages', 20_000);
  const share = opt('questions', 0.05);
  const cpu = cpus();
  const out = (line: string) => process.stdout.write(`${line}\n`);
  out(`Twitch ingest, ${new Date().toISOString()}, ${cpu[0]?.model ?? 'unknown CPU'} x ${cpu.length}, Node ${process.version}, load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  out(`  ${n} messages per client into one channel from a separate server process; ${(share * 100).toFixed(1)}% requests (half addressed), the rest chat noise; unaddressed questions ${opt('answer-unaddressed', 1) !== 0 ? 'answered' : 'not answered'}`);
  const child = fork(fileURLToPath(import.meta.url), ['--serve'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  try {
    const hello = await nextMessage(child);
    if (!('port' in hello)) throw new Error('the server process did not start');
    const base = await bareInChild(child, hello.port, n, share);
    const full = await crossfeed(child, hello.port, n, share);
    out('| client (own process) | messages | ingest s | ingested messages/s | wall s (answers sent) | CPU ms per message | x bare tmi.js | RSS MiB start / end / max |');
    out('|---|---|---|---|---|---|---|---|');
    for (const r of [base, full]) {
      const per = r.cpuMs / r.handled;
      out(`| ${r.name} | ${r.handled} | ${r.ingestS.toFixed(2)} | ${Math.round(r.handled / r.ingestS)} | ${r.wallS.toFixed(2)} | ${per.toFixed(4)} | ${(per / (base.cpuMs / base.handled)).toFixed(1)} | ${[r.rss.start, r.rss.end, r.rss.max].map((x) => x.toFixed(0)).join(' / ')} |`);
    }
    out('  ingest: every line read and answered or let go; wall: until the last answer was sent or dropped under Twitch\'s pacing (CPU is counted to the wall)');
    out(`  crossfeed answers sent ${full.sent} (paced by Twitch's rules); dropped: ${full.dropped}; NLU result cache: ${full.cache}; ${full.inHand}; load average after ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  } finally {
    child.disconnect();
  }
}

if (args.includes('--serve')) await serve();
else if (args.includes('--bare')) await bareProcess();
else await main();
