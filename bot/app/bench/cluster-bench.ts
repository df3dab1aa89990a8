/**
 * Several instances as one bot: N real `crossfeed start` processes sharing one database and one
 * Redis, one Twitch account on the local Twitch server (Twitch's real limits, enforced and
 * recorded there), concurrent coupon claims and points redemptions over the instances' web chat
 * (cluster-commerce.ts), one instance SIGKILLed halfway through the chat. Then the pipeline's
 * throughput per instance on SQLite and, with a PostgreSQL server given, on PostgreSQL.
 * Run: npm run bench:cluster [-- --instances 3 --channels 100 --messages 5000 --rate 50 --questions 0.05 --mod
 *        --claims 1000 --claim-stock 600 --redemptions 1000 --reward-stock 400 --database-url postgres://...]
 * With DATABASE_URL (or --database-url) the bench creates a fresh database on that server for the
 * instances, another for the throughput run, and drops both after; otherwise a shared SQLite file.
 * Needs Redis (REDIS_URL, default redis://127.0.0.1:6379).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalTwitchServer } from '../../../adapters/twitch/local-server/server.js';
import { TwitchChatRules } from '../../../adapters/twitch/rules.js';
import { packageRoot } from '../../../data/paths.js';
import { connectRedis, redactRedisUrl } from '../../../data/redis/connection.js';
import { buildCore } from '../app.js';
import { busiestWindow, freePort, numberOption } from './bench-util.js';
import { openStore, redactUrl, scratchPostgresDatabase } from '../store.js';
import { commerce } from './cluster-commerce.js';
import { loadConfig } from '../../config.js';

const args = process.argv.slice(2);
const opt = (name: string, fallback: number): number => numberOption(args, name, fallback);
const INSTANCES = opt('instances', 3);
const CHANNELS = opt('channels', 100);
const MESSAGES = opt('messages', 5_000);
const RATE = opt('rate', 50);
const QUESTION_SHARE = opt('questions', 0.05);
const THROUGHPUT_MESSAGES = opt('throughput-messages', 2_000);
const MOD = args.includes('--mod');
const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
const urlArg = args.indexOf('--database-url');
const DATABASE_URL = (urlArg >= 0 ? args[urlArg + 1] : undefined) || process.env.DATABASE_URL || undefined;
const CLAIMS = opt('claims', 1_000);
const CLAIM_STOCK = opt('claim-stock', 600);
const REDEMPTIONS = opt('redemptions', 1_000);
const REWARD_STOCK = opt('reward-stock', 400);
const NOISE = ['gg', 'LUL', 'KEKW', 'what rank is he', 'first time here', 'lmao that play', '!so otherstreamer', 'Kappa', '哈哈哈', '666', 'is this live?', 'nice shot'];
const QUESTIONS = ['!course python', '@{bot} any coupon for pizza in Brooklyn?', 'anyone know a good course to learn javascript?', '有没有python入门课', '!course data science under $50'];
const rows: [string, string][] = [];
const row = (k: string, v: string | number) => void rows.push([k, String(v)]);

interface Instance { child: ChildProcess; output: string[]; url: string }

async function main(): Promise<void> {
  const redis = await connectRedis(REDIS_URL).catch((err: unknown) => {
    throw new Error(`bench:cluster needs Redis: ${err instanceof Error ? err.message : String(err)}`);
  });
  await redis.quit();
  print(`Redis ${redactRedisUrl(REDIS_URL)}; database: ${DATABASE_URL ? `a fresh database on ${redactUrl(DATABASE_URL)}` : 'a shared SQLite file'}`);
  if (!DATABASE_URL) print('DATABASE_URL is not set: the instances share one SQLite file, and throughput is measured on SQLite only.');
  const scratch = DATABASE_URL ? await scratchPostgresDatabase(DATABASE_URL, 'bench_cluster') : undefined;
  try {
    await twitchCluster(scratch?.url);
  } finally {
    await scratch?.drop();
  }
  await throughput();
  printTable();
}

async function twitchCluster(databaseUrl: string | undefined): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'crossfeed-bench-cluster-'));
  const login = `cf_bench_${randomBytes(3).toString('hex')}`;
  const channels = Array.from({ length: CHANNELS }, (_, i) => `channel${i}`);
  const botRoles = MOD ? Object.fromEntries(channels.map((c) => [c, { [login]: { moderator: true } }])) : {};
  const server = await LocalTwitchServer.start({ botRoles });
  const env = {
    CROSSFEED_DB: join(dir, 'shared.db'), REDIS_URL, TWITCH_USERNAME: login, TWITCH_OAUTH_TOKEN: 'oauth:bench',
    CROSSFEED_TWITCH_SERVER: `ws://127.0.0.1:${server.port}`, TWITCH_CHANNELS: channels.join(','), HOST: '127.0.0.1',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  };
  row('database shared by the instances', databaseUrl ? 'PostgreSQL (a fresh database)' : 'SQLite (one file)');
  const instances: Instance[] = [];
  try {
    // The first one creates the schema and seeds; the others start once it is ready.
    instances.push(await startInstance(env, dir));
    instances.push(...(await Promise.all(Array.from({ length: INSTANCES - 1 }, () => startInstance(env, dir)))));
    const everyJoined = () => channels.every((c) => server.joinedChannels(login).has(c));
    const allJoined = (what: string, ms: number) => server.waitFor(everyJoined, ms, what);
    let t0 = performance.now();
    await allJoined('every channel joined', 180_000);
    row('channels joined by the instances together', `${CHANNELS} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    if (CLAIMS + REDEMPTIONS > 0) {
      const database = { ...loadConfig().database, path: env.CROSSFEED_DB };
      if (databaseUrl) database.url = databaseUrl;
      else delete database.url;
      const store = await openStore(database);
      try {
        await commerce({ instances: instances.map((i) => i.url), store, claims: CLAIMS, claimStock: CLAIM_STOCK, redemptions: REDEMPTIONS, rewardStock: REWARD_STOCK, row });
      } finally {
        await store.close();
      }
    }

    const askedAt = new Map<string, number>();
    const latencies: number[] = [];
    const firstAnswer = new Set<string>();
    server.onSent((m) => {
      const t = m.replyParentId ? askedAt.get(m.replyParentId) : undefined;
      if (t === undefined || firstAnswer.has(m.replyParentId!)) return;
      firstAnswer.add(m.replyParentId!);
      latencies.push(performance.now() - t);
    });
    const victim = instances[instances.length - 1]!;
    let killedAt = 0;
    let rejoined: Promise<number> | undefined;
    t0 = performance.now();
    for (let i = 0; i < MESSAGES; i++) {
      const isQuestion = (i * 7919) % 1000 < QUESTION_SHARE * 1000;
      const text = isQuestion ? (QUESTIONS[i % QUESTIONS.length] ?? '').replace('{bot}', login) : NOISE[i % NOISE.length] ?? '';
      const id = server.say(channels[i % CHANNELS] ?? 'channel0', { login: `v${i % 997}`, userId: String(10_000 + (i % 997)) }, text);
      if (isQuestion) askedAt.set(id, performance.now());
      if (i === Math.floor(MESSAGES / 2)) {
        victim.child.kill('SIGKILL');
        killedAt = performance.now();
        // Timed while the chat goes on: the server drops the dead connection's channels, then the others re-join them.
        rejoined = (async () => {
          await server.waitFor(() => !everyJoined(), 10_000, 'the killed instance\'s channels dropped').catch(() => undefined);
          await allJoined('every channel re-joined after the SIGKILL', 120_000);
          return (performance.now() - killedAt) / 1000;
        })();
      }
      const ahead = t0 + ((i + 1) * 1000) / RATE - performance.now();
      if (ahead > 1) await new Promise((r) => setTimeout(r, ahead));
    }
    const sendS = (performance.now() - t0) / 1000;
    const rejoinS = await rejoined!;
    // Answers still in the queues go out or go stale (20 s) before counting.
    await new Promise((r) => setTimeout(r, 22_000));

    const answeredBy = new Map<string, Set<number>>();
    for (const s of server.sent) {
      if (s.replyParentId && askedAt.has(s.replyParentId)) answeredBy.set(s.replyParentId, (answeredBy.get(s.replyParentId) ?? new Set()).add(s.connectionId));
    }
    const twice = [...answeredBy.values()].filter((c) => c.size > 1).length;
    const violations = server.violations.filter((v) => v.login === login);
    latencies.sort((a, b) => a - b);
    const q = (p: number) => (latencies.length ? `${(latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0).toFixed(0)} ms` : '-');
    const limit = MOD ? TwitchChatRules.privilegedMessageLimit : TwitchChatRules.userMessageLimit;
    row('Twitch: instances / channels / messages / questions', `${INSTANCES} / ${CHANNELS} / ${MESSAGES} over ${sendS.toFixed(0)} s / ${askedAt.size}`);
    row('Twitch: account standing', `${MOD ? 'moderator' : 'plain viewer'} everywhere: ${limit} messages per 30 s for the account`);
    row('Twitch: rule violations recorded by the server (must be 0)', `${violations.length}${violations.length ? ` (${[...new Set(violations.map((v) => v.kind))].join(', ')})` : ''}`);
    row('Twitch: SIGKILL at message', `${Math.floor(MESSAGES / 2)}; every channel re-joined ${rejoinS.toFixed(1)} s after it`);
    row('Twitch: questions answered twice (must be 0)', twice);
    row('Twitch: questions answered (share)', `${answeredBy.size} of ${askedAt.size} (${((100 * answeredBy.size) / Math.max(1, askedAt.size)).toFixed(1)}%)`);
    row('Twitch: busiest 30-s window, all instances', `${busiestWindow(server.sent.filter((m) => m.login === login).map((m) => m.at))} messages`);
    row('Twitch: answer latency p50 / p90 / p99', `${q(0.5)} / ${q(0.9)} / ${q(0.99)}`);
  } finally {
    for (const i of instances) if (i.child.exitCode === null && i.child.signalCode === null) i.child.kill('SIGTERM');
    await Promise.all(instances.map((i) => new Promise((r) => (i.child.exitCode !== null || i.child.signalCode !== null ? r(undefined) : i.child.once('exit', r)))));
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `crossfeed start` on a free port; resolves once its database and models are loaded. */
async function startInstance(env: Record<string, string>, dir: string): Promise<Instance> {
  const port = await freePort();
  const output: string[] = [];
  const child = spawn(process.execPath, [join(packageRoot, 'bin', 'crossfeed.js'), 'start'], {
    cwd: dir, env: { ...process.env, ...env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => output.push(String(d)));
  child.stderr!.on('data', (d) => output.push(String(d)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`crossfeed start exited with ${child.exitCode}:\n${output.join('')}`);
    if ((await fetch(`${url}/healthz`).then((r) => r.ok, () => false))) return { child, output, url };
    await new Promise((r) => setTimeout(r, 250));
  }
  child.kill('SIGKILL');
  throw new Error(`crossfeed start was not ready within 180 s:\n${output.join('')}`);
}

/** One instance's pipeline (the shipped models) on each store: messages/s with the same chat mix. */
async function throughput(): Promise<void> {
  const sqlite = (await pipelineRate(undefined)) ?? 0;
  row('pipeline throughput per instance, SQLite', `${sqlite.toFixed(0)} messages/s`);
  if (!DATABASE_URL) {
    row('pipeline throughput per instance, PostgreSQL', 'not measured (DATABASE_URL not set)');
    return;
  }
  const scratch = await scratchPostgresDatabase(DATABASE_URL, 'bench_pipeline');
  const pg = await pipelineRate(scratch.url).finally(() => scratch.drop());
  if (pg === undefined) return;
  row('pipeline throughput per instance, PostgreSQL', `${pg.toFixed(0)} messages/s`);
  row('PostgreSQL / SQLite', (pg / sqlite).toFixed(2));
}

async function pipelineRate(url: string | undefined): Promise<number | undefined> {
  const dir = mkdtempSync(join(tmpdir(), 'crossfeed-bench-pipeline-'));
  const config = loadConfig();
  config.database.path = join(dir, 'bench.db');
  if (url) config.database.url = url;
  else delete config.database.url;
  const core = await buildCore(config);
  try {
    if (url && existsSync(config.database.path)) {
      // The store factory ignored the URL (a build without the PostgreSQL store): no figure rather than a wrong one.
      row('pipeline throughput per instance, PostgreSQL', 'not available: this build opens SQLite even with DATABASE_URL set');
      return undefined;
    }
    const out = { send: async () => true };
    const t0 = performance.now();
    const batch = 50;
    for (let i = 0; i < THROUGHPUT_MESSAGES; i += batch) {
      await Promise.all(Array.from({ length: Math.min(batch, THROUGHPUT_MESSAGES - i) }, (_, k) => {
        const n = i + k;
        const isQuestion = (n * 7919) % 1000 < QUESTION_SHARE * 1000;
        const text = isQuestion ? (QUESTIONS[n % QUESTIONS.length] ?? '').replace('{bot}', 'crossfeed') : NOISE[n % NOISE.length] ?? '';
        return core.bot.handle({
          platform: 'twitch', channel: `channel${n % 20}`, direct: false, text, time: new Date(),
          user: { platformId: String(20_000 + (n % 997)), displayName: `v${n % 997}`, roles: [] },
        }, out);
      }));
    }
    return THROUGHPUT_MESSAGES / ((performance.now() - t0) / 1000);
  } finally {
    await core.close();
    rmSync(dir, { recursive: true, force: true });
  }
}



function printTable(): void {
  const width = Math.max(...rows.map(([k]) => k.length));
  print('');
  print(`${'measure'.padEnd(width)} | value`);
  print(`${'-'.repeat(width)}-|-${'-'.repeat(40)}`);
  for (const [k, v] of rows) print(`${k.padEnd(width)} | ${v}`);
}

function print(line: string): void {
  process.stdout.write(`${line}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:cluster failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
