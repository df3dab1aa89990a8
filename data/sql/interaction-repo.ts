import type { InteractionStore, InteractionType } from '../store.js';
import type { SqlDatabase } from './sql-database.js';

export class SqlInteractionStore implements InteractionStore {
  constructor(private readonly db: SqlDatabase) {}

  async record(e: { userId: number | null; itemId: string; type: InteractionType; platform: string; channel: string }): Promise<void> {
    await this.db.run('INSERT INTO interactions (user_id, item_id, type, platform, channel) VALUES (?, ?, ?, ?, ?)',
      [e.userId, e.itemId, e.type, e.platform, e.channel]);
  }

  async count(itemId: string, type: InteractionType): Promise<number> {
    const row = await this.db.get<{ n: number }>('SELECT count(*) AS n FROM interactions WHERE item_id = ? AND type = ?', [itemId, type]);
    return row?.n ?? 0;
  }

  async countSponsoredImpressions(f: { since: Date; userId?: number; platform?: string; channel?: string }): Promise<number> {
    const where = ["x.type = 'impression'", 'x.created_at >= ?', 'i.sponsored = 1'];
    const params: (string | number)[] = [f.since.toISOString()];
    if (f.userId !== undefined) { where.push('x.user_id = ?'); params.push(f.userId); }
    if (f.platform !== undefined) { where.push('x.platform = ?'); params.push(f.platform); }
    if (f.channel !== undefined) { where.push('x.channel = ?'); params.push(f.channel); }
    const row = await this.db.get<{ n: number }>(
      `SELECT count(*) AS n FROM interactions x JOIN items i ON i.id = x.item_id WHERE ${where.join(' AND ')}`, params);
    return row?.n ?? 0;
  }

  async engagements(userId: number, limit: number): Promise<{ itemId: string; type: InteractionType }[]> {
    const rows = await this.db.all<{ item_id: string; type: InteractionType }>(
      `SELECT item_id, type FROM interactions WHERE user_id = ? AND type IN ('click','claim','redeem','purchase') ORDER BY id DESC LIMIT ?`, [userId, limit]);
    return rows.map((r) => ({ itemId: r.item_id, type: r.type }));
  }

  async channelFavourites(platform: string, channel: string, since: Date, limit: number): Promise<{ itemId: string; n: number }[]> {
    const rows = await this.db.all<{ item_id: string; n: number }>(
      `SELECT item_id, count(*) AS n FROM interactions WHERE platform = ? AND channel = ? AND type IN ('click','claim','redeem','purchase')
       AND created_at >= ? GROUP BY item_id ORDER BY n DESC, item_id LIMIT ?`, [platform, channel, since.toISOString(), limit]);
    return rows.map((r) => ({ itemId: r.item_id, n: r.n }));
  }

  async itemStats(since: Date): Promise<{ itemId: string; impressions: number; clicks: number }[]> {
    const rows = await this.db.all<{ item_id: string; impressions: number; clicks: number }>(
      `SELECT item_id, sum(CASE WHEN type = 'impression' THEN 1 ELSE 0 END) AS impressions, sum(CASE WHEN type = 'click' THEN 1 ELSE 0 END) AS clicks FROM interactions
       WHERE created_at >= ? AND type IN ('impression','click') GROUP BY item_id`, [since.toISOString()]);
    return rows.map((r) => ({ itemId: r.item_id, impressions: r.impressions, clicks: r.clicks }));
  }

  async allEngagements(since: Date, limit: number): Promise<{ userId: number; itemId: string; type: InteractionType; at: number }[]> {
    const rows = await this.db.all<{ user_id: number; item_id: string; type: InteractionType; created_at: string }>(
      `SELECT user_id, item_id, type, created_at FROM interactions WHERE user_id IS NOT NULL AND created_at >= ?
       AND type IN ('click','claim','redeem','purchase') ORDER BY id DESC LIMIT ?`, [since.toISOString(), limit]);
    return rows.reverse().map((r) => ({ userId: r.user_id, itemId: r.item_id, type: r.type, at: Date.parse(r.created_at) }));
  }
}
