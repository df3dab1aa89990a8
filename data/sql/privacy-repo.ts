import type { ForgetReport, PrivacyStore } from '../support.js';
import type { SqlDatabase } from './sql-database.js';

/** Retention and "delete my data" over the whole schema; see `PrivacyStore` for what goes and what stays. */
export class SqlPrivacyStore implements PrivacyStore {
  constructor(private readonly db: SqlDatabase) {}

  purgeBefore(cutoff: Date): Promise<{ messages: number; queueEntries: number }> {
    const at = cutoff.toISOString();
    return this.db.transaction(async (tx) => {
      const messages = (await tx.run('DELETE FROM messages WHERE created_at < ?', [at])).changes;
      const queueEntries = (await tx.run("DELETE FROM support_queue WHERE status = 'closed' AND closed_at < ?", [at])).changes;
      return { messages, queueEntries };
    });
  }

  forgetUser(userId: number): Promise<ForgetReport> {
    return this.db.transaction(async (tx) => {
      const count = async (sql: string) => (await tx.get<{ n: number }>(sql, [userId]))?.n ?? 0;
      const messages = await count('SELECT count(*) AS n FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE c.user_id = ?');
      // Messages and queue entries go with their conversations (ON DELETE CASCADE).
      const conversations = (await tx.run('DELETE FROM conversations WHERE user_id = ?', [userId])).changes;
      const interactions = (await tx.run('DELETE FROM interactions WHERE user_id = ?', [userId])).changes;
      await tx.run('UPDATE impressions SET user_id = NULL WHERE user_id = ?', [userId]);
      await tx.run('UPDATE partner_events SET user_id = NULL WHERE user_id = ?', [userId]);
      await tx.run('DELETE FROM link_codes WHERE user_id = ?', [userId]);
      const identities = (await tx.run('DELETE FROM identities WHERE user_id = ?', [userId])).changes;
      const couponCodesKept = await count('SELECT count(*) AS n FROM coupon_codes WHERE user_id = ?');
      // The bare users row (an id and a date) stays while coupon codes or points entries point at
      // it: its id must never be given to a new user, who would inherit them.
      const pointsEntries = await count('SELECT count(*) AS n FROM points_ledger WHERE user_id = ?');
      if (couponCodesKept === 0 && pointsEntries === 0) await tx.run('DELETE FROM users WHERE id = ?', [userId]);
      return { conversations, messages, identities, interactions, couponCodesKept };
    });
  }
}
