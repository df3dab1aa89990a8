import assert from 'node:assert/strict';
import { openCluster, type Cluster } from '../../bot/app/cluster.js';
import { loadConfig } from '../../bot/config.js';
import { TEST_REDIS_URL, redisPrefix } from '../helpers/servers.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('redis.prefix: deployments sharing one Redis stay apart', () => {
  const open: Cluster[] = [];
  const cluster = async (prefix: string) => {
    const c = await openCluster(loadConfig({ env: { REDIS_URL: TEST_REDIS_URL, CROSSFEED_REDIS_PREFIX: prefix }, cwd: '/' }));
    open.push(c);
    return c;
  };
  after(async () => { for (const c of open) await c.close(); });

  it('events and leases of one prefix are not seen under another; the same prefix shares them', async () => {
    const base = redisPrefix('deploy');
    const [a1, a2, b] = [await cluster(`${base}a:`), await cluster(`${base}a:`), await cluster(`${base}b:`)];
    const seen: string[] = [];
    a2.bus.subscribe('t', (p) => void seen.push(`a2:${JSON.stringify(p)}`));
    b.bus.subscribe('t', (p) => void seen.push(`b:${JSON.stringify(p)}`));
    await sleep(100);
    await a1.bus.publish('t', { n: 1 });
    await sleep(300);
    assert.deepEqual(seen, ['a2:{"n":1}']);
    assert.equal(await a1.leases.acquire('job:purge', 'x', 5_000), true);
    assert.equal(await a2.leases.acquire('job:purge', 'y', 5_000), false, 'same deployment: one holder');
    assert.equal(await b.leases.acquire('job:purge', 'z', 5_000), true, 'another deployment has its own lease');
  });

  it('rejects a prefix with spaces or wildcards', () => {
    assert.throws(() => loadConfig({ env: { CROSSFEED_REDIS_PREFIX: 'a b*' }, cwd: '/' }), /redis\.prefix/);
  });
});
