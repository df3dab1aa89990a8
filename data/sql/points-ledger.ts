import type {
  ApplyResult, CheckinRequest, CheckinResult, LeaderboardRow, Mismatch, PointsChange, PointsEntry, PointsLedger, RedeemErrorCode,
  RedeemRequest, RedeemResult,
} from '../loyalty.js';
import { localDay, nextStreak } from '../loyalty-calendar.js';
import { asciiLower, type SqlDatabase, type SqlRunner } from './sql-database.js';
import { issueCouponCode } from './reward-catalog.js';

export interface PointsLedgerOptions {
  /** The clock entries are stamped with and coupon expiry is checked against; tests move it. */
  now?: () => Date;
  /**
   * Called inside a redemption's transaction after the points were deducted and before the code is
   * issued. Only for fault tests: a worker hangs here and is killed, to prove nothing half-done survives.
   */
  onDeducted?: (request: RedeemRequest) => Promise<void>;
}

interface EntryRow {
  id: number; user_id: number; delta: number; reason: PointsEntry['reason']; note: string | null; idempotency_key: string;
  platform: string | null; channel: string | null; actor: string | null; created_at: string;
}
interface RedemptionRow { user_id: number; reward_id: string; price: number; code: string; name: string }
interface RewardRow { id: string; name: string; price: number; stock: number | null; kind: 'coupon' | 'code'; coupon_item_id: string | null; code: string | null; active: number }

/** A refusal found after something was written: thrown to roll the transaction back, then answered. */
class Refusal extends Error {
  constructor(readonly error: RedeemErrorCode) {
    super(error);
  }
}


/**
 * The points ledger. Every change is one INSERT into `points_ledger`; a trigger adds it
 * to `points_balances` in the same statement, whose CHECK refuses a negative balance, so an entry
 * and its cached effect exist together or not at all. Multi-step operations (check-in, redemption)
 * run in one transaction that behaves as the only writer (sql-database.ts), across processes.
 */
export class SqlPointsLedger implements PointsLedger {
  private readonly now: () => Date;

  constructor(private readonly db: SqlDatabase, private readonly o: PointsLedgerOptions = {}) {
    this.now = o.now ?? (() => new Date());
  }

  async balance(userId: number): Promise<number> {
    return balanceIn(this.db, userId);
  }

  apply(change: PointsChange): Promise<ApplyResult> {
    return this.db.transaction((tx) => this.applyIn(tx, change, true));
  }

  applyMany(changes: readonly PointsChange[]): Promise<ApplyResult[]> {
    return this.db.transaction(async (tx) => {
      const results: ApplyResult[] = [];
      for (const c of changes) results.push(await this.applyIn(tx, c, false));
      return results;
    });
  }

