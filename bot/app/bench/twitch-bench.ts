/**
 * Twitch benchmark with Twitch's real limits: the full bot (shipped models, SQLite) connected
 * through tmi.js to the local chat server, which enforces the rules and records violations.
 * Prints inbound throughput, answer latency, what was answered or dropped, the busiest 30-s
 * window, and the time to rejoin every channel after a forced disconnect.
 * Run: npm run bench:twitch [-- --channels 50 --messages 10000 --rate 250 --questions 0.05]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TwitchAdapter } from '../../../adapters/twitch/adapter.js';
import { LocalTwitchServer } from '../../../adapters/twitch/local-server/server.js';
import { TwitchChatRules } from '../../../adapters/twitch/rules.js';
import { buildCore } from '../app.js';
import { busiestWindow, numberOption } from './bench-util.js';
import { loadConfig } from '../../config.js';

const args = process.argv.slice(2);
const opt = (name: string, fallback: number): number => numberOption(args, name, fallback);
const CHANNELS = opt('channels', 50);
const MESSAGES = opt('messages', 10_000);
const RATE = opt('rate', 250);
const QUESTION_SHARE = opt('questions', 0.05);
const BOT = 'crossfeed_bench';
const NOISE = ['gg', 'LUL', 'KEKW', 'what rank is he', 'first time here', 'lmao that play', '!so otherstreamer', 'Kappa', '哈哈哈', '666', 'is this live?', 'nice shot'];
const QUESTIONS = ['!course python', '@crossfeed_bench any coupon for pizza in Brooklyn?', 'anyone know a good course to learn javascript?', '有没有python入门课', '!course data science under $50'];

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'crossfeed-bench-twitch-'));
  const config = loadConfig();
  config.database.path = join(dir, 'bench.db');
  const server = await LocalTwitchServer.start({});
  const core = await buildCore(config);
  const channels = Array.from({ length: CHANNELS }, (_, i) => `channel${i}`);
  const askedAt = new Map<string, number>();
  const latencies: number[] = [];
  server.onSent((m) => {
    const t = m.replyParentId ? askedAt.get(m.replyParentId) : undefined;
    if (t !== undefined) latencies.push(performance.now() - t);
  });
  const adapter = new TwitchAdapter(core.bot, {
    server: { host: '127.0.0.1', port: server.port, secure: false }, username: BOT, token: 'oauth:bench',
    channels, answersPerUserPerMinute: 4, log: () => undefined,
  });
  let t0 = performance.now();
  adapter.start();
  const joinedAll = () => server.waitFor(() => channels.every((c) => server.joinedChannels(BOT).has(c)), 120_000, 'all joined');
  await joinedAll();
  const joinMs = performance.now() - t0;
  print(`joined ${CHANNELS} channels in ${(joinMs / 1000).toFixed(1)} s (Twitch allows 20 joins per 10 s; the bot plans 18 per 10.5 s)`);

  const cpu0 = process.cpuUsage();
  t0 = performance.now();
  let questions = 0;
  for (let i = 0; i < MESSAGES; i++) {
    const isQuestion = (i * 7919) % 1000 < QUESTION_SHARE * 1000;
    const text = isQuestion ? QUESTIONS[i % QUESTIONS.length] ?? '' : NOISE[i % NOISE.length] ?? '';
    const id = server.say(channels[i % CHANNELS] ?? 'channel0', { login: `v${i % 997}`, userId: String(10_000 + (i % 997)) }, text);
    if (isQuestion) {
      askedAt.set(id, performance.now());
      questions++;
    }
    const due = t0 + ((i + 1) * 1000) / RATE;
    const ahead = due - performance.now();
    if (ahead > 1) await new Promise((r) => setTimeout(r, ahead));
  }
  await server.waitFor(() => adapter.stats().received >= MESSAGES && adapter.stats().handling === 0 && adapter.stats().queued === 0, 120_000, 'settled');
  const wallS = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const s = adapter.stats();

  t0 = performance.now();
  const before = s.sessions;
  server.dropConnections();
  await server.waitFor(() => adapter.stats().sessions > before && adapter.connection.connected, 60_000, 'reconnected');
  const reconnectMs = performance.now() - t0;
  await joinedAll();
  const rejoinMs = performance.now() - t0;

  const dropped = Object.entries(s.dropped).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`).join(', ') || 'none';
  latencies.sort((a, b) => a - b);
  const q = (p: number) => (latencies.length ? (latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0).toFixed(0) : '-');
  print(`messages ${MESSAGES} (${questions} questions) over ${wallS.toFixed(1)} s at a target of ${RATE}/s; handled ${s.received}; CPU ${((cpu.user + cpu.system) / 1000 / MESSAGES).toFixed(2)} ms per message (bot, tmi.js and the local server in one process)`);
  print(`answers sent ${s.sent}; dropped: ${dropped}; per-viewer answer cap refused ${s.answersRefused}; flood-ignored ${s.flooded}`);
  print(`answer latency (question posted -> answer at the server): p50 ${q(0.5)} ms, p95 ${q(0.95)} ms, p99 ${q(0.99)} ms, max ${q(1)} ms`);
  print(`busiest 30-s window: ${busiestWindow(server.sent.map((m) => m.at))} messages (Twitch limit ${TwitchChatRules.userMessageLimit} when not a moderator)`);
  print(`forced disconnect: reconnected in ${reconnectMs.toFixed(0)} ms, all ${CHANNELS} channels rejoined in ${(rejoinMs / 1000).toFixed(1)} s; live sockets at once, max ${server.maxConcurrentConnections(BOT)}`);
  print(`Twitch rule violations recorded by the server: ${server.violations.length}${server.violations.length ? ` (${server.violations.map((v) => v.kind).join(', ')})` : ''}`);
  await adapter.stop();
  await server.close();
  await core.close();
  rmSync(dir, { recursive: true, force: true });
}


function print(line: string): void {
  process.stdout.write(`${line}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:twitch failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
