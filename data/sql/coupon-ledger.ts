import { randomBytes } from 'node:crypto';
import type { ClaimErrorCode, ClaimRequest, ClaimResult, CouponCode, CouponLedger } from '../partners.js';
import type { SqlDatabase, SqlRunner } from './sql-database.js';
import type { SpendLedgerWriter } from './spend-ledger.js';

/** 32 symbols without 0/O and 1/I, so a code read aloud or typed from a stream is unambiguous. */
export const CODE_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
/** 12 symbols of 5 bits: 60 random bits per code, shown as CF-XXXX-XXXX-XXXX. */
const CODE_SYMBOLS = 12;
export const CODE_PATTERN = /^CF-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$/;

export function newCouponCode(): string {
  const bytes = randomBytes(CODE_SYMBOLS);
  // 256 is a multiple of 32, so taking 5 bits of each byte is unbiased.
  const symbols = Array.from(bytes, (b) => CODE_ALPHABET[b & 31]!).join('');
  return `CF-${symbols.slice(0, 4)}-${symbols.slice(4, 8)}-${symbols.slice(8, 12)}`;
}

export interface CouponLedgerOptions {
  /** The clock expiry is checked against; tests move it. */
  now?: () => Date;
  /** Charges the coupon's claim-priced campaign, in the claim's transaction. */
  billing?: SpendLedgerWriter;
}

interface CodeRow { code: string; item_id: string; user_id: number; request_id: string; claimed_at: string; redeemed_at: string | null }
interface CouponRow { kind: string; active: number; stock: number | null; expires_at: string | null; per_user_limit: number | null }

export class SqlCouponLedger implements CouponLedger {
  private readonly now: () => Date;
  private readonly billing: SpendLedgerWriter | undefined;

  constructor(private readonly db: SqlDatabase, o: CouponLedgerOptions = {}) {
    this.now = o.now ?? (() => new Date());
    this.billing = o.billing;
  }

  claim(r: ClaimRequest): Promise<ClaimResult> {
    // The transaction behaves as the only writer (sql-database.ts), so no other connection (in this
    // process or another) can change stock or codes between our checks and our writes.
    return this.db.transaction(async (tx) => {
      const previous = await tx.get<CodeRow>('SELECT * FROM coupon_codes WHERE request_id = ?', [r.requestId]);
      if (previous) {
        if (previous.user_id !== r.userId || previous.item_id !== r.itemId) return refuse('request_id_conflict');
        return { ok: true, status: 'repeat', code: previous.code, itemId: previous.item_id, claimedAt: previous.claimed_at };
      }
      const item = await tx.get<CouponRow>(
        `SELECT i.kind, i.active, p.stock, p.expires_at, p.per_user_limit
         FROM items i LEFT JOIN coupon_details p ON p.item_id = i.id WHERE i.id = ?`, [r.itemId]);
      if (!item || item.active !== 1) return refuse('unknown_item');
      if (item.kind !== 'coupon' || item.stock === null || item.expires_at === null) return refuse('not_a_coupon');
      if (!(Date.parse(item.expires_at) > this.now().getTime())) return refuse('expired');
      const held = await tx.get<{ n: number }>('SELECT count(*) AS n FROM coupon_codes WHERE user_id = ? AND item_id = ?', [r.userId, r.itemId]);
      if ((held?.n ?? 0) >= (item.per_user_limit ?? 1)) return refuse('limit_reached');
      const taken = await tx.run('UPDATE coupon_details SET stock = stock - 1 WHERE item_id = ? AND stock > 0', [r.itemId]);
      if (taken.changes !== 1) return refuse('out_of_stock');
      const claimedAt = this.now().toISOString();
      const code = await insertCode(tx, r, claimedAt);
      await tx.run('INSERT INTO interactions (user_id, item_id, type, platform, channel) VALUES (?, ?, ?, ?, ?)',
        [r.userId, r.itemId, 'claim', r.platform, r.channel]);
      await this.billing?.bill(tx, { key: `claim:${code}`, type: 'claim', itemId: r.itemId, userId: r.userId, platform: r.platform, channel: r.channel });
      return { ok: true, status: 'claimed', code, itemId: r.itemId, claimedAt };
    });
  }

  async find(code: string): Promise<CouponCode | undefined> {
    const row = await this.db.get<CodeRow>('SELECT * FROM coupon_codes WHERE code = ?', [code]);
    return row && toCode(row);
  }

  async held(userId: number, limit = 20): Promise<CouponCode[]> {
    const rows = await this.db.all<CodeRow>(`SELECT * FROM coupon_codes WHERE user_id = ? ORDER BY claimed_at DESC, ${this.db.dialect.couponCodeOrder} DESC LIMIT ?`, [userId, limit]);
    return rows.map(toCode);
  }
}

function toCode(row: CodeRow): CouponCode {
  return { code: row.code, itemId: row.item_id, userId: row.user_id, requestId: row.request_id, claimedAt: row.claimed_at, redeemedAt: row.redeemed_at };
}

function refuse(error: ClaimErrorCode): ClaimResult {
  return { ok: false, error };
}

/**
 * Inserts a fresh code in the caller's transaction, drawing again on the (astronomically rare)
 * collision with an existing one. Checked before the insert: a failed statement would end a
 * PostgreSQL transaction.
 */
export async function insertCode(
  tx: SqlRunner, r: { itemId: string; userId: number; requestId: string; platform: string; channel: string }, claimedAt: string,
): Promise<string> {
  let code = newCouponCode();
  while (await tx.get('SELECT 1 FROM coupon_codes WHERE code = ?', [code])) code = newCouponCode();
  await tx.run(
    'INSERT INTO coupon_codes (code, item_id, user_id, request_id, claimed_at, platform, channel) VALUES (?, ?, ?, ?, ?, ?, ?)',
    [code, r.itemId, r.userId, r.requestId, claimedAt, r.platform, r.channel]);
  return code;
}
