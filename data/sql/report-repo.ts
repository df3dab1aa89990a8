import type { DecisionSums, PersonRecord, EventCounts, ReportScope, ReportStore, SpendByKey, SqlGroup } from '../reports.js';
import type { SqlDatabase, SqlValue } from './sql-database.js';

const COUNTS = `sum(CASE WHEN type = 'impression' THEN n ELSE 0 END) AS impressions, sum(CASE WHEN type = 'click' THEN n ELSE 0 END) AS clicks,
  sum(CASE WHEN type = 'claim' THEN n ELSE 0 END) AS claims, sum(CASE WHEN type IN ('redeem','purchase') THEN n ELSE 0 END) AS conversions`;

/**
 * How the bot's reply offering FAQ choices begins. Matched exactly by prefix: LIKE ignores ASCII
 * case on SQLite but not on PostgreSQL.
 */
const FAQ_CHOICES = ["I'm not sure which of these you mean:", '不太确定你问的是哪一个：'];

/**
 * Report queries over the daily rollups of migration 10 (a few rows per item or channel and day),
 * so a report over a million interactions reads thousands of rows. A partner's or campaign's
 * report by channel or platform reads its own items' interactions (index on item and time).
 */
export class SqlReportStore implements ReportStore {
  constructor(private readonly db: SqlDatabase) {}

  async counts(s: ReportScope, group: SqlGroup): Promise<({ key: string } & EventCounts)[]> {
    const range = days(s);
    if (group === 'item') {
      const items = itemFilter(s, 'item_id');
      return (await this.db.all<{ key: string } & EventCounts>(
        `SELECT item_id AS key, ${COUNTS} FROM report_item_days WHERE day >= ? AND day < ?${items.sql} GROUP BY key ORDER BY key`,
        [...range, ...items.params])).map(numbers);
    }
    const key = group === 'platform' ? 'platform' : "platform || ':' || channel";
    if (s.partnerId === undefined && s.campaignId === undefined) {
      return (await this.db.all<{ key: string } & EventCounts>(
        `SELECT ${key} AS key, ${COUNTS} FROM report_channel_days WHERE day >= ? AND day < ? GROUP BY key ORDER BY key`, range)).map(numbers);
    }
    const items = itemFilter(s, 'item_id');
    return (await this.db.all<{ key: string } & EventCounts>(
      `SELECT ${key} AS key, ${COUNTS} FROM (SELECT platform, channel, type, 1 AS n FROM interactions
         WHERE created_at >= ? AND created_at < ?${items.sql}) AS x GROUP BY key ORDER BY key`,
      [s.from.toISOString(), s.to.toISOString(), ...items.params])).map(numbers);
  }

  async spend(s: ReportScope, group: SqlGroup | 'campaign'): Promise<SpendByKey[]> {
    const { where, params } = ledgerScope(s);
    const key = group === 'campaign' ? 'CAST(campaign_id AS TEXT)' : group === 'item' ? 'item_id' : group === 'platform' ? 'platform' : "platform || ':' || channel";
    return this.db.all<SpendByKey>(
      `SELECT ${key} AS key, currency, sum(amount_minor) AS amount, count(*) AS "billedEvents"
       FROM spend_ledger WHERE ${where} AND outcome = 'billed' GROUP BY key, currency ORDER BY key, currency`, params);
  }

  async series(s: ReportScope): Promise<({ at: string; spend: number } & EventCounts)[]> {
    const items = itemFilter(s, 'item_id');
    const counts = await this.db.all<{ at: string } & EventCounts>(
      `SELECT day AS at, ${COUNTS} FROM report_item_days WHERE day >= ? AND day < ?${items.sql} GROUP BY day ORDER BY day`, [...days(s), ...items.params]);
    const spent = ledgerScope(s);
    const spend = await this.db.all<{ at: string; amount: number }>(
      `SELECT substr(created_at, 1, 10) AS at, sum(amount_minor) AS amount FROM spend_ledger WHERE ${spent.where} AND outcome = 'billed' GROUP BY at`, spent.params);
    const byAt = new Map(counts.map((c) => [c.at, { ...numbers(c), spend: 0 }]));
    for (const row of spend) {
      const entry = byAt.get(row.at) ?? { at: row.at, impressions: 0, clicks: 0, claims: 0, conversions: 0, spend: 0 };
      entry.spend = row.amount;
      byAt.set(row.at, entry);
    }
    return [...byAt.values()].sort((a, b) => a.at.localeCompare(b.at));
  }

  async decisions(s: ReportScope): Promise<DecisionSums[]> {
    const items = itemFilter(s, 'item_id');
    const rows = await this.db.all<Omit<DecisionSums, 'baseTop'> & { likely: number }>(
      `SELECT variant, item_id AS "itemId", likely, sum(impressions) AS impressions, sum(clicks) AS clicks, sum(sum_w) AS "sumW", sum(sum_w2) AS "sumW2",
         sum(sum_w_click) AS "sumWClick", sum(sum_w2_click) AS "sumW2Click"
       FROM report_decision_days WHERE day >= ? AND day < ?${items.sql} GROUP BY variant, item_id, likely`, [...days(s), ...items.params]);
    return rows.map(({ likely, ...r }) => ({ ...r, baseTop: likely === 1 }));
  }

