import { openStore } from '../store.js';
import { formatMinor } from '../../../recommender/campaigns/money.js';
import { buildReport, REPORT_GROUPS, reportCsv, type Report, type ReportGroup } from '../../../recommender/reports/report.js';
import { loadConfig } from '../../config.js';

export interface ReportOptions { config?: string; from?: string; to?: string; by?: string; partner?: string; campaign?: string; json?: boolean; csv?: boolean }

const DAY_MS = 86_400_000;

/**
 * `crossfeed report [--by partner|campaign|item|channel|platform|language] [--from] [--to]
 * [--partner id] [--campaign id] [--json|--csv]`: the same figures as the dashboard.
 * Exit code: 0, or 2 for invalid options (the message names the option).
 */
export async function runReport(o: ReportOptions): Promise<number> {
  const by = (o.by ?? 'campaign') as ReportGroup;
  if (!REPORT_GROUPS.includes(by)) return fail(`--by: one of ${REPORT_GROUPS.join(', ')}`);
  const to = o.to !== undefined ? new Date(o.to) : new Date();
  const from = o.from !== undefined ? new Date(o.from) : new Date(to.getTime() - 30 * DAY_MS);
  if (Number.isNaN(to.getTime())) return fail(`--to: "${o.to}" is not a date (e.g. 2026-12-01 or 2026-12-01T12:00:00Z)`);
  if (Number.isNaN(from.getTime())) return fail(`--from: "${o.from}" is not a date (e.g. 2026-11-01)`);
  if (from >= to) return fail('--from: must be before --to');
  let campaignId: number | undefined;
  if (o.campaign !== undefined) {
    campaignId = Number(o.campaign);
    if (!Number.isInteger(campaignId) || campaignId < 1) return fail(`--campaign: "${o.campaign}" is not a campaign id`);
  }
  if (o.json && o.csv) return fail('--json and --csv: choose one');
  const config = loadConfig(o.config ? { file: o.config } : {});
  const store = await openStore(config.database);
  try {
    const items = new Map((await store.catalog.list()).map((i) => [i.id, { language: i.language, kind: i.kind }]));
    const report = await buildReport({ reports: store.reports, item: (id) => items.get(id) }, {
      from, to, ...(o.partner !== undefined ? { partnerId: o.partner } : {}), ...(campaignId !== undefined ? { campaignId } : {}),
    }, by);
    process.stdout.write(o.json ? `${JSON.stringify(report, null, 2)}\n` : o.csv ? reportCsv(report, formatMinor) : table(report));
  } finally {
    await store.close();
  }
  return 0;
}

function table(r: Report): string {
  const head = [r.by, 'impr', 'clicks', 'CTR', 'claims', 'conv', 'spend', 'CPC', 'CPA'];
  const money = (minor: number | null, cur: string | null) => (minor === null || cur === null ? '-' : `${formatMinor(minor, cur)} ${cur}`);
  const spend = (x: Report['rows'][number]) => Object.entries(x.spend).map(([c, a]) => `${formatMinor(a, c)} ${c}`).join(' + ') || '-';
  const cells = [...r.rows, r.totals].map((x) => [x.key, x.impressions, x.clicks, x.ctr === null ? '-' : `${(x.ctr * 100).toFixed(2)}%`, x.claims, x.conversions,
    spend(x), money(x.cpc, x.currency), money(x.cpa, x.currency)].map(String));
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const fmt = (c: string[]) => c.map((v, i) => (i === 0 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join('  ');
  const e = r.experiment;
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const lift = e.enough
    ? `explore vs control CTR: ${pct(e.explore.ctr)} vs ${pct(e.control.ctr)}, lift ${pct(e.relativeLift)} (95% CI ${pct(e.relativeLiftCi.low)} to ${pct(e.relativeLiftCi.high)})${e.significant ? '' : ', not significant'}`
    : `explore vs control: ${e.reason}`;
  const ope = (name: string, x: Report['offPolicy']['logged']) => (x.enough
    ? `${name}: CTR ${pct(x.ctr)} (95% CI ${pct(x.ci.low)} to ${pct(x.ci.high)}, effective n ${Math.round(x.effectiveSampleSize)})`
    : `${name}: ${x.reason}`);
  return [
    `report ${r.from} .. ${r.to} by ${r.by}${r.partnerId ? ` (partner ${r.partnerId})` : ''}${r.campaignId ? ` (campaign ${r.campaignId})` : ''}`,
    fmt(head), ...cells.map(fmt), '', lift,
    `off-policy (self-normalized IPS) ${ope('as logged', r.offPolicy.logged)}`,
    `off-policy ${ope('no exploration', r.offPolicy.noExploration)}`,
    `off-policy ${ope('popularity only', r.offPolicy.popularityOnly)}`, '',
  ].join('\n');
}

function fail(message: string): number {
  process.stderr.write(`crossfeed: ${message}\n`);
  return 2;
}
