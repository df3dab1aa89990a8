import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RedeemResult } from '../../data/loyalty.js';
import { CODE_PATTERN } from '../../data/sql/coupon-ledger.js';
import { forEachStore, freshSpec, openTestStore } from '../helpers/stores.js';
import { coupon } from '../helpers/catalog.js';
import { agreedAnswers, raceFromTwoProcesses, type RaceWorker } from '../helpers/two-process-race.js';

const WORKER = fileURLToPath(new URL('../helpers/redeem-worker.js', import.meta.url));

interface Worker extends RaceWorker<RedeemResult> { deducted: Promise<void>; kill(): void; exited: Promise<unknown> }

function startWorker(db: string, rewardId: string, requests: [number, string][], env: Record<string, string> = {}): Worker {
  const child = spawn(process.execPath, [WORKER, db, rewardId, JSON.stringify(requests)], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let out = '';
  let err = '';
  let signalReady!: () => void;
  let signalDeducted!: () => void;
  const ready = new Promise<void>((resolve) => (signalReady = resolve));
  const deducted = new Promise<void>((resolve) => (signalDeducted = resolve));
  child.stdout.on('data', (d) => {
    out += String(d);
    if (out.startsWith('ready\n')) signalReady();
    if (out.includes('deducted\n')) signalDeducted();
  });
  child.stderr.on('data', (d) => (err += String(d)));
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
  const done = exited.then((code) => {
    if (code !== 0) throw new Error(`redeem worker exited with ${String(code)}:\n${err}`);
    const last = out.trim().split('\n').pop() ?? '';
    return (JSON.parse(last) as { results: [string, RedeemResult][] }).results;
  });
  return { ready: Promise.race([ready, done.then(() => undefined)]), deducted, done, exited, go: () => child.stdin.end('go\n'), kill: () => child.kill('SIGKILL') };
}

forEachStore('e2e: loyalty redemptions from two processes on one database', function (s) {
  this.timeout(120_000);
  let dir: string;
  beforeEach(() => void (dir = mkdtempSync(join(tmpdir(), 'crossfeed-loyalty-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('gives 1,000 concurrent redemptions of a reward with stock 10 exactly 10 successes, 10 distinct codes and exact deductions', async () => {
    const db = await freshSpec(s);
    const store = await openTestStore(db);
    await store.catalog.upsert([coupon('cpn-hot', { stock: 1000, perUserLimit: 1 })]);
    await store.loyalty.rewards.put({ id: 'hot', name: 'Hot coupon', price: 30, stock: 10, kind: 'coupon', couponItemId: 'cpn-hot' });
    const users: number[] = [];
    for (let i = 0; i < 1000; i++) users.push(await store.conversations.resolveUser('web', `viewer-${i}`, `Viewer ${i}`));
    await store.loyalty.points.applyMany(users.map((userId) => ({ userId, delta: 100, reason: 'grant', key: `seed-${userId}`, actor: 'test' })));
    await store.close();

    const started = performance.now();
    const results = await raceFromTwoProcesses(users, (requests) => startWorker(db, 'hot', requests));
    console.log(`      1,100 redemption requests from two processes in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    assert.equal(results.length, 1100);
    const { codes: winners, freshCount: redeemed } = agreedAnswers(results, 'redeemed');
    assert.equal(winners.size, 10, 'exactly 10 successes');
    assert.equal(new Set(winners.values()).size, 10, '10 distinct codes');
    assert.equal(redeemed, 10, 'each redeemed once; resent requests were repeats');
    for (const c of winners.values()) assert.match(c, CODE_PATTERN);

    const check = await openTestStore(db);
    try {
      const winnerUsers = new Set([...winners.keys()].map((id) => users[Number(id.slice(4))]!));
      for (const u of users) assert.equal(await check.loyalty.points.balance(u), winnerUsers.has(u) ? 70 : 100);
      assert.equal((await check.db.get<{ s: number }>('SELECT SUM(delta) AS s FROM points_ledger'))?.s, 100_000 - 300);
      assert.equal((await check.db.get<{ n: number }>("SELECT count(*) AS n FROM points_ledger WHERE reason = 'redeem'"))?.n, 10);
      assert.equal((await check.loyalty.rewards.get('hot'))?.stock, 0);
      assert.equal((await check.db.get<{ stock: number }>("SELECT stock FROM coupon_details WHERE item_id = 'cpn-hot'"))?.stock, 990);
      const codes = await check.db.all<{ code: string }>("SELECT code FROM coupon_codes WHERE item_id = 'cpn-hot'");
      assert.deepEqual(new Set(codes.map((r) => r.code)), new Set(winners.values()));
      assert.deepEqual(await check.loyalty.points.reconcile(), []);
      const perProcess = await check.db.all<{ channel: string; n: number }>('SELECT channel, count(*) AS n FROM redemptions GROUP BY channel');
      console.log(`      redemptions won per process: ${perProcess.map((r) => r.n).join(' / ')}`);
    } finally {
      await check.close();
    }
  });

  it('a process killed inside a redemption, after the deduction and before the code, leaves none of it', async () => {
    const db = await freshSpec(s);
    const store = await openTestStore(db);
    await store.catalog.upsert([coupon('cpn-last', { stock: 1, perUserLimit: 1 })]);
    await store.loyalty.rewards.put({ id: 'last', name: 'Last one', price: 60, stock: 1, kind: 'coupon', couponItemId: 'cpn-last' });
    const user = await store.conversations.resolveUser('twitch', 'crash', 'Crash');
    await store.loyalty.points.apply({ userId: user, delta: 100, reason: 'grant', key: 'seed', actor: 'test' });
    await store.close();

    const worker = startWorker(db, 'last', [[user, 'crash-1']], { LOYALTY_HANG_AFTER_DEDUCT: '1' });
    await worker.ready;
    worker.go();
    await worker.deducted; // inside the transaction: the deduction is written, the code is not
    worker.kill();
    assert.equal(await worker.exited, 'SIGKILL');

    const after = await openTestStore(db);
    try {
      assert.equal(await after.loyalty.points.balance(user), 100);
      assert.equal((await after.db.get<{ n: number }>('SELECT count(*) AS n FROM points_ledger'))?.n, 1);
      assert.equal((await after.db.get<{ n: number }>('SELECT count(*) AS n FROM redemptions'))?.n, 0);
      assert.equal((await after.db.get<{ n: number }>('SELECT count(*) AS n FROM coupon_codes'))?.n, 0);
      assert.equal((await after.loyalty.rewards.get('last'))?.stock, 1);
      assert.equal((await after.db.get<{ stock: number }>("SELECT stock FROM coupon_details WHERE item_id = 'cpn-last'"))?.stock, 1);
      assert.deepEqual(await after.loyalty.points.reconcile(), []);
      // The retry (same request id) completes exactly once.
      const retry = await after.loyalty.points.redeem({ userId: user, rewardId: 'last', requestId: 'crash-1', platform: 'web', channel: 'retry' });
      assert.ok(retry.ok && retry.status === 'redeemed' && retry.balance === 40);
      const again = await after.loyalty.points.redeem({ userId: user, rewardId: 'last', requestId: 'crash-1', platform: 'web', channel: 'retry' });
      assert.deepEqual(again, { ...retry, status: 'repeat' });
      assert.deepEqual(await after.loyalty.points.reconcile(), []);
    } finally {
      await after.close();
    }
  });
});
