import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ClaimResult } from '../../data/partners.js';
import { CODE_PATTERN } from '../../data/sql/coupon-ledger.js';
import { forEachStore, freshSpec, openTestStore } from '../helpers/stores.js';
import { coupon } from '../helpers/catalog.js';
import { agreedAnswers, raceFromTwoProcesses, spawnRaceWorker, type RaceWorker } from '../helpers/two-process-race.js';

const WORKER = fileURLToPath(new URL('../helpers/claim-worker.js', import.meta.url));

function startWorker(db: string, itemId: string, requests: [number, string][]): RaceWorker<ClaimResult> {
  return spawnRaceWorker<ClaimResult>(WORKER, [db, itemId, JSON.stringify(requests)], 'claim worker');
}

forEachStore('e2e: coupon claims from two processes on one database', function (s) {
  this.timeout(120_000);
  let dir: string;
  beforeEach(() => void (dir = mkdtempSync(join(tmpdir(), 'crossfeed-claims-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('gives 1,000 concurrent claims on a stock of 100 exactly 100 distinct codes and stock 0', async () => {
    const db = await freshSpec(s);
    const store = await openTestStore(db);
    await store.catalog.upsert([coupon('cpn-hot', { stock: 100, perUserLimit: 1 })]);
    const users: number[] = [];
    for (let i = 0; i < 1000; i++) users.push(await store.conversations.resolveUser('web', `viewer-${i}`, `Viewer ${i}`));
    await store.close();

    const results = await raceFromTwoProcesses(users, (requests) => startWorker(db, 'cpn-hot', requests));
    assert.equal(results.length, 1100);
    const { codes: byRequest, freshCount: claimed } = agreedAnswers(results, 'claimed');
    const codes = new Set(byRequest.values());
    assert.equal(codes.size, 100, 'exactly 100 distinct codes');
    assert.equal(claimed, 100, 'each code claimed once; resent requests were repeats');
    for (const c of codes) assert.match(c, CODE_PATTERN);

    const check = await openTestStore(db);
    try {
      assert.equal((await check.db.get<{ stock: number }>("SELECT stock FROM coupon_details WHERE item_id = 'cpn-hot'"))?.stock, 0);
      const rows = await check.db.all<{ code: string }>("SELECT code FROM coupon_codes WHERE item_id = 'cpn-hot'");
      assert.deepEqual(new Set(rows.map((r) => r.code)), codes);
      assert.equal(await check.interactions.count('cpn-hot', 'claim'), 100);
      const perProcess = await check.db.all<{ channel: string; n: number }>("SELECT channel, count(*) AS n FROM coupon_codes GROUP BY channel");
      console.log(`      codes won per process: ${perProcess.map((r) => r.n).join(' / ')}`);
    } finally {
      await check.close();
    }
  });
});
