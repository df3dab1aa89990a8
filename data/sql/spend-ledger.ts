import { billingOutcome, startOfDay } from '../campaign-budget.js';
import type { CampaignStatus, PricingModel, SpendOutcome } from '../campaigns.js';
import type { SqlRunner } from './sql-database.js';

/** One event that a campaign may be charged for. `key` is unique per event, forever. */
export interface BillableEvent {
  key: string;
  type: PricingModel;
  itemId: string;
  userId: number | null;
  platform: string;
  channel: string;
  /** Only campaigns of this partner may be charged (a partner confirms its own conversions). */
  partnerId?: string;
}

interface CandidateRow {
  id: number; status: CampaignStatus; starts_at: string; ends_at: string; currency: string;
  total_budget_minor: number; daily_budget_minor: number | null; price_minor: number; time_zone: string; spent: number | null;
}

/**
 * Charges campaigns for billable events. `bill` runs inside the caller's write transaction (the
 * one that records the click, claim or conversion), so the event and its ledger row commit
 * together or not at all, and the transaction behaves as the only writer across processes.
 */
export class SpendLedgerWriter {
  constructor(private readonly now: () => Date = () => new Date()) {}

  async bill(tx: SqlRunner, e: BillableEvent): Promise<{ campaignId: number; outcome: SpendOutcome; amount: number } | undefined> {
    const seen = await tx.get<{ campaign_id: number; outcome: SpendOutcome; amount_minor: number }>(
      'SELECT campaign_id, outcome, amount_minor FROM spend_ledger WHERE event_key = ?', [e.key]);
    if (seen) return { campaignId: seen.campaign_id, outcome: seen.outcome, amount: seen.amount_minor };
    const params: (string | number)[] = [e.itemId, e.type];
    let partner = '';
    if (e.partnerId !== undefined) {
      partner = ' AND c.partner_id = ?';
      params.push(e.partnerId);
    }
    const candidates = await tx.all<CandidateRow>(
      `SELECT c.id, c.status, c.starts_at, c.ends_at, c.currency, c.total_budget_minor, c.daily_budget_minor, c.price_minor, c.time_zone, s.spent_minor AS spent
       FROM campaign_items ci JOIN campaigns c ON c.id = ci.campaign_id LEFT JOIN campaign_spend s ON s.campaign_id = c.id
       WHERE ci.item_id = ? AND c.pricing = ?${partner} ORDER BY c.id`, params);
    if (candidates.length === 0) return undefined;
    const now = this.now();
    let first: { row: CandidateRow; outcome: SpendOutcome } | undefined;
    for (const row of candidates) {
      const today = await tx.get<{ s: number | null }>(
        "SELECT sum(amount_minor) AS s FROM spend_ledger WHERE campaign_id = ? AND created_at >= ? AND outcome = 'billed'",
        [row.id, startOfDay(now, row.time_zone).toISOString()]);
      const outcome = billingOutcome({
        status: row.status, startsAt: row.starts_at, endsAt: row.ends_at, totalBudget: row.total_budget_minor,
        dailyBudget: row.daily_budget_minor, price: row.price_minor,
      }, { total: row.spent ?? 0, today: today?.s ?? 0 }, now);
      if (outcome === 'billed') return this.insert(tx, e, row, outcome, row.price_minor, now);
      first ??= { row, outcome };
    }
    return this.insert(tx, e, first!.row, first!.outcome, 0, now);
  }

  private async insert(tx: SqlRunner, e: BillableEvent, row: CandidateRow, outcome: SpendOutcome, amount: number, now: Date) {
    await tx.run(
      `INSERT INTO spend_ledger (campaign_id, event_key, event_type, item_id, user_id, platform, channel, amount_minor, currency, outcome, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [row.id, e.key, e.type, e.itemId, e.userId, e.platform, e.channel, amount, row.currency, outcome, now.toISOString()]);
    return { campaignId: row.id, outcome, amount };
  }
}
