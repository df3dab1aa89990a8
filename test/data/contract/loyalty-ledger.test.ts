import assert from 'node:assert/strict';
import type { CheckinRules, PointsChange } from '../../../data/loyalty.js';
import { CODE_PATTERN } from '../../../data/sql/coupon-ledger.js';
import { forEachStore, type TestStore } from '../../helpers/stores.js';
import { seededRng } from '../../../recommender/random.js';
import { coupon } from '../../helpers/catalog.js';


const RULES: CheckinRules = { timeZone: 'UTC', points: 10, streakBonus: 5, maxStreakBonus: 20 };
const where = { platform: 'twitch', channel: 'streamer' };

forEachStore('store: loyalty: points ledger', (s) => {
  let store: TestStore;
  let clock: Date;
  let alice: number;
  let bob: number;
  const grant = (userId: number, delta: number, key: string): PointsChange => ({ userId, delta, reason: delta > 0 ? 'grant' : 'revoke', key, actor: 'cli:test', note: 'test' });
  const count = async (sql: string) => (await store.db.get<{ n: number }>(sql))?.n;

  beforeEach(async () => {
    clock = new Date('2029-06-01T12:00:00Z');
    store = await s.fresh({ loyalty: { now: () => clock }, coupons: { now: () => clock } });
    alice = await store.conversations.resolveUser('twitch', 'alice', 'Alice');
    bob = await store.conversations.resolveUser('discord', 'bob', 'Bob');
  });
  afterEach(() => store.close());

  it('applies a change once per key, answers a repeat with the first entry and refuses a reused key', async () => {
    const first = await store.loyalty.points.apply(grant(alice, 50, 'k1'));
    assert.ok(first.ok && first.status === 'applied');
    assert.equal(first.balance, 50);
    assert.equal(first.entry.actor, 'cli:test');
    const again = await store.loyalty.points.apply(grant(alice, 50, 'k1'));
    assert.ok(again.ok && again.status === 'repeat');
    assert.equal(again.entry.id, first.entry.id);
    assert.deepEqual(await store.loyalty.points.apply(grant(alice, 70, 'k1')), { ok: false, error: 'key_conflict', balance: 50 });
    assert.deepEqual(await store.loyalty.points.apply(grant(bob, 50, 'k1')), { ok: false, error: 'key_conflict', balance: 0 });
    assert.equal(await store.loyalty.points.balance(alice), 50);
    assert.equal(await count('SELECT count(*) AS n FROM points_ledger'), 1);
  });

  it('never goes negative: a revoke past the balance is refused and leaves no entry', async () => {
    await store.loyalty.points.apply(grant(alice, 30, 'g'));
    assert.deepEqual(await store.loyalty.points.apply(grant(alice, -31, 'r1')), { ok: false, error: 'insufficient', balance: 30 });
    assert.deepEqual(await store.loyalty.points.apply(grant(bob, -1, 'r2')), { ok: false, error: 'insufficient', balance: 0 });
    const exact = await store.loyalty.points.apply(grant(alice, -30, 'r3'));
    assert.ok(exact.ok);
    assert.equal(exact.balance, 0);
    assert.equal((await store.loyalty.points.apply(grant(alice, 0, 'zero'))).ok, false);
    assert.equal(await count('SELECT count(*) AS n FROM points_ledger'), 2);
    // The cache's CHECK holds even against a hand-written update.
    await assert.rejects(store.db.run('UPDATE points_balances SET balance = -5 WHERE user_id = ?', [alice]), /points_never_negative/);
    assert.deepEqual(await store.loyalty.points.reconcile(), []);
  });

  it('keeps the ledger append-only and reconcile() reports a tampered cache', async () => {
    await store.loyalty.points.apply(grant(alice, 30, 'g'));
    await assert.rejects(store.db.run('UPDATE points_ledger SET delta = 99'), /append-only/);
    await assert.rejects(store.db.run('DELETE FROM points_ledger'), /append-only/);
    await store.db.run('UPDATE points_balances SET balance = 31 WHERE user_id = ?', [alice]);
    assert.deepEqual(await store.loyalty.points.reconcile(), [{ userId: alice, cached: 31, ledger: 30 }]);
  });

  it('credits one check-in per calendar day, with a capped streak bonus that a missed day resets', async () => {
    const at = (iso: string) => store.loyalty.points.checkIn({ userId: alice, at: new Date(iso), rules: RULES, ...where });
    assert.deepEqual(await at('2029-06-01T08:00:00Z'), { status: 'checked_in', day: '2029-06-01', streak: 1, points: 10, balance: 10 });
    assert.equal((await at('2029-06-01T23:59:59Z')).status, 'already');
    const results = await Promise.all([at('2029-06-02T00:00:01Z'), at('2029-06-02T10:00:00Z'), at('2029-06-02T12:00:00Z')]);
    assert.equal(results.filter((r) => r.status === 'checked_in').length, 1, 'three at once, one credit');
    assert.equal(await store.loyalty.points.balance(alice), 25);
    assert.equal((await at('2029-06-03T09:00:00Z') as { points: number }).points, 20);
    assert.equal((await at('2029-06-04T09:00:00Z') as { points: number }).points, 25);
    assert.equal((await at('2029-06-05T09:00:00Z') as { points: number }).points, 30, 'bonus capped at 20');
    assert.deepEqual(await at('2029-06-07T09:00:00Z'), { status: 'checked_in', day: '2029-06-07', streak: 1, points: 10, balance: 110 });
    assert.deepEqual(await store.loyalty.points.reconcile(), []);
  });

  it('uses the channel time zone: 23:30 and 00:30 in Shanghai are two days even though both are the same UTC day', async () => {
    const shanghai = { ...RULES, timeZone: 'Asia/Shanghai' };
    const a = await store.loyalty.points.checkIn({ userId: alice, at: new Date('2029-06-01T15:30:00Z'), rules: shanghai, ...where });
    const b = await store.loyalty.points.checkIn({ userId: alice, at: new Date('2029-06-01T16:30:00Z'), rules: shanghai, ...where });
    assert.deepEqual([a.day, a.status, b.day, b.status, b.streak], ['2029-06-01', 'checked_in', '2029-06-02', 'checked_in', 2]);
    const utc = await store.loyalty.points.checkIn({ userId: bob, at: new Date('2029-06-01T15:30:00Z'), rules: RULES, ...where });
    const utc2 = await store.loyalty.points.checkIn({ userId: bob, at: new Date('2029-06-01T16:30:00Z'), rules: RULES, ...where });
    assert.deepEqual([utc.status, utc2.status], ['checked_in', 'already']);
  });

  it('redeems a coupon reward: deducts, issues a code, repeats by request id, refuses without points or stock', async () => {
    await store.catalog.upsert([coupon('cpn-ramen', { stock: 5, perUserLimit: 3 })]);
    await store.loyalty.rewards.put({ id: 'ramen', name: 'Ramen 20% off', price: 40, stock: 2, kind: 'coupon', couponItemId: 'cpn-ramen', scope: 'twitch:streamer' });
    await store.loyalty.rewards.put({ id: 'py20', name: 'Python course 20% off', price: 10, kind: 'code', code: 'PY20' });
    await store.loyalty.points.apply(grant(alice, 100, 'g'));
    const r = (requestId: string, rewardId = 'ramen', userId = alice) => store.loyalty.points.redeem({ userId, rewardId, requestId, ...where });
    const first = await r('m1');
    assert.ok(first.ok && first.status === 'redeemed');
    assert.match(first.code, CODE_PATTERN);
    assert.equal(first.balance, 60);
    assert.deepEqual(await r('m1'), { ...first, status: 'repeat' });
    assert.deepEqual(await r('m1', 'py20'), { ok: false, error: 'request_id_conflict', balance: 60 });
    assert.ok((await r('m2')).ok);
    assert.deepEqual(await r('m3'), { ok: false, error: 'out_of_stock', balance: 20 });
    assert.deepEqual(await r('m4', 'nope'), { ok: false, error: 'unknown_reward', balance: 20 });
    assert.deepEqual(await r('m5', 'ramen', bob), { ok: false, error: 'out_of_stock', balance: 0 });
    const code = await r('m6', 'py20');
    assert.ok(code.ok && code.code === 'PY20' && code.balance === 10);
    assert.equal((await store.coupons.find(first.ok ? first.code : ''))?.userId, alice);
    assert.equal((await store.db.get<{ stock: number }>("SELECT stock FROM coupon_details WHERE item_id = 'cpn-ramen'"))?.stock, 3);
    assert.deepEqual((await store.loyalty.rewards.list('twitch:streamer')).map((w) => w.id), ['py20', 'ramen']);
    assert.deepEqual((await store.loyalty.rewards.list('twitch:other')).map((w) => w.id), ['py20']);
    assert.deepEqual(await store.loyalty.points.reconcile(), []);
  });

  it('rolls the deduction back when the coupon behind a reward cannot be issued', async () => {
    await store.catalog.upsert([coupon('cpn-old', { stock: 5, expiresAt: '2029-01-01T00:00:00.000Z' }), coupon('cpn-none', { stock: 0 })]);
    await store.loyalty.rewards.put({ id: 'old', name: 'Old', price: 10, kind: 'coupon', couponItemId: 'cpn-old', stock: 3 });
    await store.loyalty.rewards.put({ id: 'none', name: 'None', price: 10, kind: 'coupon', couponItemId: 'cpn-none' });
    await store.loyalty.points.apply(grant(alice, 50, 'g'));
    assert.deepEqual(await store.loyalty.points.redeem({ userId: alice, rewardId: 'old', requestId: 'x1', ...where }), { ok: false, error: 'coupon_unavailable', balance: 50 });
    assert.deepEqual(await store.loyalty.points.redeem({ userId: alice, rewardId: 'none', requestId: 'x2', ...where }), { ok: false, error: 'out_of_stock', balance: 50 });
    assert.equal((await store.loyalty.rewards.get('old'))?.stock, 3, 'reward stock restored');
    assert.equal(await count('SELECT count(*) AS n FROM points_ledger'), 1);
  });

  it('shares one balance between identities linked with a link code', async () => {
    await store.loyalty.points.apply(grant(alice, 40, 'g'));
    const code = await store.identities.createLinkCode(alice);
    assert.equal((await store.identities.redeemLinkCode(code, 'discord', 'alice#1')).status, 'linked');
    const viaDiscord = await store.conversations.resolveUser('discord', 'alice#1', 'alice');
    assert.equal(viaDiscord, alice);
    await store.loyalty.points.checkIn({ userId: viaDiscord, at: clock, rules: RULES, platform: 'discord', channel: 'guild' });
    assert.equal(await store.loyalty.points.balance(alice), 50);
    const again = await store.loyalty.points.checkIn({ userId: alice, at: clock, rules: RULES, ...where });
    assert.equal(again.status, 'already', 'one check-in a day across platforms');
  });

  it('finds a user by login or display name, ignoring ASCII case, non-ASCII letters as typed', async () => {
    const unal = await store.conversations.resolveUser('twitch', 'unal_tv', 'Ünal');
    assert.equal(await store.loyalty.points.findUser('twitch', 'Ünal'), unal);
    assert.equal(await store.loyalty.points.findUser('twitch', 'ÜNAL'), unal);
    assert.equal(await store.loyalty.points.findUser('twitch', 'unal_tv'), unal);
    assert.equal(await store.loyalty.points.findUser('twitch', 'ALICE'), alice);
    assert.equal(await store.loyalty.points.findUser('discord', 'Ünal'), undefined);
  });

  it('ranks a leaderboard overall and per channel', async () => {
    await store.loyalty.points.apply({ ...grant(alice, 40, 'a'), platform: 'twitch', channel: 'streamer' });
    await store.loyalty.points.apply({ ...grant(bob, 70, 'b'), platform: 'discord', channel: 'guild' });
    assert.deepEqual(await store.loyalty.points.leaderboard(), [{ userId: bob, displayName: 'Bob', points: 70 }, { userId: alice, displayName: 'Alice', points: 40 }]);
    assert.deepEqual(await store.loyalty.points.leaderboard({ scope: 'twitch:streamer' }), [{ userId: alice, displayName: 'Alice', points: 40 }]);
  });

  // 100,000 operations on SQLite (in memory); 5,000 on PostgreSQL, whose round trips make each one
  // about ten times slower: the same mix, enough to meet every path many times.
  const total = s.engine === 'sqlite' ? 100_000 : 5_000;
  it(`reconciles every cached balance after a seeded ${total}-operation randomized run`, async function () {
    this.timeout(120_000);
    await store.catalog.upsert([coupon('cpn-bulk', { stock: 300, perUserLimit: 1000 })]);
    await store.loyalty.rewards.put({ id: 'bulk', name: 'Bulk coupon', price: 25, stock: 250, kind: 'coupon', couponItemId: 'cpn-bulk' });
    await store.loyalty.rewards.put({ id: 'code', name: 'Course code', price: 60, kind: 'code', code: 'LEARN' });
    const rng = seededRng(2024);
    const users: number[] = [];
    for (let i = 0; i < 200; i++) users.push(await store.conversations.resolveUser('web', `v${i}`, `V${i}`));
    const expected = new Map<number, number>();
    const applied = new Map<string, PointsChange>();
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rng() * xs.length)]!;
    let ops = 0;
    let refused = 0;
    const started = performance.now();
    while (ops < total) {
      const batch: PointsChange[] = [];
      const expectations: (boolean | 'repeat' | 'conflict')[] = [];
      for (let i = 0; i < 1000; i++) {
        const u = pick(users);
        const roll = rng();
        const have = expected.get(u) ?? 0;
        let change: PointsChange;
        if (roll < 0.08 && applied.size) {
          const key = `k${Math.floor(rng() * ops)}`;
          const prev = applied.get(key);
          if (prev && rng() < 0.5) {
            change = prev;
            expectations.push('repeat');
          } else {
            change = prev ? { ...prev, delta: prev.delta > 0 ? prev.delta + 1 : prev.delta - 1 } : grant(u, 1, `fresh-${ops}-${i}`);
            expectations.push(prev ? 'conflict' : true);
            if (!prev) expected.set(u, have + 1);
          }
        } else {
          const delta = roll < 0.55 ? 1 + Math.floor(rng() * 100) : -(1 + Math.floor(rng() * 120));
          change = { ...grant(u, delta, `k${ops + i}`), reason: delta > 0 ? (rng() < 0.5 ? 'chat' : 'grant') : 'revoke' };
          const ok = have + delta >= 0;
          expectations.push(ok);
          if (ok) {
            expected.set(u, have + delta);
            applied.set(change.key, change);
          }
        }
        batch.push(change);
      }
      const results = await store.loyalty.points.applyMany(batch);
      results.forEach((res, i) => {
        const want = expectations[i];
        if (want === 'repeat') assert.ok(res.ok && res.status === 'repeat');
        else if (want === 'conflict') assert.ok(!res.ok && res.error === 'key_conflict');
        else assert.equal(res.ok, want, `op ${ops + i}`);
        if (!res.ok) refused++;
      });
      ops += batch.length;
      // Between batches, single-transaction redemptions and check-ins (10 per batch).
      for (let i = 0; i < 10; i++, ops++) {
        const u = pick(users);
        if (i % 2 === 0) {
          const reward = rng() < 0.6 ? 'bulk' : 'code';
          const res = await store.loyalty.points.redeem({ userId: u, rewardId: reward, requestId: `red-${ops}`, ...where });
          if (res.ok) expected.set(u, (expected.get(u) ?? 0) - res.price);
          else assert.ok(['insufficient', 'out_of_stock'].includes(res.error), res.error);
          assert.equal(res.balance, expected.get(u) ?? 0);
        } else {
          clock = new Date(clock.getTime() + 3_600_000 * 7);
          const res = await store.loyalty.points.checkIn({ userId: u, at: clock, rules: RULES, ...where });
          if (res.status === 'checked_in') expected.set(u, (expected.get(u) ?? 0) + res.points);
          assert.equal(res.balance, expected.get(u) ?? 0);
        }
      }
    }
    const seconds = (performance.now() - started) / 1000;
    console.log(`      ${ops} operations (${refused} refused) in ${seconds.toFixed(1)} s`);
    assert.deepEqual(await store.loyalty.points.reconcile(), []);
    for (const u of users) assert.equal(await store.loyalty.points.balance(u), expected.get(u) ?? 0);
    assert.equal(await count('SELECT count(*) AS n FROM points_balances WHERE balance < 0'), 0);
    const sold = await count("SELECT count(*) AS n FROM redemptions WHERE reward_id = 'bulk'");
    assert.equal((await store.loyalty.rewards.get('bulk'))?.stock, 250 - sold!);
    assert.equal(await count("SELECT count(*) AS n FROM coupon_codes WHERE item_id = 'cpn-bulk'"), sold);
  });
});
