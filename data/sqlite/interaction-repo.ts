import type { InteractionStore, InteractionType } from '../store.js';
import type { Database } from './database.js';

export class SqliteInteractionStore implements InteractionStore {
  constructor(private readonly db: Database) {}

  async record(e: { userId: number | null; itemId: string; type: InteractionType; platform: string; channel: string }): Promise<void> {
    await this.db.run('INSERT INTO interactions (user_id, item_id, type, platform, channel) VALUES (?, ?, ?, ?, ?)',
      [e.userId, e.itemId, e.type, e.platform, e.channel]);
  }

  async count(itemId: string, type: InteractionType): Promise<number> {
    const row = await this.db.get<{ n: number }>('SELECT count(*) AS n FROM interactions WHERE item_id = ? AND type = ?', [itemId, type]);
    return row?.n ?? 0;
  }
}
