import { randomBytes } from 'node:crypto';
import type { Impression, NewImpression, PartnerEvent, PartnerEventOutcome, TrackingStore } from '../partners.js';
import type { SqlDatabase, SqlRunner } from './sql-database.js';
import type { SpendLedgerWriter } from './spend-ledger.js';

/** 128 random bits, base64url: 22 characters from [A-Za-z0-9_-]. */
export const IMPRESSION_TOKEN_PATTERN = /^[A-Za-z0-9_-]{22}$/;

interface ImpressionRow {
  token: string; item_id: string; user_id: number | null; platform: string; channel: string;
  created_at: string; clicked_at: string | null; link: string; active: number;
}

export class SqlTrackingStore implements TrackingStore {
  constructor(private readonly db: SqlDatabase, private readonly billing?: SpendLedgerWriter) {}

  async createImpression(i: NewImpression): Promise<string> {
    const token = randomBytes(16).toString('base64url');
    await this.db.run('INSERT INTO impressions (token, item_id, user_id, platform, channel, variant, position, propensity, template, base_rank, slots) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [token, i.itemId, i.userId, i.platform, i.channel, i.decision?.variant ?? null, i.decision?.position ?? null, i.decision?.propensity ?? null, i.decision?.template ?? null, i.decision?.baseRank ?? null, i.decision?.slots ?? null]);
    return token;
  }

  async resolve(token: string): Promise<Impression | undefined> {
    if (!IMPRESSION_TOKEN_PATTERN.test(token)) return undefined;
    const r = await this.db.get<ImpressionRow>(
      'SELECT m.*, i.link, i.active FROM impressions m JOIN items i ON i.id = m.item_id WHERE m.token = ?', [token]);
    return r && {
      token: r.token, itemId: r.item_id, userId: r.user_id, platform: r.platform, channel: r.channel,
      createdAt: r.created_at, clickedAt: r.clicked_at, link: r.link, itemActive: r.active === 1,
    };
  }

  async templateStats(since: Date): Promise<{ template: string; impressions: number; clicks: number }[]> {
    return this.db.all<{ template: string; impressions: number; clicks: number }>(
      `SELECT template, count(*) AS impressions, count(clicked_at) AS clicks FROM impressions
       WHERE template IS NOT NULL AND created_at >= ? GROUP BY template`, [since.toISOString()]);
  }

  recordClick(token: string): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const marked = await tx.run(
        `UPDATE impressions SET clicked_at = ${tx.dialect.now} WHERE token = ? AND clicked_at IS NULL`, [token]);
      if (marked.changes !== 1) return false;
      await tx.run(
        "INSERT INTO interactions (user_id, item_id, type, platform, channel) SELECT user_id, item_id, 'click', platform, channel FROM impressions WHERE token = ?",
        [token]);
      const imp = await tx.get<{ item_id: string; user_id: number | null; platform: string; channel: string }>(
        'SELECT item_id, user_id, platform, channel FROM impressions WHERE token = ?', [token]);
      if (imp && this.billing) {
        await this.billing.bill(tx, { key: `click:${token}`, type: 'click', itemId: imp.item_id, userId: imp.user_id, platform: imp.platform, channel: imp.channel });
      }
      return true;
    });
  }

  recordPartnerEvent(partner: string, partnerNames: readonly string[], e: PartnerEvent): Promise<PartnerEventOutcome> {
    return this.db.transaction(async (tx) => {
      const seen = await tx.get('SELECT 1 FROM partner_events WHERE partner = ? AND event_id = ?', [partner, e.eventId]);
      if (seen) return { status: 'duplicate' } as const;
      const outcome = e.type === 'redemption' ? await redeem(tx, partner, partnerNames, e) : await purchase(tx, partner, e);
      if (outcome.status !== 'accepted') return outcome;
      // A partner-confirmed conversion: charged only to this partner's own conversion campaigns.
      await this.billing?.bill(tx, {
        key: `conversion:${partner}:${e.eventId}`, type: 'conversion', itemId: outcome.itemId, userId: outcome.userId,
        platform: outcome.platform, channel: outcome.channel, partnerId: partner,
      });
      await tx.run(
        `INSERT INTO partner_events (partner, event_id, type, code, item_id, user_id, amount, currency, occurred_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [partner, e.eventId, e.type, e.type === 'redemption' ? e.code : null, outcome.itemId, outcome.userId,
          e.type === 'purchase' ? e.amount ?? null : null, e.type === 'purchase' ? e.currency ?? null : null, e.timestamp]);
      return { status: 'accepted', itemId: outcome.itemId, userId: outcome.userId };
    });
  }
}

type Accepted = { status: 'accepted'; itemId: string; userId: number | null; platform: string; channel: string };

async function redeem(tx: SqlRunner, partner: string, names: readonly string[], e: PartnerEvent & { type: 'redemption' }): Promise<Accepted | PartnerEventOutcome & { status: 'rejected' }> {
  const row = await tx.get<{ item_id: string; user_id: number; redeemed_at: string | null; platform: string | null; channel: string | null; partner: string | null }>(
    `SELECT c.item_id, c.user_id, c.redeemed_at, c.platform, c.channel, p.partner
     FROM coupon_codes c LEFT JOIN coupon_details p ON p.item_id = c.item_id WHERE c.code = ?`, [e.code]);
  if (!row) return { status: 'rejected', error: 'unknown_code' };
  const allowed = [partner, ...names].map(normalizeName);
  if (row.partner === null || !allowed.includes(normalizeName(row.partner))) return { status: 'rejected', error: 'foreign_code' };
  if (row.redeemed_at !== null) return { status: 'rejected', error: 'already_redeemed' };
  await tx.run('UPDATE coupon_codes SET redeemed_at = ? WHERE code = ? AND redeemed_at IS NULL', [new Date(e.timestamp).toISOString(), e.code]);
  await tx.run('INSERT INTO interactions (user_id, item_id, type, platform, channel) VALUES (?, ?, ?, ?, ?)',
    [row.user_id, row.item_id, 'redeem', row.platform ?? 'partner', row.channel ?? partner]);
  return { status: 'accepted', itemId: row.item_id, userId: row.user_id, platform: row.platform ?? 'partner', channel: row.channel ?? partner };
}

async function purchase(tx: SqlRunner, partner: string, e: PartnerEvent & { type: 'purchase' }): Promise<Accepted | PartnerEventOutcome & { status: 'rejected' }> {
  let itemId = e.itemId;
  let userId: number | null = null;
  let platform = 'partner';
  let channel = partner;
  if (e.token !== undefined) {
    const imp = await tx.get<{ item_id: string; user_id: number | null; platform: string; channel: string }>(
      'SELECT item_id, user_id, platform, channel FROM impressions WHERE token = ?', [e.token]);
    if (!imp) return { status: 'rejected', error: 'unknown_token' };
    if (itemId !== undefined && itemId !== imp.item_id) return { status: 'rejected', error: 'item_mismatch' };
    ({ item_id: itemId, user_id: userId, platform, channel } = imp);
  }
  if (itemId === undefined || !(await tx.get('SELECT 1 FROM items WHERE id = ?', [itemId]))) return { status: 'rejected', error: 'unknown_item' };
  await tx.run('INSERT INTO interactions (user_id, item_id, type, platform, channel) VALUES (?, ?, ?, ?, ?)', [userId, itemId, 'purchase', platform, channel]);
  return { status: 'accepted', itemId, userId, platform, channel };
}

function normalizeName(name: string): string {
  return name.trim().toLowerCase();
}
