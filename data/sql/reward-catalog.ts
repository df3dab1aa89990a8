import type { NewReward, RedeemErrorCode, Reward, RewardCatalog } from '../loyalty.js';
import { insertCode } from './coupon-ledger.js';
import type { SqlDatabase, SqlRunner } from './sql-database.js';

interface RewardRow { id: string; name: string; price: number; stock: number | null; kind: 'coupon' | 'code'; coupon_item_id: string | null; code: string | null; scope: string | null; active: number }
interface CouponRow { kind: string; active: number; stock: number | null; expires_at: string | null; per_user_limit: number | null }

export const REWARD_ID = /^[a-z0-9][a-z0-9_-]{0,39}$/;

/** Rewards offered for points, per `platform:channel` or everywhere. */
export class SqlRewardCatalog implements RewardCatalog {
  constructor(private readonly db: SqlDatabase) {}

  async put(r: NewReward): Promise<void> {
    if (!REWARD_ID.test(r.id)) throw new Error(`reward id "${r.id}": lowercase letters, digits, _ or -, at most 40`);
    if (!Number.isSafeInteger(r.price) || r.price <= 0) throw new Error(`reward ${r.id}: price must be a whole number of points above 0`);
    if (r.kind === 'coupon' && !r.couponItemId) throw new Error(`reward ${r.id}: a coupon reward needs the coupon item id`);
    if (r.kind === 'code' && !r.code) throw new Error(`reward ${r.id}: a code reward needs the code to hand out`);
    await this.db.run(`INSERT INTO rewards (id, name, price, stock, kind, coupon_item_id, code, scope, active) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)
      ON CONFLICT(id) DO UPDATE SET name = excluded.name, price = excluded.price, stock = excluded.stock, kind = excluded.kind,
        coupon_item_id = excluded.coupon_item_id, code = excluded.code, scope = excluded.scope, active = 1`,
    [r.id, r.name, r.price, r.stock ?? null, r.kind, r.kind === 'coupon' ? r.couponItemId ?? null : null, r.kind === 'code' ? r.code ?? null : null, r.scope ?? null]);
  }

  async get(id: string): Promise<Reward | undefined> {
    const row = await this.db.get<RewardRow>('SELECT * FROM rewards WHERE id = ?', [id]);
    return row && toReward(row);
  }

  async list(scope?: string): Promise<Reward[]> {
    const rows = scope === undefined
      ? await this.db.all<RewardRow>('SELECT * FROM rewards ORDER BY price, id')
      : await this.db.all<RewardRow>('SELECT * FROM rewards WHERE active = 1 AND (scope IS NULL OR scope = ?) ORDER BY price, id', [scope]);
    return rows.map(toReward);
  }

  async deactivate(id: string): Promise<boolean> {
    return (await this.db.run('UPDATE rewards SET active = 0 WHERE id = ?', [id])).changes === 1;
  }
}

function toReward(r: RewardRow): Reward {
  return { id: r.id, name: r.name, price: r.price, stock: r.stock, kind: r.kind, couponItemId: r.coupon_item_id, code: r.code, scope: r.scope, active: r.active === 1 };
}

/**
 * Claims one code of a catalog coupon inside the caller's open transaction, by the same rules as
 * `SqlCouponLedger.claim` (active coupon, not expired, per-user limit, stock > 0, a 'claim'
 * interaction), so a redemption's deduction and the code it buys commit or vanish together.
 */
export async function issueCouponCode(
  tx: SqlRunner, r: { itemId: string; userId: number; requestId: string; platform: string; channel: string }, now: Date,
): Promise<string | { error: RedeemErrorCode }> {
  const item = await tx.get<CouponRow>(
    `SELECT i.kind, i.active, p.stock, p.expires_at, p.per_user_limit FROM items i LEFT JOIN coupon_details p ON p.item_id = i.id WHERE i.id = ?`, [r.itemId]);
  if (!item || item.active !== 1 || item.kind !== 'coupon' || item.stock === null || item.expires_at === null) return { error: 'coupon_unavailable' };
  if (!(Date.parse(item.expires_at) > now.getTime())) return { error: 'coupon_unavailable' };
  const held = await tx.get<{ n: number }>('SELECT count(*) AS n FROM coupon_codes WHERE user_id = ? AND item_id = ?', [r.userId, r.itemId]);
  if ((held?.n ?? 0) >= (item.per_user_limit ?? 1)) return { error: 'coupon_unavailable' };
  const taken = await tx.run('UPDATE coupon_details SET stock = stock - 1 WHERE item_id = ? AND stock > 0', [r.itemId]);
  if (taken.changes !== 1) return { error: 'out_of_stock' };
  const code = await insertCode(tx, r, now.toISOString());
  await tx.run('INSERT INTO interactions (user_id, item_id, type, platform, channel) VALUES (?, ?, ?, ?, ?)', [r.userId, r.itemId, 'claim', r.platform, r.channel]);
  return code;
}
