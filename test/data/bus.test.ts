import assert from 'node:assert/strict';
import type { Redis } from 'ioredis';
import { LocalBus, type Bus } from '../../data/bus.js';
import { connectRedis } from '../../data/redis/connection.js';
import { RedisBus } from '../../data/redis/bus.js';
import { redisPrefix, TEST_REDIS_URL } from '../helpers/servers.js';

/** Records what a bus delivers on a topic; `until` waits for a payload. */
function recorder(bus: Bus, topic: string) {
  const got: unknown[] = [];
  let wake: (() => void) | undefined;
  bus.subscribe(topic, (p) => {
    got.push(p);
    wake?.();
  });
  return {
    got,
    async until(pred: (p: any) => boolean, what: string): Promise<void> {
      const deadline = Date.now() + 10_000;
      while (!got.some(pred)) {
        if (Date.now() > deadline) throw new Error(`never received ${what}; got ${JSON.stringify(got)}`);
        await new Promise<void>((r) => { wake = r; setTimeout(r, 50); });
      }
    },
  };
}

describe('data/bus: events every instance hears', () => {
  it('local bus: each handler once, synchronously, with its own copy; a throwing handler does not stop the others', async () => {
    const errors: string[] = [];
    const bus = new LocalBus((_err, topic) => errors.push(topic));
    const seen: unknown[] = [];
    bus.subscribe('t', () => { throw new Error('boom'); });
    const off = bus.subscribe('t', (p) => seen.push(p));
    const payload = { n: 1, at: new Date(0) };
    void bus.publish('t', payload);
    assert.deepEqual(seen, [{ n: 1, at: '1970-01-01T00:00:00.000Z' }], 'delivered before publish returns, as JSON');
    (seen[0] as { n: number }).n = 2;
    assert.equal(payload.n, 1);
    assert.deepEqual(errors, ['t']);
    off();
    void bus.publish('t', payload);
    assert.equal(seen.length, 1);
  });

  describe('Redis bus (two instances on one Redis)', () => {
    let ra: Redis;
    let rb: Redis;
    let a: RedisBus;
    let b: RedisBus;
    before(async () => {
      const prefix = redisPrefix('bus');
      ra = await connectRedis(TEST_REDIS_URL);
      rb = await connectRedis(TEST_REDIS_URL);
      a = await RedisBus.open(ra, { instanceId: 'A', prefix });
      b = await RedisBus.open(rb, { instanceId: 'B', prefix });
    });
    after(async () => {
      await a.close();
      await b.close();
      await ra.quit();
      await rb.quit();
    });

    it("each sees the other's events, and its own, exactly once", async () => {
      const atA = recorder(a, 'news');
      const atB = recorder(b, 'news');
      await a.publish('news', { from: 'A', n: 1 });
      assert.deepEqual(atA.got, [{ from: 'A', n: 1 }], 'the publisher hears itself at once');
      await b.publish('news', { from: 'B', n: 1 });
      assert.ok(atB.got.some((p: any) => p.from === 'B' && p.n === 1), 'and so does B');
      // A fence from each side: pub/sub keeps one connection's order, so once the fences are in,
      // any second copy of the first messages would be too.
      await a.publish('news', { from: 'A', fence: true });
      await b.publish('news', { from: 'B', fence: true });
      await atA.until((p) => p.from === 'B' && p.fence, "B's fence at A");
      await atB.until((p) => p.from === 'A' && p.fence, "A's fence at B");
      const count = (got: unknown[], from: string) => got.filter((p: any) => p.from === from && p.n === 1).length;
      assert.equal(count(atA.got, 'A'), 1, 'A heard its own once');
      assert.equal(count(atA.got, 'B'), 1, "A heard B's once");
      assert.equal(count(atB.got, 'A'), 1, "B heard A's once");
      assert.equal(count(atB.got, 'B'), 1, 'B heard its own once');
      assert.equal(atA.got.length, 4);
      assert.equal(atB.got.length, 4);
    });

    it('topics are apart, and an unsubscribed handler hears nothing more', async () => {
      const one = recorder(b, 'one');
      const other: unknown[] = [];
      const off = b.subscribe('two', (p) => other.push(p));
      off();
      await a.publish('two', { x: 1 });
      await a.publish('one', { done: true });
      await one.until((p) => p.done, 'the message on "one"');
      assert.deepEqual(other, []);
      assert.deepEqual(one.got, [{ done: true }]);
    });
  });
});
