import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Redis } from 'ioredis';
import { LocalTwitchServer } from '../../adapters/twitch/local-server/server.js';
import { scaleRules, TwitchChatRules } from '../../adapters/twitch/rules.js';
import { openStore } from '../../bot/app/store.js';
import { connectRedis } from '../../data/redis/connection.js';
import { seedItems } from '../helpers/catalog.js';
import { TEST_REDIS_URL, redisPrefix } from '../helpers/servers.js';

const WORKER = join(dirname(fileURLToPath(import.meta.url)), '..', 'helpers', 'twitch-cluster-worker.js');
/** Every Twitch duration a fifth (30 s window -> 6 s, 1 s gap -> 200 ms); leases 3 s, renewed every 1 s. */
const RULE_SCALE = 0.2;
const LEASES = { ttlMs: 3_000, renewMs: 1_000, safetyMs: 600 };

interface Instance { child: ChildProcess; id: Promise<string>; held: string[]; lines: string[]; stderr: string[] }

function spawnInstance(args: object): Instance {
  const child = spawn(process.execPath, [WORKER, JSON.stringify(args)], { stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
  const inst: Instance = { child, id: Promise.resolve(''), held: [], lines: [], stderr: [] };
  let buffer = '';
  inst.id = new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`worker exited with ${code}:\n${inst.stderr.join('')}`)));
    child.stdout!.on('data', (d) => {
      buffer += String(d);
      for (let i = buffer.indexOf('\n'); i >= 0; i = buffer.indexOf('\n')) {
        const line = buffer.slice(0, i);
        buffer = buffer.slice(i + 1);
        inst.lines.push(line);
        const msg = JSON.parse(line) as { id?: string; held?: string[] };
        if (msg.id) resolve(msg.id);
        if (msg.held) inst.held = msg.held;
      }
    });
  });
  inst.id.catch(() => undefined);
  child.stderr!.on('data', (d) => inst.stderr.push(String(d)));
  return inst;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Twitch across 3 instances: shared limits, channels by lease, SIGKILL survived (real Redis, local Twitch server, real processes)', function () {
  this.timeout(120_000);
  const login = `cf_${randomBytes(4).toString('hex')}`;
  const prefix = redisPrefix('twitch-cluster');
  const channels = Array.from({ length: 10 }, (_, i) => `chan${i}`);
  let server: LocalTwitchServer;
  let redis: Redis;
  let dir: string;
  let instances: Instance[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'crossfeed-twitch-cluster-'));
    const dbPath = join(dir, 'shared.db');
    // One shared database: SQLite file here; with DATABASE_URL the workers open PostgreSQL through bot/app/store.ts.
    const store = await openStore({ path: dbPath, ...(process.env.DATABASE_URL ? { url: process.env.DATABASE_URL } : {}) });
    await store.catalog.upsert(await seedItems());
    await store.close();
    server = await LocalTwitchServer.start({ rules: scaleRules(TwitchChatRules, RULE_SCALE) });
    redis = await connectRedis(TEST_REDIS_URL);
    const args = { port: server.port, login, channels, redisUrl: TEST_REDIS_URL, prefix, dbPath, ruleScale: RULE_SCALE, ...LEASES };
    instances = [spawnInstance(args), spawnInstance(args), spawnInstance(args)];
    await Promise.all(instances.map((i) => i.id));
  });

  after(async () => {
    for (const i of instances) if (i.child.exitCode === null && i.child.signalCode === null) i.child.kill('SIGKILL');
    await server?.close();
    redis?.disconnect();
    rmSync(dir, { recursive: true, force: true });
  });

  afterEach(function () {
    if (this.currentTest?.state !== 'failed') return;
    for (const i of instances) process.stderr.write(`--- instance holding [${i.held.join(',')}]\n${i.lines.slice(-3).join('\n')}\n${i.stderr.join('').slice(-2_000)}\n`);
    process.stderr.write(`violations: ${JSON.stringify(server.violations.slice(0, 5))}\n`);
  });

  it('every channel answered by one instance; a SIGKILLed instance\'s channels are taken over; 0 rule violations, nothing answered twice', async () => {
    const allJoined = (what: string) => server.waitFor(() => channels.every((c) => server.joinedChannels(login).has(c)), 60_000, what);
    await allJoined('all channels joined by the instances together');
    await server.waitFor(() => instances.every((i) => i.held.length > 0), 30_000, 'every instance holds a share');

    const asked = new Map<string, string>();
    const questions = ['!course python', '@crossfeed any coupon for pizza?', 'anyone know a course to learn javascript?'];
    const victim = instances[2]!;
    let killedHeld: string[] = [];
    for (let i = 0; i < 300; i++) {
      const channel = channels[i % channels.length]!;
      const isQuestion = i % 7 === 0;
      const text = isQuestion ? questions[i % questions.length]! : ['gg', 'LUL', 'nice shot', 'what rank is he'][i % 4]!;
      const id = server.say(channel, { login: `v${i % 97}`, userId: String(5_000 + (i % 97)) }, text);
      if (isQuestion) asked.set(id, channel);
      if (i === 150) {
        killedHeld = [...victim.held];
        victim.child.kill('SIGKILL');
      }
      await sleep(30);
    }
    assert.ok(killedHeld.length > 0, 'the killed instance held channels');
    // Its socket is gone with it; the survivors take its channels once the leases expire.
    await allJoined('every channel re-joined after the SIGKILL');
    await server.waitFor(() => instances.slice(0, 2).reduce((n, i) => n + i.held.length, 0) === channels.length, 30_000, 'survivors hold every channel');

    // The taken-over channels are answered again (one question each, after the rejoin).
    // An answer waits behind the account's 20-per-30-s budget and is dropped when stale, so a
    // channel counts as answered again once any of its late questions (one more every 5 s) is.
    const after = new Map<string, string[]>(killedHeld.map((c) => [c, []]));
    const answered = (c: string) => after.get(c)!.some((id) => server.sent.some((s) => s.replyParentId === id));
    for (let round = 0; round < 9 && killedHeld.some((c) => !answered(c)); round++) {
      for (const c of killedHeld.filter((x) => !answered(x))) {
        after.get(c)!.push(server.say(c, { login: `late${round}_${c}`, userId: `9${round}${c.replace(/\D/g, '')}` }, '!course python'));
      }
      await server.waitFor(() => killedHeld.every(answered), 5_000, 'late questions answered').catch(() => undefined);
    }
    assert.deepEqual(killedHeld.filter((c) => !answered(c)), [], 'every taken-over channel answers again');

    // Graceful stop of one survivor: it releases its leases at once.
    const leaving = instances[0]!;
    const leavingId = await leaving.id;
    const exited = new Promise<number | null>((r) => leaving.child.once('exit', (code) => r(code)));
    leaving.child.kill('SIGTERM');
    assert.equal(await exited, 0);
    const holders = await Promise.all(channels.map((c) => redis.get(`${prefix}lease:twitch:${login}:channel:${c}`)));
    assert.ok(!holders.includes(leavingId), 'a stopped instance holds no lease');
    await allJoined('the last instance holds every channel');

    assert.deepEqual(server.violations.filter((v) => v.login === login), [], 'the local Twitch server saw no rule broken by the account');
    const answeredBy = new Map<string, Set<number>>();
    for (const s of server.sent) {
      if (!s.replyParentId) continue;
      answeredBy.set(s.replyParentId, (answeredBy.get(s.replyParentId) ?? new Set()).add(s.connectionId));
    }
    const twice = [...answeredBy].filter(([, conns]) => conns.size > 1);
    assert.deepEqual(twice, [], 'no question answered by two instances');
    for (const [id, conns] of answeredBy) {
      // An answer only ever comes from an instance that held the question's channel: no strays.
      assert.ok(asked.has(id) || [...after.values()].some((ids) => ids.includes(id)), `answer to a known question (${id})`);
      assert.equal(conns.size, 1);
    }
    assert.ok([...answeredBy.keys()].filter((id) => asked.has(id)).length > 0, 'questions were answered during the run');
  });
});
