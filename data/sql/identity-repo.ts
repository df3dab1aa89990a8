import { randomInt } from 'node:crypto';
import type { IdentityStore, LinkResult } from '../store.js';
import type { SqlDatabase } from './sql-database.js';

/** No 0/O, 1/I/L: codes are read off one screen and typed into another. */
const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const CODE_LENGTH = 8;

/**
 * One-time link codes: a code made for one user (in a private chat) and typed by an identity on
 * another platform moves that identity, its interactions and its coupon codes to the first user,
 * in one transaction. A code works once, for ten minutes by default.
 */
export class SqlIdentityStore implements IdentityStore {
  constructor(private readonly db: SqlDatabase) {}

  async createLinkCode(userId: number, ttlMs = 10 * 60_000, now = new Date()): Promise<string> {
    const code = Array.from({ length: CODE_LENGTH }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
    await this.db.run('INSERT INTO link_codes (code, user_id, expires_at) VALUES (?, ?, ?)', [code, userId, new Date(now.getTime() + ttlMs).toISOString()]);
    return code;
  }

  redeemLinkCode(rawCode: string, platform: string, platformUserId: string, now = new Date()): Promise<LinkResult> {
    const code = rawCode.trim().toUpperCase();
    return this.db.transaction(async (tx) => {
      const row = await tx.get<{ user_id: number; expires_at: string; used_at: string | null }>('SELECT user_id, expires_at, used_at FROM link_codes WHERE code = ?', [code]);
      if (!row || row.used_at) return { status: 'invalid' };
      if (row.expires_at < now.toISOString()) return { status: 'expired' };
      const target = row.user_id;
      const identity = await tx.get<{ user_id: number }>('SELECT user_id FROM identities WHERE platform = ? AND platform_user_id = ?', [platform, platformUserId]);
      if (identity?.user_id === target) return { status: 'already_linked', userId: target };
      const clash = await tx.get<{ n: number }>('SELECT count(*) AS n FROM identities WHERE user_id = ? AND platform = ?', [target, platform]);
      if ((clash?.n ?? 0) > 0) return { status: 'platform_taken' };
      await tx.run('UPDATE link_codes SET used_at = ?, used_by = ? WHERE code = ?', [now.toISOString(), `${platform}:${platformUserId}`, code]);
      if (!identity) {
        await tx.run('INSERT INTO identities (platform, platform_user_id, user_id, display_name) VALUES (?, ?, ?, ?)', [platform, platformUserId, target, platformUserId]);
        return { status: 'linked', userId: target };
      }
      const old = identity.user_id;
      await tx.run('UPDATE identities SET user_id = ? WHERE platform = ? AND platform_user_id = ?', [target, platform, platformUserId]);
      // Conversations stay per platform; they follow the identity (the target has none on this platform).
      await tx.run('UPDATE conversations SET user_id = ? WHERE user_id = ? AND platform = ?', [target, old, platform]);
      await tx.run('UPDATE interactions SET user_id = ? WHERE user_id = ?', [target, old]);
      await tx.run('UPDATE coupon_codes SET user_id = ? WHERE user_id = ?', [target, old]);
      // Points follow the person when this was the old user's last identity: the ledger is
      // append-only, so the balance moves as a revoke/grant pair under the code's keys.
      const remaining = await tx.get<{ n: number }>('SELECT count(*) AS n FROM identities WHERE user_id = ?', [old]);
      const balance = await tx.get<{ balance: number }>('SELECT balance FROM points_balances WHERE user_id = ?', [old]);
      if ((remaining?.n ?? 0) === 0 && balance && balance.balance > 0) {
        const insert = 'INSERT INTO points_ledger (user_id, delta, reason, note, idempotency_key, platform, actor) VALUES (?, ?, ?, ?, ?, ?, ?)';
        await tx.run(insert, [old, -balance.balance, 'revoke', `moved to user ${target} by account link`, `link:${code}:out`, platform, 'account-link']);
        await tx.run(insert, [target, balance.balance, 'grant', `moved from user ${old} by account link`, `link:${code}:in`, platform, 'account-link']);
      }
      return { status: 'linked', userId: target };
    });
  }
}
