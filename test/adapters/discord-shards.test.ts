import assert from 'node:assert/strict';
import { DiscordAdapter } from '../../adapters/discord/adapter.js';
import { LocalDiscordServer } from '../../adapters/discord/local-server/server.js';
import { DiscordShards, shardLeaseKey } from '../../adapters/discord/shards.js';
import { LocalLeaseStore } from '../../data/leases.js';
import { LocalMemberRegistry } from '../../data/members.js';
import { testBot } from '../helpers/test-bot.js';

const until = async (what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

/**
 * DiscordShards in one process (in-memory leases and membership, the real discord.js against the
 * local server): how an instance takes, gives back and loses shards. Several processes on Redis:
 * test/e2e/discord-cluster.test.ts.
 */
describe('Discord shards over instances (one process, local leases)', function () {
  this.timeout(30_000);

  it('a second instance gets half the shards; a stolen lease disconnects its shard; stop releases everything', async () => {
    const server = await LocalDiscordServer.start({ heartbeatIntervalMs: 500 });
    const t = await testBot({ platform: 'discord' });
    const leases = new LocalLeaseStore();
    const members = new LocalMemberRegistry();
    const lines: string[] = [];
    const logins: number[] = [];
    const instance = (id: string) => new DiscordShards({
      shardCount: 2, instanceId: id, leases, members, leaseTtlMs: 1_000, renewEveryMs: 200, identifyGapMs: 500, log: (l) => void lines.push(`${id}: ${l}`),
      adapter: (shard) => {
        logins.push(Date.now());
        return new DiscordAdapter(t.bot, { token: server.botToken, api: server.apiBase, shards: [shard], shardCount: 2, log: () => undefined });
      },
    });
    const a = instance('a');
    const b = instance('b');
    const connected = (shard: number) => server.gateway.live().filter((s) => s.connection && s.shard[0] === shard).length;
    try {
      await a.start();
      await until('a to run both shards', () => a.held().length === 2);
      await b.start();
      await until('one shard each', () => a.held().length === 1 && b.held().length === 1 && connected(0) === 1 && connected(1) === 1);
      assert.deepEqual(a.held(), [0], 'the first instance keeps shard 0 and gives back the last');
      assert.equal(server.commands.writes, 1);
      // One IDENTIFY per gap over both instances (Discord's max_concurrency 1, scaled down here).
      const gaps = logins.slice(1).map((t, i) => t - logins[i]!);
      assert.ok(gaps.length >= 2 && gaps.every((g) => g >= 495), `logins ${gaps.join(', ')} ms apart`);

      // Another owner takes b's lease (as after a partition): b must stop running the shard.
      assert.equal(await leases.release(shardLeaseKey(1), 'b'), true);
      assert.equal(await leases.acquire(shardLeaseKey(1), 'intruder', 60_000), true);
      await until('b to disconnect shard 1', () => b.held().length === 0 && connected(1) === 0);
      assert.ok(lines.some((l) => /b: shard 1: disconnecting \(lease lost/.test(l)), lines.join('\n'));

      await a.stop();
      assert.equal(await leases.holder(shardLeaseKey(0)), null, 'released at once on stop');
      assert.equal(connected(0), 0);
      assert.equal(a.stats()?.received, 0);
      assert.deepEqual(server.violations, []);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
      await server.close();
      await t.store.close();
    }
  });
});
