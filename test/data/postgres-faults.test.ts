import assert from 'node:assert/strict';
import type { PgDatabase } from '../../data/postgres/database.js';
import { openPostgresStore } from '../../data/postgres/postgres-store.js';
import type { Store } from '../../data/store.js';
import { coupon } from '../helpers/catalog.js';
import { privatePostgres, type PrivatePostgres } from '../helpers/private-postgres.js';

describe('PostgreSQL store: the server goes away and comes back', function () {
  this.timeout(120_000);
  let server: PrivatePostgres;
  let store: Store & { db: PgDatabase };
  const where = { platform: 'web', channel: 'site' };

  before(async () => {
    server = await privatePostgres();
    store = await openPostgresStore(server.url, { label: 'postgres://cf:***@private' });
  });
  after(async () => {
    await store?.close().catch(() => undefined);
    await server?.destroy();
  });

  it('fails operations with a clear error while down, never double-spends, and works again after restart', async () => {
    await store.catalog.upsert([coupon('cpn', { stock: 5, perUserLimit: 5 })]);
    const u = await store.conversations.resolveUser('web', 'a', 'A');
    await store.loyalty.points.apply({ userId: u, delta: 50, reason: 'grant', key: 'g' });
    await store.loyalty.rewards.put({ id: 'mug', name: 'Mug', price: 30, kind: 'code', code: 'MUG' });
    const first = await store.coupons.claim({ itemId: 'cpn', userId: u, requestId: 'r1', ...where });
    assert.ok(first.ok);

    // Claims in flight when the server stops: each either committed or rolled back, never half.
    const racing = Array.from({ length: 8 }, (_, i) => store.coupons.claim({ itemId: 'cpn', userId: u, requestId: `race${i}`, ...where }).catch((e: Error) => e));
    await server.stop();
    const raced = await Promise.all(racing);

    await assert.rejects(store.coupons.claim({ itemId: 'cpn', userId: u, requestId: 'r2', ...where }), /PostgreSQL at postgres:\/\/cf:\*\*\*@private is unreachable/);
    await assert.rejects(store.loyalty.points.redeem({ userId: u, rewardId: 'mug', requestId: 'm1', ...where }), /unreachable/);
    await assert.rejects(store.catalog.count(), /unreachable/);

    await server.start();
    const retried = await store.loyalty.points.redeem({ userId: u, rewardId: 'mug', requestId: 'm1', ...where });
    assert.ok(retried.ok && retried.status === 'redeemed');
    const again = await store.loyalty.points.redeem({ userId: u, rewardId: 'mug', requestId: 'm2', ...where });
    assert.deepEqual(again, { ok: false, error: 'insufficient', balance: 20 });
    assert.equal(await store.loyalty.points.balance(u), 20);

    const claimed = await store.coupons.claim({ itemId: 'cpn', userId: u, requestId: 'r2', ...where });
    const codes = (await store.db.get<{ n: number }>('SELECT count(*) AS n FROM coupon_codes'))!.n;
    const stock = (await store.db.get<{ stock: number }>("SELECT stock FROM coupon_details WHERE item_id = 'cpn'"))!.stock;
    assert.equal(codes + stock, 5, 'every code taken from stock exactly once');
    const committed = raced.filter((r) => !(r instanceof Error) && r.ok).length;
    // A claim whose COMMIT went through just as the server stopped may report an error; none is counted twice.
    assert.ok(codes >= 1 + committed + (claimed.ok ? 1 : 0));
    assert.equal((await store.db.get<{ n: number }>('SELECT count(DISTINCT request_id) AS n FROM coupon_codes'))!.n, codes);
    for (const r of raced) if (r instanceof Error) assert.match(r.message, /unreachable|terminat/i);
    assert.deepEqual(await store.loyalty.points.reconcile(), []);
  });
});
