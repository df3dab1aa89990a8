import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { forEachStore, freshSpec, openTestStore } from '../helpers/stores.js';
import { parseCampaign } from '../../recommender/campaigns/schema.js';
import { coupon, course } from '../helpers/catalog.js';
import { raceFromTwoProcesses, spawnRaceWorker, type RaceWorker } from '../helpers/two-process-race.js';

const WORKER = fileURLToPath(new URL('../helpers/billing-worker.js', import.meta.url));

function startWorker(db: string, tokensFile: string, requests: [number, string][]): RaceWorker<boolean> {
  return spawnRaceWorker<boolean>(WORKER, [db, tokensFile, JSON.stringify(requests)], 'billing worker');
}

forEachStore('e2e: campaign billing from two processes on one database', function (s) {
  this.timeout(180_000);
  let dir: string;
  beforeEach(() => void (dir = mkdtempSync(join(tmpdir(), 'crossfeed-billing-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('bills 1,000 concurrent clicks and claims exactly once each, and never past the budget', async () => {
    const db = await freshSpec(s);
    const store = await openTestStore(db);
    await store.catalog.upsert([course('crs-paid'), coupon('cpn-paid', { stock: 10_000, perUserLimit: 5 })]);
    await store.campaigns.putPartner('acme', 'Acme');
    const window = { partnerId: 'acme', startsAt: '2020-01-01T00:00:00Z', endsAt: '2100-01-01T00:00:00Z', currency: 'USD', pacing: 'asap' };
    // 500 clicks at 0.30 against 100.00: 333 fit. 500 claims at 0.70 against 250.00: 357 fit.
    const clicks = await store.campaigns.create(parseCampaign({ ...window, name: 'Clicks', itemIds: ['crs-paid'], totalBudget: '100', pricing: 'click', price: '0.30' }));
    const claims = await store.campaigns.create(parseCampaign({ ...window, name: 'Claims', itemIds: ['cpn-paid'], totalBudget: '250', pricing: 'claim', price: '0.70' }));
    const users: number[] = [];
    const tokens: Record<string, string> = {};
    for (let i = 0; i < 1000; i++) {
      const user = await store.conversations.resolveUser('web', `viewer-${i}`, `Viewer ${i}`);
      users.push(user);
      if (i % 2 === 0) tokens[`req-${i}`] = await store.tracking.createImpression({ itemId: 'crs-paid', userId: user, platform: 'web', channel: 'race' });
    }
    await store.close();
    const tokensFile = join(dir, 'tokens.json');
    writeFileSync(tokensFile, JSON.stringify(tokens));

    const results = await raceFromTwoProcesses(users, (requests) => startWorker(db, tokensFile, requests));
    assert.equal(results.length, 1100);
    assert.equal(results.filter(([, fresh]) => fresh).length, 1000, 'each event took effect once; the 100 resent ones were repeats');

    const check = await openTestStore(db);
    try {
      for (const [c, events, price, budget] of [[clicks.id, 500, 30, 10_000], [claims.id, 500, 70, 25_000]] as const) {
        const ledger = await check.campaigns.ledger({ campaignId: c });
        assert.equal(ledger.length, events, 'one ledger row per event, billed or not');
        assert.equal(new Set(ledger.map((l) => l.eventKey)).size, events);
        const billed = ledger.filter((l) => l.outcome === 'billed');
        const sum = billed.reduce((s, l) => s + l.amount, 0);
        const got = (await check.campaigns.get(c))!;
        assert.equal(got.spentTotal, sum, 'spend is exactly the sum of billed events');
        assert.equal(sum, billed.length * price);
        assert.equal(billed.length, Math.floor(budget / price), 'billed until one more price would not fit');
        assert.ok(got.spentTotal <= budget + price, 'never past the budget by more than one price');
        assert.ok(got.spentTotal <= budget, '(in fact never past it at all)');
        assert.ok(ledger.filter((l) => l.outcome !== 'billed').every((l) => l.outcome === 'over_budget' && l.amount === 0));
      }
      assert.equal(await check.interactions.count('crs-paid', 'click'), 500);
      assert.equal(await check.interactions.count('cpn-paid', 'claim'), 500);
    } finally {
      await check.close();
    }
  });
});