  /** `withBalance` false skips reading the new balance back (bulk runs); the result then says -1. */
  private async applyIn(tx: SqlRunner, c: PointsChange, withBalance: boolean): Promise<ApplyResult> {
    if (!Number.isSafeInteger(c.delta) || c.delta === 0) return { ok: false, error: 'invalid', balance: await balanceIn(tx, c.userId) };
    // Checked before writing, inside the caller's transaction: a failed statement would end a
    // PostgreSQL transaction. The UNIQUE key and the balance CHECK still back both checks.
    const first = await tx.get<EntryRow>('SELECT * FROM points_ledger WHERE idempotency_key = ?', [c.key]);
    if (first) {
      const same = first.user_id === c.userId && first.delta === c.delta && first.reason === c.reason;
      const balance = await balanceIn(tx, c.userId);
      return same ? { ok: true, status: 'repeat', entry: toEntry(first), balance } : { ok: false, error: 'key_conflict', balance };
    }
    if (c.delta < 0) {
      const balance = await balanceIn(tx, c.userId);
      if (balance + c.delta < 0) return { ok: false, error: 'insufficient', balance };
    }
    const createdAt = this.now().toISOString();
    const id = await tx.insertId(
      'INSERT INTO points_ledger (user_id, delta, reason, note, idempotency_key, platform, channel, actor, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [c.userId, c.delta, c.reason, c.note ?? null, c.key, c.platform ?? null, c.channel ?? null, c.actor ?? null, createdAt]);
    const entry: PointsEntry = {
      id, userId: c.userId, delta: c.delta, reason: c.reason, note: c.note ?? null, key: c.key,
      platform: c.platform ?? null, channel: c.channel ?? null, actor: c.actor ?? null, createdAt,
    };
    return { ok: true, status: 'applied', entry, balance: withBalance ? await balanceIn(tx, c.userId) : -1 };
  }

  checkIn(r: CheckinRequest): Promise<CheckinResult> {
    const day = localDay(r.at, r.rules.timeZone);
    return this.db.transaction(async (tx): Promise<CheckinResult> => {
      const row = await tx.get<{ last_day: string; streak: number }>('SELECT last_day, streak FROM points_checkins WHERE user_id = ?', [r.userId]);
      const step = nextStreak(row && { lastDay: row.last_day, streak: row.streak }, day, r.rules);
      if (!step.credit) return { status: 'already', day: step.day, streak: step.streak, balance: await balanceIn(tx, r.userId) };
      const applied = await this.applyIn(tx, {
        userId: r.userId, delta: step.points, reason: 'checkin', key: `checkin:${r.userId}:${day}`,
        note: `day ${step.streak} of streak (${day} ${r.rules.timeZone})`, platform: r.platform, channel: r.channel,
      }, true);
      // The key is per user and day, so a repeat means this day was already credited.
      if (!applied.ok || applied.status === 'repeat') return { status: 'already', day, streak: row?.streak ?? 1, balance: applied.balance };
      await tx.run(`INSERT INTO points_checkins (user_id, last_day, streak) VALUES (?, ?, ?)
        ON CONFLICT(user_id) DO UPDATE SET last_day = excluded.last_day, streak = excluded.streak`, [r.userId, day, step.streak]);
      return { status: 'checked_in', day, streak: step.streak, points: step.points, balance: applied.balance };
    });
  }

  async redeem(r: RedeemRequest): Promise<RedeemResult> {
    try {
      return await this.db.transaction((tx) => this.redeemIn(tx, r));
    } catch (err) {
      if (err instanceof Refusal) return { ok: false, error: err.error, balance: await this.balance(r.userId) };
      throw err;
    }
  }

  private async redeemIn(tx: SqlRunner, r: RedeemRequest): Promise<RedeemResult> {
    const refuse = async (error: RedeemErrorCode): Promise<RedeemResult> => ({ ok: false, error, balance: await balanceIn(tx, r.userId) });
    const previous = await tx.get<RedemptionRow>(
      'SELECT d.user_id, d.reward_id, d.price, d.code, w.name FROM redemptions d JOIN rewards w ON w.id = d.reward_id WHERE d.request_id = ?', [r.requestId]);
    if (previous) {
      if (previous.user_id !== r.userId || previous.reward_id !== r.rewardId) return refuse('request_id_conflict');
      return { ok: true, status: 'repeat', rewardId: previous.reward_id, rewardName: previous.name, code: previous.code, price: previous.price, balance: await balanceIn(tx, r.userId) };
    }
    const reward = await tx.get<RewardRow>('SELECT * FROM rewards WHERE id = ?', [r.rewardId]);
    if (!reward || reward.active !== 1) return refuse('unknown_reward');
    if (reward.stock !== null && reward.stock <= 0) return refuse('out_of_stock');
    if ((await balanceIn(tx, r.userId)) < reward.price) return refuse('insufficient');
    if (reward.stock !== null) {
      const taken = await tx.run('UPDATE rewards SET stock = stock - 1 WHERE id = ? AND stock > 0', [reward.id]);
      if (taken.changes !== 1) return refuse('out_of_stock');
    }
    const createdAt = this.now().toISOString();
    const deducted = await this.applyIn(tx, {
      userId: r.userId, delta: -reward.price, reason: 'redeem', key: `redeem:${r.requestId}`, note: reward.id, platform: r.platform, channel: r.channel,
    }, true);
    // Checked above under the write lock, so only a key reused outside redemptions lands here.
    if (!deducted.ok || deducted.status !== 'applied') throw new Refusal(deducted.ok ? 'request_id_conflict' : deducted.error === 'insufficient' ? 'insufficient' : 'request_id_conflict');
    await this.o.onDeducted?.(r);
    let code: string;
    if (reward.kind === 'code') code = reward.code!;
    else {
      const issued = await issueCouponCode(tx, { itemId: reward.coupon_item_id!, userId: r.userId, requestId: `loyalty:${r.requestId}`, platform: r.platform, channel: r.channel }, this.now());
      if (typeof issued !== 'string') throw new Refusal(issued.error);
      code = issued;
    }
    await tx.run('INSERT INTO redemptions (request_id, user_id, reward_id, price, code, ledger_id, platform, channel, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [r.requestId, r.userId, reward.id, reward.price, code, deducted.entry.id, r.platform, r.channel, createdAt]);
    return { ok: true, status: 'redeemed', rewardId: reward.id, rewardName: reward.name, code, price: reward.price, balance: deducted.balance };
  }

  async entries(o: { userId?: number; afterId?: number; limit?: number } = {}): Promise<PointsEntry[]> {
    const rows = await this.db.all<EntryRow>(
      `SELECT * FROM points_ledger WHERE id > ? ${o.userId === undefined ? '' : 'AND user_id = ?'} ORDER BY id LIMIT ?`,
      [o.afterId ?? 0, ...(o.userId === undefined ? [] : [o.userId]), o.limit ?? 1000]);
    return rows.map(toEntry);
  }

  async leaderboard(o: { limit?: number; scope?: string } = {}): Promise<LeaderboardRow[]> {
    const name = '(SELECT display_name FROM identities i WHERE i.user_id = t.user_id ORDER BY platform LIMIT 1)';
    const limit = o.limit ?? 10;
    if (o.scope === undefined) {
      return this.db.all<LeaderboardRow>(
        `SELECT t.user_id AS "userId", ${name} AS "displayName", t.balance AS points FROM points_balances t WHERE t.balance > 0 ORDER BY t.balance DESC, t.user_id LIMIT ?`, [limit]);
    }
    const colon = o.scope.indexOf(':');
    const [platform, channel] = colon > 0 ? [o.scope.slice(0, colon), o.scope.slice(colon + 1)] : [o.scope, ''];
    return this.db.all<LeaderboardRow>(
      `SELECT t.user_id AS "userId", ${name} AS "displayName", t.points FROM
         (SELECT user_id, SUM(delta) AS points FROM points_ledger WHERE platform = ? AND channel = ? GROUP BY user_id) t
       WHERE t.points > 0 ORDER BY t.points DESC, t.user_id LIMIT ?`, [platform, channel, limit]);
  }

  async findUser(platform: string, name: string): Promise<number | undefined> {
    const row = await this.db.get<{ user_id: number }>(
      'SELECT user_id FROM identities WHERE platform = ? AND (lower(display_name) = ? OR platform_user_id = ?) ORDER BY platform_user_id = ? DESC LIMIT 1',
      [platform, asciiLower(name), name, name]);
    return row?.user_id;
  }

  reconcile(): Promise<Mismatch[]> {
    // One statement, so one consistent snapshot even while other processes write.
    return this.db.all<Mismatch>(
      `SELECT * FROM (SELECT user_id AS "userId", MAX(cached) AS cached, SUM(amount) AS ledger FROM (
         SELECT user_id, NULL AS cached, delta AS amount FROM points_ledger
         UNION ALL SELECT user_id, balance AS cached, 0 AS amount FROM points_balances) AS e
       GROUP BY user_id) AS r WHERE cached IS NULL OR cached <> ledger OR ledger < 0 ORDER BY "userId"`);
  }
}

async function balanceIn(db: SqlRunner, userId: number): Promise<number> {
  return (await db.get<{ balance: number }>('SELECT balance FROM points_balances WHERE user_id = ?', [userId]))?.balance ?? 0;
}

function toEntry(r: EntryRow): PointsEntry {
  return {
    id: r.id, userId: r.user_id, delta: r.delta, reason: r.reason, note: r.note, key: r.idempotency_key,
    platform: r.platform, channel: r.channel, actor: r.actor, createdAt: r.created_at,
  };
}
