import assert from 'node:assert/strict';
import type { Redis } from 'ioredis';
import { ElectedJob } from '../../bot/elected-job.js';
import { connectRedis } from '../../data/redis/connection.js';
import { RedisBus } from '../../data/redis/bus.js';
import { RedisLeaseStore } from '../../data/redis/leases.js';
import { PrivateRedis } from '../helpers/redis-server.js';

async function until(pred: () => boolean | Promise<boolean>, what: string, step: () => unknown = () => undefined): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!(await pred())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await step();
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('Redis stopped and restarted under a running cluster (private redis-server)', function () {
  this.timeout(90_000);
  let server: PrivateRedis;
  const conns: Redis[] = [];
  const buses: RedisBus[] = [];
  before(async () => { server = await PrivateRedis.start(); });
  after(async () => {
    for (const b of buses) await b.close().catch(() => undefined);
    for (const c of conns) c.disconnect();
    await server?.stop();
  });

  it('publishes fail soft (logged once per outage), elected jobs pause, and both recover when Redis is back', async () => {
    const instance = async (id: string) => {
      const redis = await connectRedis(server.url);
      conns.push(redis);
      const log: string[] = [];
      const bus = await RedisBus.open(redis, { instanceId: id, log: (l) => log.push(l) });
      buses.push(bus);
      const got: unknown[] = [];
      bus.subscribe('chat', (p) => got.push(p));
      let runs = 0;
      const job = new ElectedJob({
        name: 'purge', owner: id, leases: new RedisLeaseStore(redis), ttlMs: 2_000, everyMs: 3_600_000, runOnTakeover: true,
        run: async () => void runs++, log: (l) => log.push(l),
      });
      return { bus, got, log, job, runs: () => runs };
    };
    const a = await instance('A');
    const b = await instance('B');
    await a.job.tick();
    await b.job.tick();
    await a.job.settled();
    assert.equal(a.job.state, 'leader');
    await a.bus.publish('chat', { n: 0 });
    await until(() => b.got.length === 1, 'B to hear A before the outage');

    await server.stop();
    for (let n = 1; n <= 5; n++) await a.bus.publish('chat', { n });
    assert.deepEqual(a.got.map((p: any) => p.n), [0, 1, 2, 3, 4, 5], 'the publisher\'s own handlers still get every event');
    assert.equal(a.log.filter((l) => /cannot publish to Redis/.test(l)).length, 1, `one line per outage, not per message:\n${a.log.join('\n')}`);
    await a.job.tick();
    await b.job.tick();
    assert.equal(a.job.state, 'standby', 'the leader cannot renew: it steps down (paused)');
    assert.equal(b.job.state, 'standby', 'and nobody else takes over while Redis is away');
    assert.equal(a.runs() + b.runs(), 1);
    assert.equal(a.log.filter((l) => /lease store unreachable/.test(l)).length, 1);
    await a.job.tick();
    assert.equal(a.log.filter((l) => /lease store unreachable/.test(l)).length, 1, 'logged once');

    await server.restart();
    // The subscriber reconnects and subscribes again on its own; events flow both ways once it has.
    await until(() => b.got.some((p: any) => p.n === 'after'), 'B to hear A after the restart', () => a.bus.publish('chat', { n: 'after' }));
    await until(() => a.got.some((p: any) => p.n === 'back'), 'A to hear B after the restart', () => b.bus.publish('chat', { n: 'back' }));
    assert.ok(a.log.some((l) => /answers again/.test(l)), a.log.join('\n'));
    await until(() => a.job.state === 'leader' || b.job.state === 'leader', 'a leader again', async () => { await a.job.tick(); await b.job.tick(); });
    await a.job.settled();
    await b.job.settled();
    assert.equal(a.runs() + b.runs(), 2, 'the new leader ran the job on taking over');
    assert.notEqual(a.job.state, b.job.state, 'exactly one leader');
    await a.job.stop();
    await b.job.stop();
  });
});
