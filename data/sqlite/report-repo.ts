import type { EventCounts, ReportScope, ReportStore, SpendByKey, SqlGroup } from '../reports.js';
import type { Database, SqlValue } from './database.js';

const GROUP_SQL: Record<SqlGroup, string> = {
  item: 'x.item_id',
  platform: 'x.platform',
  channel: "x.platform || ':' || x.channel",
};

const COUNTS = `sum(x.type = 'impression') AS impressions, sum(x.type = 'click') AS clicks, sum(x.type = 'claim') AS claims,
  sum(x.type IN ('redeem','purchase')) AS conversions`;

/**
 * Report queries. Each reads one time range through an index that covers it (migration 10), so a
 * report over a million interactions is one index range scan.
 */
export class SqliteReportStore implements ReportStore {
  constructor(private readonly db: Database) {}

  async counts(s: ReportScope, group: SqlGroup): Promise<({ key: string } & EventCounts)[]> {
    const { where, params } = scoped(s, 'x');
    return (await this.db.all<{ key: string } & EventCounts>(
      `SELECT ${GROUP_SQL[group]} AS key, ${COUNTS} FROM interactions x WHERE ${where} GROUP BY key ORDER BY key`, params)).map(numbers);
  }

  async spend(s: ReportScope, group: SqlGroup | 'campaign'): Promise<SpendByKey[]> {
    const { where, params } = scoped(s, 'x', 'ledger');
    const key = group === 'campaign' ? 'CAST(x.campaign_id AS TEXT)' : GROUP_SQL[group];
    return this.db.all<SpendByKey>(
      `SELECT ${key} AS key, x.currency AS currency, sum(x.amount_minor) AS amount, count(*) AS billedEvents
       FROM spend_ledger x WHERE ${where} AND x.outcome = 'billed' GROUP BY key, x.currency ORDER BY key`, params);
  }

  async series(s: ReportScope, bucket: 'day' | 'hour'): Promise<({ at: string; spend: number } & EventCounts)[]> {
    const n = bucket === 'day' ? 10 : 13;
    const { where, params } = scoped(s, 'x');
    const counts = await this.db.all<{ at: string } & EventCounts>(
      `SELECT substr(x.created_at, 1, ${n}) AS at, ${COUNTS} FROM interactions x WHERE ${where} GROUP BY at ORDER BY at`, params);
    const spent = scoped(s, 'x', 'ledger');
    const spend = await this.db.all<{ at: string; amount: number }>(
      `SELECT substr(x.created_at, 1, ${n}) AS at, sum(x.amount_minor) AS amount FROM spend_ledger x
       WHERE ${spent.where} AND x.outcome = 'billed' GROUP BY at`, spent.params);
    const byAt = new Map(counts.map((c) => [c.at, { ...numbers(c), spend: 0 }]));
    for (const row of spend) {
      const entry = byAt.get(row.at) ?? { at: row.at, impressions: 0, clicks: 0, claims: 0, conversions: 0, spend: 0 };
      entry.spend = row.amount;
      byAt.set(row.at, entry);
    }
    return [...byAt.values()].sort((a, b) => a.at.localeCompare(b.at));
  }

  async decisions(s: ReportScope) {
    const { where, params } = scoped(s, 'x');
    return this.db.all<{ variant: string; itemId: string; propensity: number; impressions: number; clicks: number }>(
      `SELECT x.variant AS variant, x.item_id AS itemId, x.propensity AS propensity, count(*) AS impressions, count(x.clicked_at) AS clicks
       FROM impressions x WHERE ${where} AND x.variant IS NOT NULL AND x.propensity > 0 GROUP BY x.variant, x.item_id, x.propensity`, params);
  }

  async campaignItems(s: Pick<ReportScope, 'partnerId' | 'campaignId'>) {
    const where: string[] = ['1 = 1'];
    const params: SqlValue[] = [];
    if (s.partnerId !== undefined) { where.push('c.partner_id = ?'); params.push(s.partnerId); }
    if (s.campaignId !== undefined) { where.push('c.id = ?'); params.push(s.campaignId); }
    return this.db.all<{ campaignId: number; partnerId: string; itemId: string }>(
      `SELECT c.id AS campaignId, c.partner_id AS partnerId, ci.item_id AS itemId FROM campaigns c JOIN campaign_items ci ON ci.campaign_id = c.id
       WHERE ${where.join(' AND ')} ORDER BY c.id, ci.item_id`, params);
  }
}

/** The time range and, for a partner or campaign scope, only that scope's items (or ledger rows). */
function scoped(s: ReportScope, alias: string, table: 'events' | 'ledger' = 'events'): { where: string; params: SqlValue[] } {
  const where = [`${alias}.created_at >= ?`, `${alias}.created_at < ?`];
  const params: SqlValue[] = [s.from.toISOString(), s.to.toISOString()];
  if (table === 'ledger') {
    if (s.campaignId !== undefined) { where.push(`${alias}.campaign_id = ?`); params.push(s.campaignId); }
    if (s.partnerId !== undefined) { where.push(`${alias}.campaign_id IN (SELECT id FROM campaigns WHERE partner_id = ?)`); params.push(s.partnerId); }
  } else {
    if (s.campaignId !== undefined) { where.push(`${alias}.item_id IN (SELECT item_id FROM campaign_items WHERE campaign_id = ?)`); params.push(s.campaignId); }
    if (s.partnerId !== undefined) {
      where.push(`${alias}.item_id IN (SELECT ci.item_id FROM campaign_items ci JOIN campaigns c ON c.id = ci.campaign_id WHERE c.partner_id = ?)`);
      params.push(s.partnerId);
    }
  }
  return { where: where.join(' AND '), params };
}

function numbers<T extends EventCounts>(r: T): T {
  return { ...r, impressions: r.impressions ?? 0, clicks: r.clicks ?? 0, claims: r.claims ?? 0, conversions: r.conversions ?? 0 };
}
