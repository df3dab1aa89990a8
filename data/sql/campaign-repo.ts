import { startOfDay } from '../campaign-budget.js';
import {
  CampaignValidationError, type Campaign, type CampaignInput, type CampaignStatus, type CampaignStore, type CampaignWithSpend,
  type Partner, type SpendEntry,
} from '../campaigns.js';
import type { Dialect, SqlDatabase, SqlRunner, SqlValue } from './sql-database.js';

interface CampaignRow {
  id: number; partner_id: string; name: string; status: CampaignStatus; starts_at: string; ends_at: string; currency: string;
  total_budget_minor: number; daily_budget_minor: number | null; pricing: Campaign['pricing']; price_minor: number; pacing: Campaign['pacing'];
  time_zone: string; targeting: string; frequency_cap: string; created_at: string; updated_at: string;
  item_ids: string | null; spent_minor: number | null; billed_events: number | null;
}

const select = (d: Dialect) => `SELECT c.*, s.spent_minor, s.billed_events,
  (SELECT ${d.stringAgg}(item_id, ${d.chr(31)}) FROM campaign_items WHERE campaign_id = c.id) AS item_ids
  FROM campaigns c LEFT JOIN campaign_spend s ON s.campaign_id = c.id`;

export class SqlCampaignStore implements CampaignStore {
  private readonly now: () => Date;

  constructor(private readonly db: SqlDatabase, o: { now?: () => Date } = {}) {
    this.now = o.now ?? (() => new Date());
  }

  async putPartner(id: string, name: string): Promise<Partner> {
    await this.db.run('INSERT INTO partners (id, name) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET name = excluded.name', [id, name]);
    return (await this.partner(id))!;
  }

  async partners(): Promise<Partner[]> {
    return (await this.db.all<{ id: string; name: string; created_at: string }>('SELECT * FROM partners ORDER BY id'))
      .map((r) => ({ id: r.id, name: r.name, createdAt: r.created_at }));
  }

  async partner(id: string): Promise<Partner | undefined> {
    const r = await this.db.get<{ id: string; name: string; created_at: string }>('SELECT * FROM partners WHERE id = ?', [id]);
    return r && { id: r.id, name: r.name, createdAt: r.created_at };
  }

