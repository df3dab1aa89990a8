import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CODE_PATTERN } from '../../../data/sql/coupon-ledger.js';
import { Database } from '../../../data/sqlite/database.js';
import { migrations } from '../../../data/sqlite/migrations.js';
import { openSqliteStore } from '../../../data/sqlite/sqlite-store.js';
import { forEachStore, type TestStore } from '../../helpers/stores.js';
import { coupon, course } from '../../helpers/catalog.js';


forEachStore('store: coupon ledger', (s) => {
  let store: TestStore;
  let clock: Date;
  let alice: number;
  let bob: number;
  const where = { platform: 'web', channel: 'widget' };
  const stock = async (id: string) => (await store.db.get<{ stock: number }>('SELECT stock FROM coupon_details WHERE item_id = ?', [id]))?.stock;
  const claims = async (id: string) => (await store.db.get<{ n: number }>("SELECT count(*) AS n FROM interactions WHERE item_id = ? AND type = 'claim'", [id]))?.n;

  beforeEach(async () => {
    clock = new Date('2029-06-01T12:00:00Z');
    store = await s.fresh({ coupons: { now: () => clock } });
    await store.catalog.upsert([
      coupon('cpn-ramen', { stock: 3, perUserLimit: 1, expiresAt: '2029-12-31T00:00:00.000Z' }),
      coupon('cpn-coffee', { stock: 10, perUserLimit: 3 }),
      coupon('cpn-empty', { stock: 0 }),
      coupon('cpn-old', { stock: 5, expiresAt: '2029-06-01T12:00:00.000Z' }),
      course('crs-python'),
    ]);
    alice = await store.conversations.resolveUser('web', 'alice', 'Alice');
    bob = await store.conversations.resolveUser('web', 'bob', 'Bob');
  });
  afterEach(() => store.close());

  it('claims a unique readable code, takes one from stock and records a claim', async () => {
    const r = await store.coupons.claim({ itemId: 'cpn-ramen', userId: alice, requestId: 'req-1', ...where });
    assert.ok(r.ok && r.status === 'claimed', JSON.stringify(r));
    assert.match(r.code, CODE_PATTERN);
    assert.equal(await stock('cpn-ramen'), 2);
    assert.equal(await claims('cpn-ramen'), 1);
    assert.deepEqual(await store.coupons.find(r.code), { code: r.code, itemId: 'cpn-ramen', userId: alice, requestId: 'req-1', claimedAt: r.claimedAt, redeemedAt: null });
  });

  it('answers a repeated request id with the same code and takes nothing more', async () => {
    const first = await store.coupons.claim({ itemId: 'cpn-ramen', userId: alice, requestId: 'req-1', ...where });
    const again = await Promise.all([1, 2, 3].map(() => store.coupons.claim({ itemId: 'cpn-ramen', userId: alice, requestId: 'req-1', ...where })));
    assert.ok(first.ok);
    for (const r of again) assert.deepEqual(r, { ...first, status: 'repeat' });
    assert.equal(await stock('cpn-ramen'), 2);
    assert.equal(await claims('cpn-ramen'), 1);
  });

  it('never hands a request id\'s code to another user or item', async () => {
    await store.coupons.claim({ itemId: 'cpn-ramen', userId: alice, requestId: 'req-1', ...where });
    assert.deepEqual(await store.coupons.claim({ itemId: 'cpn-ramen', userId: bob, requestId: 'req-1', ...where }), { ok: false, error: 'request_id_conflict' });
    assert.deepEqual(await store.coupons.claim({ itemId: 'cpn-coffee', userId: alice, requestId: 'req-1', ...where }), { ok: false, error: 'request_id_conflict' });
  });

  it('enforces the per-user limit with distinct codes up to it', async () => {
    const codes = new Set<string>();
    for (const n of [1, 2, 3]) {
      const r = await store.coupons.claim({ itemId: 'cpn-coffee', userId: alice, requestId: `a-${n}`, ...where });
      assert.ok(r.ok && r.status === 'claimed');
      codes.add(r.code);
    }
    assert.equal(codes.size, 3);
    assert.deepEqual(await store.coupons.claim({ itemId: 'cpn-coffee', userId: alice, requestId: 'a-4', ...where }), { ok: false, error: 'limit_reached' });
    assert.ok((await store.coupons.claim({ itemId: 'cpn-coffee', userId: bob, requestId: 'b-1', ...where })).ok, 'the limit is per user');
    assert.equal(await stock('cpn-coffee'), 6);
  });

  it('refuses an empty stock and stops exactly at zero', async () => {
    assert.deepEqual(await store.coupons.claim({ itemId: 'cpn-empty', userId: alice, requestId: 'e-1', ...where }), { ok: false, error: 'out_of_stock' });
    const users = await Promise.all(['u1', 'u2', 'u3', 'u4', 'u5'].map((u) => store.conversations.resolveUser('web', u, u)));
    const results = await Promise.all(users.map((u, i) => store.coupons.claim({ itemId: 'cpn-ramen', userId: u, requestId: `s-${i}`, ...where })));
    assert.equal(results.filter((r) => r.ok).length, 3);
    assert.deepEqual(results.filter((r) => !r.ok), [{ ok: false, error: 'out_of_stock' }, { ok: false, error: 'out_of_stock' }]);
    assert.equal(await stock('cpn-ramen'), 0);
  });

  it('enforces expiry at the instant it passes', async () => {
    assert.deepEqual(await store.coupons.claim({ itemId: 'cpn-old', userId: alice, requestId: 'x-1', ...where }), { ok: false, error: 'expired' });
    clock = new Date('2029-12-30T23:59:59.999Z');
    assert.ok((await store.coupons.claim({ itemId: 'cpn-ramen', userId: alice, requestId: 'x-2', ...where })).ok);
    clock = new Date('2029-12-31T00:00:00.000Z');
    assert.deepEqual(await store.coupons.claim({ itemId: 'cpn-ramen', userId: bob, requestId: 'x-3', ...where }), { ok: false, error: 'expired' });
    assert.equal(await stock('cpn-old'), 5);
  });

  it('refuses unknown items and items that are not coupons', async () => {
    assert.deepEqual(await store.coupons.claim({ itemId: 'cpn-nope', userId: alice, requestId: 'n-1', ...where }), { ok: false, error: 'unknown_item' });
    assert.deepEqual(await store.coupons.claim({ itemId: 'crs-python', userId: alice, requestId: 'n-2', ...where }), { ok: false, error: 'not_a_coupon' });
  });

  it('keeps claims of a coupon removed from the catalog, which can no longer be claimed or deleted', async () => {
    const held = await store.coupons.claim({ itemId: 'cpn-ramen', userId: alice, requestId: 'r-1', ...where });
    assert.ok(held.ok);
    // Removal deactivates the item (the catalog no longer lists it); deleting it would cascade to the codes.
    await store.db.run('UPDATE items SET active = 0 WHERE id = ?', ['cpn-ramen']);
    assert.equal(await store.catalog.get('cpn-ramen'), undefined);
    assert.deepEqual(await store.coupons.claim({ itemId: 'cpn-ramen', userId: bob, requestId: 'r-2', ...where }), { ok: false, error: 'unknown_item' });
    assert.deepEqual(await store.coupons.claim({ itemId: 'cpn-ramen', userId: alice, requestId: 'r-1', ...where }), { ...held, status: 'repeat' });
    await assert.rejects(store.db.run('DELETE FROM items WHERE id = ?', ['cpn-ramen']), /deactivate it instead/);
    assert.equal((await store.coupons.find(held.code))?.itemId, 'cpn-ramen');
    await store.db.run('DELETE FROM items WHERE id = ?', ['cpn-coffee']); // nothing claimed: deleting is allowed
  });

  if (s.engine === 'sqlite') it('brings a database at version 2 up to the latest version keeping its codes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'crossfeed-ledger-'));
    try {
      const db = await Database.open(join(dir, 'v2.db'));
      await db.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT)');
      for (const m of migrations.filter((m) => m.version <= 2)) {
        await db.exec(m.sql);
        await db.run('INSERT INTO schema_migrations (version, name) VALUES (?, ?)', [m.version, m.name]);
      }
      await db.exec(`INSERT INTO items (id, kind, title, language, price, currency, link) VALUES ('cpn-a', 'coupon', 'A', 'en', 0, 'USD', 'https://example.com/a');
        INSERT INTO users (id) VALUES (1); INSERT INTO coupon_codes (code, item_id, user_id, request_id) VALUES ('OLD-CODE', 'cpn-a', 1, 'old-req')`);
      await db.close();
      const upgraded = await openSqliteStore(join(dir, 'v2.db'));
      assert.equal((await upgraded.coupons.find('OLD-CODE'))?.requestId, 'old-req');
      assert.equal((await upgraded.db.get<{ v: number }>('SELECT max(version) AS v FROM schema_migrations'))?.v, Math.max(...migrations.map((m) => m.version)));
      await upgraded.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
