import type { DecisionSums, ReportScope, ReportStore } from '../../data/reports.js';
import { ctrLift, snipsFromSums, type LiftResult, type OffPolicyResult, type WeightSums } from './stats.js';

/**
 * Reports that answer "what works": event counts, spend, CTR, CPC and CPA by partner, campaign,
 * item, channel, platform or language, plus the exploration experiment and off-policy estimates.
 * Built from the store's aggregates; everything here past the queries is plain arithmetic.
 */

export const REPORT_GROUPS = ['partner', 'campaign', 'item', 'channel', 'platform', 'language'] as const;
export type ReportGroup = (typeof REPORT_GROUPS)[number];

export interface ReportRow {
  key: string;
  impressions: number;
  clicks: number;
  /** clicks / impressions; null without impressions. */
  ctr: number | null;
  claims: number;
  conversions: number;
  /** Minor units per currency. */
  spend: Record<string, number>;
  /** Spend per click / per conversion, minor units, when spend is in one currency. */
  cpc: number | null;
  cpa: number | null;
  currency: string | null;
}

export interface Report {
  from: string;
  to: string;
  by: ReportGroup;
  partnerId?: string;
  campaignId?: number;
  rows: ReportRow[];
  totals: ReportRow;
  experiment: LiftResult;
  offPolicy: { logged: OffPolicyResult; noExploration: OffPolicyResult; popularityOnly: OffPolicyResult; popularItems: string[] };
}

export interface ReportDeps {
  reports: ReportStore;
  /** Item language and kind (catalog). */
  item: (id: string) => { language: string; kind: string } | undefined;
}

/** How many top items the "popularity only" policy shows per kind (the bot shows 3 cards). */
const POPULAR_K = 3;

const DAY_MS = 86_400_000;

/** Reports cover whole UTC days: `from` rounds down to its midnight, `to` up to the next one. */
export function wholeDays(from: Date, to: Date): { from: Date; to: Date } {
  const down = (t: number) => Math.floor(t / DAY_MS) * DAY_MS;
  return { from: new Date(down(from.getTime())), to: new Date(Math.ceil(to.getTime() / DAY_MS) * DAY_MS) };
}

export async function buildReport(d: ReportDeps, requested: ReportScope, by: ReportGroup): Promise<Report> {
  const scope = { ...requested, ...wholeDays(requested.from, requested.to) };
  const sqlGroup = by === 'platform' ? 'platform' : by === 'channel' ? 'channel' : 'item';
  const [counts, spend, decisions] = await Promise.all([
    d.reports.counts(scope, sqlGroup),
    d.reports.spend(scope, by === 'partner' || by === 'campaign' ? 'campaign' : sqlGroup),
    d.reports.decisions(scope),
  ]);
  const rows = new Map<string, ReportRow>();
  const row = (key: string) => {
    let r = rows.get(key);
    if (!r) rows.set(key, (r = emptyRow(key)));
    return r;
  };

  if (by === 'partner' || by === 'campaign') {
    const links = await d.reports.campaignItems(scope);
    const keysOfItem = new Map<string, Set<string>>();
    const partnerOfCampaign = new Map<string, string>();
    for (const l of links) {
      const key = by === 'partner' ? l.partnerId : String(l.campaignId);
      partnerOfCampaign.set(String(l.campaignId), l.partnerId);
      keysOfItem.set(l.itemId, (keysOfItem.get(l.itemId) ?? new Set()).add(key));
    }
    for (const c of counts) for (const key of keysOfItem.get(c.key) ?? []) add(row(key), c);
    for (const s of spend) {
      const key = by === 'partner' ? partnerOfCampaign.get(s.key) : s.key;
      if (key !== undefined) addSpend(row(key), s.currency, s.amount);
    }
  } else {
    const keyOf = (k: string) => (by === 'language' ? d.item(k)?.language ?? 'unknown' : k);
    for (const c of counts) add(row(keyOf(c.key)), c);
    for (const s of spend) addSpend(row(keyOf(s.key)), s.currency, s.amount);
  }

  const list = [...rows.values()].map(derive).sort((a, b) => b.impressions - a.impressions || a.key.localeCompare(b.key));
  const totals = emptyRow('total');
  for (const r of list) {
    add(totals, r);
    for (const [cur, amount] of Object.entries(r.spend)) addSpend(totals, cur, amount);
  }
  return {
    from: scope.from.toISOString(), to: scope.to.toISOString(), by,
    ...(scope.partnerId !== undefined ? { partnerId: scope.partnerId } : {}),
    ...(scope.campaignId !== undefined ? { campaignId: scope.campaignId } : {}),
    rows: list, totals: derive(totals),
    experiment: experiment(decisions),
    offPolicy: offPolicy(decisions, d.item),
  };
}

function experiment(decisions: readonly { variant: string; impressions: number; clicks: number }[]): LiftResult {
  const sum = (v: string) => decisions.filter((x) => x.variant === v).reduce((a, x) => ({ impressions: a.impressions + x.impressions, clicks: a.clicks + x.clicks }), { impressions: 0, clicks: 0 });
  return ctrLift(sum('explore'), sum('control'));
}

