import assert from 'node:assert/strict';
import type { Redis } from 'ioredis';
import { ElectedJob } from '../../bot/elected-job.js';
import { LocalLeaseStore, type LeaseStore } from '../../data/leases.js';
import { connectRedis } from '../../data/redis/connection.js';
import { RedisLeaseStore } from '../../data/redis/leases.js';
import { redisPrefix, TEST_REDIS_URL } from '../helpers/servers.js';

/** Ticks until `pred` holds (no timing is asserted: only that it happens). */
async function until(pred: () => boolean, tick: () => Promise<void>, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await tick();
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('bot/elected-job: jobs that run on one instance at a time', () => {
  it('two instances: one runs it, on schedule; stopping hands over at once; a dead holder is replaced after expiry', async () => {
    let now = 1_000;
    const leases = new LocalLeaseStore(() => now);
    const runs: string[] = [];
    const job = (owner: string) => new ElectedJob({
      name: 'purge', owner, leases, ttlMs: 30_000, everyMs: 60_000, runOnTakeover: true, now: () => now,
      run: async () => void runs.push(owner),
    });
    const a = job('A');
    const b = job('B');
    await a.tick();
    await b.tick();
    await a.settled();
    assert.deepEqual(runs, ['A']);
    assert.equal(a.state, 'leader');
    assert.equal(b.state, 'standby');
    now += 10_000;
    await a.tick();
    await b.tick();
    assert.deepEqual(runs, ['A'], 'not due yet');
    for (let i = 0; i < 5; i++) {
      now += 10_000;
      await a.tick();
      await b.tick();
    }
    await a.settled();
    assert.deepEqual(runs, ['A', 'A'], 'due again after everyMs');
    assert.equal(await leases.holder('job:purge'), 'A');

    // Graceful stop releases the lease: B takes over at its next try, without waiting for expiry.
    await a.stop();
    assert.equal(a.state, 'stopped');
    assert.equal(await leases.holder('job:purge'), null);
    await b.tick();
    await b.settled();
    assert.equal(b.state, 'leader');
    assert.deepEqual(runs, ['A', 'A', 'B']);

    // B dies (stops renewing, releases nothing): C stands by until the lease expires, then takes over.
    const c = job('C');
    await c.tick();
    assert.equal(c.state, 'standby');
    now += 29_000;
    await c.tick();
    assert.equal(c.state, 'standby', 'the lease has not expired yet');
    now += 2_000;
    await c.tick();
    await c.settled();
    assert.equal(c.state, 'leader');
    assert.deepEqual(runs, ['A', 'A', 'B', 'C']);
    await c.stop();
  });

  it('a holder that lost its lease steps down; runOnTakeover false waits a full period; a failing run is reported and retried on schedule', async () => {
    let now = 0;
    const leases = new LocalLeaseStore(() => now);
    const lines: string[] = [];
    let fail = true;
    let runs = 0;
    const a = new ElectedJob({
      name: 'train', owner: 'A', leases, ttlMs: 1_000, everyMs: 5_000, runOnTakeover: false, now: () => now, log: (l) => lines.push(l),
      run: async () => {
        runs++;
        if (fail) throw new Error('no data');
      },
    });
    await a.tick();
    assert.equal(a.state, 'leader');
    assert.equal(runs, 0);
    now = 5_000;
    await leases.acquire('job:train', 'A', 1_000);
    await a.tick();
    await a.settled();
    assert.equal(runs, 1);
    assert.ok(lines.some((l) => /job train failed: no data/.test(l)), lines.join('\n'));
    fail = false;
    // Someone else holds it now (A's lease expired while it was paused).
    now = 7_000;
    await leases.acquire('job:train', 'X', 1_000);
    await a.tick();
    assert.equal(a.state, 'standby');
    assert.ok(lines.some((l) => /lease lost/.test(l)));
  });

  describe('on Redis (two connections, as two instances)', () => {
    let r1: Redis;
    let r2: Redis;
    let l1: LeaseStore;
    let l2: LeaseStore;
    before(async () => {
      const prefix = redisPrefix('jobs');
      r1 = await connectRedis(TEST_REDIS_URL);
      r2 = await connectRedis(TEST_REDIS_URL);
      l1 = new RedisLeaseStore(r1, prefix);
      l2 = new RedisLeaseStore(r2, prefix);
    });
    after(async () => {
      r1.disconnect();
      r2.disconnect();
    });

    it('one runs; release on stop hands over at once; a killed leader is replaced once its lease expires', async () => {
      const runs: string[] = [];
      const job = (owner: string, leases: LeaseStore) => new ElectedJob({
        name: 'purge', owner, leases, ttlMs: 600, everyMs: 3_600_000, runOnTakeover: true, run: async () => void runs.push(owner),
      });
      const a = job('A', l1);
      const b = job('B', l2);
      await a.tick();
      await b.tick();
      await a.settled();
      assert.deepEqual(runs, ['A']);
      assert.equal(b.state, 'standby');
      await a.stop();
      await b.tick();
      await b.settled();
      assert.equal(b.state, 'leader', 'released at stop: taken over at the next try');
      assert.deepEqual(runs, ['A', 'B']);

      // Killed: B's connection drops without a release; C takes over when the lease expires.
      const c = job('C', l1);
      await c.tick();
      assert.equal(c.state, 'standby');
      r2.disconnect();
      await until(() => c.state === 'leader', () => c.tick(), 'C to take over');
      await c.settled();
      assert.deepEqual(runs, ['A', 'B', 'C']);
      await c.stop();
    });
  });
});