  async unanswered(since: Date, limit: number) {
    return this.db.all<{ text: string; platform: string; channel: string; at: string; intent: string | null }>(
      `SELECT m.text, c.platform, c.channel, m.created_at AS at, m.intent FROM messages m JOIN conversations c ON c.id = m.conversation_id
       WHERE m.role = 'user' AND m.created_at >= ? AND (m.intent = 'oos' OR m.confidence < 0.5 OR (m.intent = 'faq' AND EXISTS (
         SELECT 1 FROM messages b WHERE b.id = (SELECT min(id) FROM messages WHERE conversation_id = m.conversation_id AND id > m.id AND role = 'bot')
           AND (${FAQ_CHOICES.map(() => 'substr(b.text, 1, ?) = ?').join(' OR ')}))))
       ORDER BY m.id DESC LIMIT ?`, [since.toISOString(), ...FAQ_CHOICES.flatMap((p) => [[...p].length, p]), limit]);
  }

  async activity(limit: number) {
    return this.db.all<{ platform: string; channel: string; role: string; text: string; at: string }>(
      `SELECT c.platform, c.channel, m.role, m.text, m.created_at AS at FROM messages m JOIN conversations c ON c.id = m.conversation_id
       ORDER BY m.id DESC LIMIT ?`, [limit]);
  }

  async person(platform: string, platformUserId: string): Promise<PersonRecord | undefined> {
    const who = await this.db.get<{ user_id: number }>('SELECT user_id FROM identities WHERE platform = ? AND platform_user_id = ?', [platform, platformUserId]);
    if (!who) return undefined;
    const userId = who.user_id;
    const identities = await this.db.all<{ platform: string; displayName: string }>('SELECT platform, display_name AS "displayName" FROM identities WHERE user_id = ? ORDER BY platform', [userId]);
    const conversations = (await this.db.all<{ platform: string; channel: string; state: string; messages: number }>(
      `SELECT c.platform, c.channel, c.state, (SELECT count(*) FROM messages WHERE conversation_id = c.id) AS messages
       FROM conversations c WHERE c.user_id = ? ORDER BY c.updated_at DESC, c.id DESC`, [userId])).map((c) => ({ ...c, state: safeJson(c.state) }));
    const engagements = await this.db.all<{ itemId: string; n: number }>(
      `SELECT item_id AS "itemId", count(*) AS n FROM interactions WHERE user_id = ? AND type IN ('click','claim','redeem','purchase') GROUP BY item_id ORDER BY n DESC, item_id LIMIT 50`, [userId]);
    const points = (await this.db.get<{ balance: number }>('SELECT balance FROM points_balances WHERE user_id = ?', [userId]))?.balance ?? 0;
    return { userId, identities, conversations, engagements, points };
  }

  async campaignItems(s: Pick<ReportScope, 'partnerId' | 'campaignId'>) {
    const where: string[] = ['1 = 1'];
    const params: SqlValue[] = [];
    if (s.partnerId !== undefined) { where.push('c.partner_id = ?'); params.push(s.partnerId); }
    if (s.campaignId !== undefined) { where.push('c.id = ?'); params.push(s.campaignId); }
    return this.db.all<{ campaignId: number; partnerId: string; itemId: string }>(
      `SELECT c.id AS "campaignId", c.partner_id AS "partnerId", ci.item_id AS "itemId" FROM campaigns c JOIN campaign_items ci ON ci.campaign_id = c.id
       WHERE ${where.join(' AND ')} ORDER BY c.id, ci.item_id`, params);
  }
}

function days(s: ReportScope): [string, string] {
  return [s.from.toISOString().slice(0, 10), s.to.toISOString().slice(0, 10)];
}

/** Only the items of the scope's partner or campaign. */
function itemFilter(s: ReportScope, column: string): { sql: string; params: SqlValue[] } {
  let sql = '';
  const params: SqlValue[] = [];
  if (s.campaignId !== undefined) {
    sql += ` AND ${column} IN (SELECT item_id FROM campaign_items WHERE campaign_id = ?)`;
    params.push(s.campaignId);
  }
  if (s.partnerId !== undefined) {
    sql += ` AND ${column} IN (SELECT ci.item_id FROM campaign_items ci JOIN campaigns c ON c.id = ci.campaign_id WHERE c.partner_id = ?)`;
    params.push(s.partnerId);
  }
  return { sql, params };
}

function ledgerScope(s: ReportScope): { where: string; params: SqlValue[] } {
  const where = ['created_at >= ?', 'created_at < ?'];
  const params: SqlValue[] = [s.from.toISOString(), s.to.toISOString()];
  if (s.campaignId !== undefined) { where.push('campaign_id = ?'); params.push(s.campaignId); }
  if (s.partnerId !== undefined) { where.push('campaign_id IN (SELECT id FROM campaigns WHERE partner_id = ?)'); params.push(s.partnerId); }
  return { where: where.join(' AND '), params };
}

function numbers<T extends EventCounts>(r: T): T {
  return { ...r, impressions: r.impressions ?? 0, clicks: r.clicks ?? 0, claims: r.claims ?? 0, conversions: r.conversions ?? 0 };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return {};
  }
}
