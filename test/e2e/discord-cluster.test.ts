import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { LocalDiscordServer } from '../../adapters/discord/local-server/server.js';
import type { GuildRecord } from '../../adapters/discord/local-server/world.js';
import { shardLeaseKey } from '../../adapters/discord/shards.js';
import { packageRoot } from '../../data/paths.js';
import { connectRedis } from '../../data/redis/connection.js';
import { RedisLeaseStore } from '../../data/redis/leases.js';
import { TEST_REDIS_URL, redisPrefix } from '../helpers/servers.js';

const alice = { username: 'alice' };
const WORKER = join(packageRoot, 'dist', 'test', 'helpers', 'discord-instance.js');
/** Short leases so that a takeover after SIGKILL happens within seconds. */
const TTL_MS = 3_000;
const RENEW_MS = 1_000;

/** Guild ids on shard 0 and 1 of 2: (id >> 22) % 2. */
const guildOnShard = (shard: 0 | 1): string => ((262_144_000_000n + BigInt(shard)) << 22n).toString();

async function until<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** One crossfeed instance running Discord, as its own process (test/helpers/discord-instance.ts). */
class Instance {
  readonly output: string[] = [];
  id = '';
  private constructor(readonly child: ChildProcess) {}

  static async start(env: Record<string, string>, prefix: string, ttlMs = TTL_MS): Promise<Instance> {
    const child = spawn(process.execPath, [WORKER, prefix, String(ttlMs), String(RENEW_MS)], {
      cwd: mkdtempSync(join(tmpdir(), 'cf-discord-cluster-')), env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    const i = new Instance(child);
    child.stdout!.on('data', (d) => i.output.push(String(d)));
    child.stderr!.on('data', (d) => i.output.push(String(d)));
    i.id = await until('an instance to start', () => {
      if (child.exitCode !== null) throw new Error(`instance exited with ${child.exitCode}:\n${i.output.join('')}`);
      return /^ready (\S+)$/m.exec(i.output.join(''))?.[1];
    }, 90_000);
    return i;
  }

  async kill(signal: 'SIGKILL' | 'SIGTERM'): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.kill(signal);
    await exited;
  }
}

/**
 * Several instances, one Discord bot (issue 15, item 4): two processes share 2 shards through
 * Redis leases, each guild is answered by exactly one of them, a SIGKILLed instance's shard is
 * taken over, a gracefully stopped one hands its shard back at once, and the slash commands are
 * written to Discord once in all.
 */
describe('Discord e2e: shards spread over instances (Redis leases)', function () {
  this.timeout(240_000);
  let server: LocalDiscordServer;
  let redis: Redis;
  let leases: RedisLeaseStore;
  let prefix: string;
  let env: Record<string, string>;
  let g0: GuildRecord;
  let g1: GuildRecord;
  const instances: Instance[] = [];

  before(async () => {
    server = await LocalDiscordServer.start({ heartbeatIntervalMs: 500 });
    g0 = server.addGuild({ id: guildOnShard(0), name: 'Shard zero', channels: [{ name: 'general' }], members: [alice] });
    g1 = server.addGuild({ id: guildOnShard(1), name: 'Shard one', channels: [{ name: 'general' }], members: [alice] });
    redis = await connectRedis(TEST_REDIS_URL);
    prefix = redisPrefix('discord-cluster');
    leases = new RedisLeaseStore(redis, `${prefix}lease:`);
    env = {
      DISCORD_TOKEN: server.botToken, CROSSFEED_DISCORD_API: server.apiBase, DISCORD_SHARDS: '2', REDIS_URL: TEST_REDIS_URL,
      CROSSFEED_DB: ':memory:', DISCORD_APP_ID: '', DISCORD_GUILD_ID: '', CROSSFEED_LOG_FORMAT: 'text',
    };
  });

  after(async () => {
    await Promise.all(instances.map((i) => i.kill('SIGKILL')));
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
    await server.close();
  });

  const holders = async () => Promise.all([0, 1].map((s) => leases.holder(shardLeaseKey(s))));
  /** Gateway sessions with a socket, per shard: the local server's view of who runs what. */
  const connected = (shard: number) => server.gateway.live().filter((s) => s.connection && s.shard[0] === shard && s.shard[1] === 2).length;
  const settled = (want: readonly string[]) => until(`shards held by ${want.join(', ')}`, async () => {
    const h = await holders();
    return h[0] === want[0] && h[1] === want[1] && connected(0) === 1 && connected(1) === 1;
  });

  /** A mention and a slash command in each guild; each is answered exactly once. */
  async function eachGuildAnsweredOnce(): Promise<void> {
    for (const g of [g0, g1]) {
      const channel = g.channelIds[0] as string;
      const plain = () => server.messages(channel).filter((m) => m.interactionId === undefined).length;
      const before = plain();
      server.say(channel, alice, `<@${server.botUser.id}> recommend a python course`);
      await server.waitFor(() => plain() > before, 20_000, `an answer in ${g.name}`);
      const rec = server.slash(g.id, channel, alice, 'recommend', { topic: 'sql' });
      await rec.waitForResponse((r) => r.type === 'edit', 20_000);
      // A second instance answering would have acknowledged too (refused: 40060) or posted again by now.
      const sentinel = server.slash(g.id, channel, alice, 'points');
      await sentinel.waitForResponse((r) => r.type === 'edit', 20_000);
      assert.deepEqual(rec.responses.map((r) => r.type), [5, 'edit'], `${g.name}: one acknowledgement, one answer`);
      assert.deepEqual(sentinel.responses.map((r) => r.type), [5, 'edit'], `${g.name}: one acknowledgement, one answer`);
      assert.equal(plain(), before + 1, `${g.name}: the mention answered once`);
    }
  }

  it('two instances take one shard each; each guild is answered once; commands are written once', async () => {
    instances.push(await Instance.start(env, prefix));
    instances.push(await Instance.start(env, prefix));
    const [a, b] = instances as [Instance, Instance];
    // Whoever came first took shard 0 (and maybe both); the second's arrival rebalances to one each.
    const first = (await holders())[0];
    assert.ok(first === a.id || first === b.id);
    await settled(first === a.id ? [a.id, b.id] : [b.id, a.id]);
    await eachGuildAnsweredOnce();
    assert.equal(server.registeredCommands().length, 7);
    assert.equal(server.commands.writes, 1, 'registered by the holder of shard 0 only, once');
    assert.deepEqual(server.violations, []);
  });

  it('SIGKILL one instance: the other takes its shard over and answers both guilds; commands are not written again', async () => {
    const [a, b] = instances as [Instance, Instance];
    const [zero] = await holders();
    const [dead, alive] = zero === a.id ? [a, b] : [b, a];
    await dead.kill('SIGKILL');
    await settled([alive.id, alive.id]);
    await eachGuildAnsweredOnce();
    assert.equal(server.commands.writes, 1, 'the new holder of shard 0 found the commands registered');
    assert.match(alive.output.join(''), /shard 0 of 2 connected here/);
  });

  it('a gracefully stopped instance releases its shard at once (long lease), and the other takes it back', async () => {
    const alive = instances.find((i) => i.child.exitCode === null && i.child.signalCode === null)!;
    // A 60 s lease: only a release, not an expiry, can free this shard within the test.
    const c = await Instance.start(env, prefix, 60_000);
    instances.push(c);
    await settled([alive.id, c.id]);
    await c.kill('SIGTERM');
    assert.equal(c.child.exitCode, 0, c.output.join(''));
    assert.notEqual((await holders())[1], c.id, 'released on shutdown');
    assert.match(c.output.join(''), /shard 1: disconnecting \(shutting down\)/);
    await settled([alive.id, alive.id]);
    await eachGuildAnsweredOnce();
    assert.deepEqual(server.violations, []);
  });
});
