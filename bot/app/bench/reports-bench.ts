/**
 * Report latency at 10^6 interactions. Builds a database in a temporary folder (200 items in 20
 * campaigns of 5 partners, 300 channels on 3 platforms, 60 days of interactions with logged
 * impressions and a spend ledger), then times `crossfeed report` for each grouping over the last
 * 30 days and over all 60 (read from the daily rollups of migration 10) and, as the baseline in
 * the same run, the same counts and IPS sums scanned from the raw tables. Target (issue 14): under 1 s.
 * Run: npm run bench:reports [-- --interactions 1000000 --runs 3]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openSqliteStore } from '../../../data/sqlite/sqlite-store.js';
import { buildReport, REPORT_GROUPS, type ReportGroup } from '../../../recommender/reports/report.js';

const args = process.argv.slice(2);
const arg = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  const v = Number(i >= 0 ? args[i + 1] : fallback);
  if (!Number.isInteger(v) || v <= 0) throw new Error(`--${name} must be a positive integer`);
  return v;
};
const N = arg('interactions', 1_000_000);
const RUNS = arg('runs', 3);
const ITEMS = 200;
const DAY_MS = 86_400_000;
const end = new Date('2026-12-01T00:00:00Z');
const start = new Date(end.getTime() - 60 * DAY_MS);

const dir = mkdtempSync(join(tmpdir(), 'crossfeed-bench-reports-'));
try {
  const store = await openSqliteStore(join(dir, 'bench.db'));
  const db = store.db;
  const t0 = performance.now();
  progress('catalog and campaigns');
  await db.transaction(async (tx) => {
    for (let i = 0; i < ITEMS; i++) {
      await tx.run("INSERT INTO items (id, kind, title, language, price, currency, link) VALUES (?, 'course', ?, ?, 10, 'USD', 'https://example.com')",
        [`item-${i}`, `Item ${i}`, i % 3 === 0 ? 'zh' : 'en']);
    }
    for (let p = 0; p < 5; p++) await tx.run('INSERT INTO partners (id, name) VALUES (?, ?)', [`partner-${p}`, `Partner ${p}`]);
    for (let c = 1; c <= 20; c++) {
      await tx.run(`INSERT INTO campaigns (id, partner_id, name, starts_at, ends_at, currency, total_budget_minor, pricing, price_minor)
        VALUES (?, ?, ?, ?, ?, 'USD', 100000000, 'click', 25)`, [c, `partner-${c % 5}`, `Campaign ${c}`, start.toISOString(), end.toISOString()]);
      for (let k = 0; k < 5; k++) await tx.run('INSERT INTO campaign_items (campaign_id, item_id) VALUES (?, ?)', [c, `item-${(c - 1) * 5 + k}`]);
    }
  });
  progress(`${N.toLocaleString('en')} interactions`);
  // Generated inside SQLite (a recursive CTE): 80% impressions, 15% clicks, 4% claims, 1% conversions.
  const span = end.getTime() - start.getTime();
  await db.transaction(async (tx) => {
    await tx.run(`WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
      INSERT INTO interactions (user_id, item_id, type, platform, channel, created_at)
      SELECT NULL, 'item-' || (abs(random()) % ${ITEMS}),
        CASE WHEN i % 100 < 80 THEN 'impression' WHEN i % 100 < 95 THEN 'click' WHEN i % 100 < 99 THEN 'claim' ELSE 'purchase' END,
        CASE i % 3 WHEN 0 THEN 'twitch' WHEN 1 THEN 'discord' ELSE 'web' END, 'channel-' || (abs(random()) % 100),
        strftime('%Y-%m-%dT%H:%M:%fZ', (? + (i * 1.0 / ?) * ?) / 1000.0, 'unixepoch')
      FROM n`, [N - 1, start.getTime(), N, span]);
    progress('logged impressions and the spend ledger');
    await tx.run(`WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
      INSERT INTO impressions (token, item_id, user_id, platform, channel, created_at, clicked_at, variant, position, propensity)
      SELECT 'tok' || i, 'item-' || (abs(random()) % ${ITEMS}), NULL, 'web', 'bench', strftime('%Y-%m-%dT%H:%M:%fZ', (? + (i * 1.0 / ?) * ?) / 1000.0, 'unixepoch'),
        CASE WHEN abs(random()) % 100 < 6 THEN '2026-01-01T00:00:00.000Z' END,
        CASE WHEN i % 2 = 0 THEN 'explore' ELSE 'control' END, i % 3,
        CASE WHEN i % 2 = 0 THEN 0.2 + (abs(random()) % 80) / 100.0 ELSE 1 END
      FROM n`, [Math.floor(N * 0.8) - 1, start.getTime(), Math.floor(N * 0.8), span]);
    await tx.run(`INSERT INTO spend_ledger (campaign_id, event_key, event_type, item_id, user_id, platform, channel, amount_minor, currency, outcome, created_at)
      SELECT ci.campaign_id, 'click:' || x.id, 'click', x.item_id, NULL, x.platform, x.channel, 25, 'USD', 'billed', x.created_at
      FROM interactions x JOIN campaign_items ci ON ci.item_id = x.item_id WHERE x.type = 'click'`);
  });
  await db.exec('ANALYZE');
  const built = (performance.now() - t0) / 1000;
  const items = new Map((await store.catalog.list()).map((i) => [i.id, { language: i.language, kind: i.kind }]));
  const deps = { reports: store.reports, item: (id: string) => items.get(id) };

  async function time(by: ReportGroup, days: number, partnerId?: string): Promise<number> {
    const scope = { from: new Date(end.getTime() - days * DAY_MS), to: end, ...(partnerId ? { partnerId } : {}) };
    let best = Infinity;
    for (let r = 0; r < RUNS; r++) {
      const t = performance.now();
      await buildReport(deps, scope, by);
      best = Math.min(best, performance.now() - t);
    }
    return best;
  }
  const cases: [ReportGroup, number, string?][] = [...REPORT_GROUPS.map((g): [ReportGroup, number] => [g, 30]), ['campaign', 60], ['channel', 60], ['campaign', 30, 'partner-1'], ['channel', 30, 'partner-1']];
  progress('timing reports (rollups)');
  const indexed: number[] = [];
  for (const c of cases) indexed.push(await time(...c));
  progress('timing the baseline (the same aggregates scanned from the raw tables)');
  const baseline: number[] = [];
  for (const c of cases) baseline.push(await rawScan(...c));

  const ms = (x: number) => `${x.toFixed(0)} ms`.padStart(9);

  async function rawScan(by: ReportGroup, days: number, partnerId?: string): Promise<number> {
    const from = new Date(end.getTime() - days * DAY_MS).toISOString();
    const key = by === 'channel' ? "platform || ':' || channel" : by === 'platform' ? 'platform' : 'item_id';
    const scope = partnerId ? ' AND item_id IN (SELECT ci.item_id FROM campaign_items ci JOIN campaigns c ON c.id = ci.campaign_id WHERE c.partner_id = ?)' : '';
    const params = [from, end.toISOString(), ...(partnerId ? [partnerId] : [])];
    let best = Infinity;
    for (let r = 0; r < RUNS; r++) {
      const t = performance.now();
      await db.all(`SELECT ${key} AS key, type, count(*) FROM interactions WHERE created_at >= ? AND created_at < ?${scope} GROUP BY key, type`, params);
      await db.all(`SELECT variant, item_id, propensity >= 0.5, count(*), count(clicked_at), sum(1.0 / propensity) FROM impressions
        WHERE created_at >= ? AND created_at < ? AND variant IS NOT NULL${scope} GROUP BY 1, 2, 3`, params);
      best = Math.min(best, performance.now() - t);
    }
    return best;
  }
  process.stdout.write(`\nreports over ${N.toLocaleString('en')} interactions and ${Math.floor(N * 0.8).toLocaleString('en')} logged impressions (built in ${built.toFixed(1)} s); best of ${RUNS} runs\n`);
  process.stdout.write(`${'report'.padEnd(44)}${'rollups'.padStart(9)}  ${'baseline (raw scan)'.padStart(20)}\n`);
  await store.close();
  cases.forEach(([by, days, partner], i) => {
    process.stdout.write(`${`--by ${by}, ${days} days${partner ? `, --partner ${partner}` : ''}`.padEnd(44)}${ms(indexed[i]!)}  ${ms(baseline[i]!).padStart(20)}\n`);
  });
  const worst = Math.max(...indexed);
  process.stdout.write(`slowest report: ${worst.toFixed(0)} ms (target < 1000 ms): ${worst < 1000 ? 'met' : 'NOT met'}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

function progress(step: string) {
  process.stderr.write(`[bench:reports] ${step}...\n`);
}