/**
 * Off-policy estimates from the logged propensities. "No exploration" shows what the ranking
 * shows without Thompson sampling: an impression counts for it when the item's logged base rank
 * (its place in the ranking before sampling) is within the slots shown, which is exact (impressions
 * logged before base ranks were fall back to propensity >= 0.5); "popularity only" shows the most clicked items of each
 * kind in the period. Both are deterministic (target probability 0 or 1). See docs/campaigns.md.
 */
function offPolicy(decisions: readonly DecisionSums[], item: ReportDeps['item']) {
  const clicksByItem = new Map<string, number>();
  for (const x of decisions) clicksByItem.set(x.itemId, (clicksByItem.get(x.itemId) ?? 0) + x.clicks);
  const byKind = new Map<string, { id: string; clicks: number }[]>();
  for (const [id, clicks] of clicksByItem) {
    const kind = item(id)?.kind ?? 'unknown';
    byKind.set(kind, [...(byKind.get(kind) ?? []), { id, clicks }]);
  }
  const popular = new Set<string>();
  for (const list of byKind.values()) {
    list.sort((a, b) => b.clicks - a.clicks || a.id.localeCompare(b.id)).slice(0, POPULAR_K).forEach((x) => popular.add(x.id));
  }
  // A deterministic target policy (probability 1 where it shows the item): w = 1 / propensity.
  const deterministic = (shows: (x: DecisionSums) => boolean) => decisions.filter(shows).reduce<WeightSums>(
    (s, x) => ({ sw: s.sw + x.sumW, sw2: s.sw2 + x.sumW2, swr: s.swr + x.sumWClick, sw2r: s.sw2r + x.sumW2Click }), { sw: 0, sw2: 0, swr: 0, sw2r: 0 });
  // The logging policy itself (target = propensity): w = 1.
  const logged = decisions.reduce<WeightSums>((s, x) => ({ sw: s.sw + x.impressions, sw2: s.sw2 + x.impressions, swr: s.swr + x.clicks, sw2r: s.sw2r + x.clicks }),
    { sw: 0, sw2: 0, swr: 0, sw2r: 0 });
  return {
    logged: snipsFromSums(logged),
    noExploration: snipsFromSums(deterministic((x) => x.baseTop)),
    popularityOnly: snipsFromSums(deterministic((x) => popular.has(x.itemId))),
    popularItems: [...popular].sort(),
  };
}

function emptyRow(key: string): ReportRow {
  return { key, impressions: 0, clicks: 0, ctr: null, claims: 0, conversions: 0, spend: {}, cpc: null, cpa: null, currency: null };
}

function add(r: ReportRow, c: { impressions: number; clicks: number; claims: number; conversions: number }) {
  r.impressions += c.impressions;
  r.clicks += c.clicks;
  r.claims += c.claims;
  r.conversions += c.conversions;
}

function addSpend(r: ReportRow, currency: string, amount: number) {
  r.spend[currency] = (r.spend[currency] ?? 0) + amount;
}

function derive(r: ReportRow): ReportRow {
  const currencies = Object.keys(r.spend);
  const currency = currencies.length === 1 ? currencies[0]! : null;
  const spent = currency ? r.spend[currency]! : 0;
  return {
    ...r,
    ctr: r.impressions > 0 ? r.clicks / r.impressions : null,
    currency,
    cpc: currency && r.clicks > 0 ? Math.round(spent / r.clicks) : null,
    cpa: currency && r.conversions > 0 ? Math.round(spent / r.conversions) : null,
  };
}

/** CSV of the rows and totals (money in major units with its currency). */
export function reportCsv(r: Report, formatMinor: (minor: number, currency: string) => string): string {
  const head = [r.by, 'impressions', 'clicks', 'ctr', 'claims', 'conversions', 'spend', 'currency', 'cpc', 'cpa'];
  const line = (x: ReportRow) => [
    x.key, x.impressions, x.clicks, x.ctr === null ? '' : x.ctr.toFixed(4), x.claims, x.conversions,
    x.currency ? formatMinor(x.spend[x.currency]!, x.currency) : Object.entries(x.spend).map(([c, a]) => `${formatMinor(a, c)} ${c}`).join(' + '),
    x.currency ?? '', x.cpc === null || !x.currency ? '' : formatMinor(x.cpc, x.currency), x.cpa === null || !x.currency ? '' : formatMinor(x.cpa, x.currency),
  ].map(csvCell).join(',');
  return [head.join(','), ...r.rows.map(line), line(r.totals)].join('\n') + '\n';
}

function csvCell(v: string | number): string {
  const s = String(v);
  // Quote, and defuse spreadsheet formulas in text a chat user could have influenced (channel names).
  const safe = /^[=+\-@\t\r]/.test(s) && typeof v === 'string' ? `'${s}` : s;
  return /[",\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