  create(input: CampaignInput): Promise<Campaign> {
    return this.db.transaction(async (tx) => {
      await checkReferences(tx, input);
      const id = await tx.insertId(
        `INSERT INTO campaigns (partner_id, name, starts_at, ends_at, currency, total_budget_minor, daily_budget_minor, pricing, price_minor,
           pacing, time_zone, targeting, frequency_cap) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, columns(input));
      await putItems(tx, id, input.itemIds);
      return id;
    }).then(async (id) => (await this.get(id))!);
  }

  async update(id: number, input: CampaignInput): Promise<Campaign | undefined> {
    const found = await this.db.transaction(async (tx) => {
      if (!(await tx.get('SELECT 1 FROM campaigns WHERE id = ?', [id]))) return false;
      await checkReferences(tx, input);
      await tx.run(
        `UPDATE campaigns SET partner_id = ?, name = ?, starts_at = ?, ends_at = ?, currency = ?, total_budget_minor = ?, daily_budget_minor = ?,
           pricing = ?, price_minor = ?, pacing = ?, time_zone = ?, targeting = ?, frequency_cap = ?,
           updated_at = ${tx.dialect.now} WHERE id = ?`, [...columns(input), id]);
      await tx.run('DELETE FROM campaign_items WHERE campaign_id = ?', [id]);
      await putItems(tx, id, input.itemIds);
      return true;
    });
    return found ? this.get(id) : undefined;
  }

  async setStatus(id: number, status: CampaignStatus): Promise<boolean> {
    const r = await this.db.run(`UPDATE campaigns SET status = ?, updated_at = ${this.db.dialect.now} WHERE id = ?`, [status, id]);
    return r.changes === 1;
  }

  async get(id: number, now = this.now()): Promise<CampaignWithSpend | undefined> {
    return (await this.select('WHERE c.id = ?', [id], now))[0];
  }

  list(filter: { partnerId?: string } = {}, now = this.now()): Promise<CampaignWithSpend[]> {
    return filter.partnerId !== undefined ? this.select('WHERE c.partner_id = ? ORDER BY c.id', [filter.partnerId], now) : this.select('ORDER BY c.id', [], now);
  }

  forItems(itemIds: readonly string[], now = this.now()): Promise<CampaignWithSpend[]> {
    if (itemIds.length === 0) return Promise.resolve([]);
    return this.select(`WHERE c.id IN (SELECT campaign_id FROM campaign_items WHERE item_id IN (${itemIds.map(() => '?').join(',')})) ORDER BY c.id`, [...itemIds], now);
  }

  async userImpressions(userId: number, campaignIds: readonly number[], since: Date): Promise<Map<number, { sinceCount: number; total: number }>> {
    const out = new Map<number, { sinceCount: number; total: number }>();
    if (campaignIds.length === 0) return out;
    const rows = await this.db.all<{ campaign_id: number; since_count: number; total: number }>(
      `SELECT ci.campaign_id, sum(CASE WHEN m.created_at >= ? THEN 1 ELSE 0 END) AS since_count, count(*) AS total
       FROM impressions m JOIN campaign_items ci ON ci.item_id = m.item_id
       WHERE m.user_id = ? AND ci.campaign_id IN (${campaignIds.map(() => '?').join(',')}) GROUP BY ci.campaign_id`,
      [since.toISOString(), userId, ...campaignIds]);
    for (const r of rows) out.set(r.campaign_id, { sinceCount: r.since_count, total: r.total });
    return out;
  }

  async ledger(filter: { campaignId?: number; partnerId?: string } = {}): Promise<SpendEntry[]> {
    const where: string[] = [];
    const params: SqlValue[] = [];
    if (filter.campaignId !== undefined) { where.push('l.campaign_id = ?'); params.push(filter.campaignId); }
    if (filter.partnerId !== undefined) { where.push('c.partner_id = ?'); params.push(filter.partnerId); }
    const rows = await this.db.all<Record<string, never>>(
      `SELECT l.* FROM spend_ledger l JOIN campaigns c ON c.id = l.campaign_id ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY l.id`, params);
    return rows.map((r: Record<string, unknown>) => ({
      id: r['id'] as number, campaignId: r['campaign_id'] as number, eventKey: r['event_key'] as string, eventType: r['event_type'] as SpendEntry['eventType'],
      itemId: r['item_id'] as string, userId: r['user_id'] as number | null, platform: r['platform'] as string, channel: r['channel'] as string,
      amount: r['amount_minor'] as number, currency: r['currency'] as string, outcome: r['outcome'] as SpendEntry['outcome'], createdAt: r['created_at'] as string,
    }));
  }

  private async select(tail: string, params: SqlValue[], now: Date): Promise<CampaignWithSpend[]> {
    const rows = await this.db.all<CampaignRow>(`${select(this.db.dialect)} ${tail}`, params);
    const out: CampaignWithSpend[] = [];
    for (const r of rows) {
      const today = await this.db.get<{ s: number | null }>(
        "SELECT sum(amount_minor) AS s FROM spend_ledger WHERE campaign_id = ? AND created_at >= ? AND outcome = 'billed'",
        [r.id, startOfDay(now, r.time_zone).toISOString()]);
      out.push({ ...toCampaign(r), spentTotal: r.spent_minor ?? 0, spentToday: today?.s ?? 0, billedEvents: r.billed_events ?? 0 });
    }
    return out;
  }
}

function columns(c: CampaignInput): SqlValue[] {
  return [c.partnerId, c.name, c.startsAt, c.endsAt, c.currency, c.totalBudget, c.dailyBudget, c.pricing, c.price, c.pacing, c.timeZone,
    JSON.stringify(c.targeting), JSON.stringify(c.frequencyCap)];
}

async function checkReferences(tx: SqlRunner, c: CampaignInput): Promise<void> {
  const issues: { field: string; message: string }[] = [];
  if (!(await tx.get('SELECT 1 FROM partners WHERE id = ?', [c.partnerId]))) issues.push({ field: 'partnerId', message: `no partner "${c.partnerId}"` });
  for (const id of c.itemIds) {
    if (!(await tx.get('SELECT 1 FROM items WHERE id = ?', [id]))) issues.push({ field: 'itemIds', message: `no catalog item "${id}"` });
  }
  if (issues.length > 0) throw new CampaignValidationError(issues);
}

async function putItems(tx: SqlRunner, campaignId: number, itemIds: readonly string[]): Promise<void> {
  for (const id of new Set(itemIds)) await tx.run('INSERT INTO campaign_items (campaign_id, item_id) VALUES (?, ?)', [campaignId, id]);
}

function toCampaign(r: CampaignRow): Campaign {
  return {
    id: r.id, partnerId: r.partner_id, name: r.name, status: r.status, startsAt: r.starts_at, endsAt: r.ends_at, currency: r.currency,
    totalBudget: r.total_budget_minor, dailyBudget: r.daily_budget_minor, pricing: r.pricing, price: r.price_minor, pacing: r.pacing,
    timeZone: r.time_zone, targeting: JSON.parse(r.targeting) as Campaign['targeting'], frequencyCap: JSON.parse(r.frequency_cap) as Campaign['frequencyCap'],
    itemIds: r.item_ids ? r.item_ids.split('\u001f').sort() : [], createdAt: r.created_at, updatedAt: r.updated_at,
  };
}
