import type { Conversation, ConversationStore, NewMessage, StoredMessage } from '../store.js';
import type { SqlDatabase } from './sql-database.js';

interface MessageRow {
  id: number; role: StoredMessage['role']; text: string; cards: string; intent: string | null;
  confidence: number | null; client_id: string | null; created_at: string;
}

export class SqlConversationStore implements ConversationStore {
  constructor(private readonly db: SqlDatabase) {}

  resolveUser(platform: string, platformUserId: string, displayName: string): Promise<number> {
    return this.db.transaction(async (tx) => {
      const found = await tx.get<{ user_id: number; display_name: string }>(
        'SELECT user_id, display_name FROM identities WHERE platform = ? AND platform_user_id = ?', [platform, platformUserId]);
      if (found) {
        if (found.display_name !== displayName) {
          await tx.run('UPDATE identities SET display_name = ? WHERE platform = ? AND platform_user_id = ?', [displayName, platform, platformUserId]);
        }
        return found.user_id;
      }
      const userId = await tx.insertId('INSERT INTO users DEFAULT VALUES');
      await tx.run('INSERT INTO identities (platform, platform_user_id, user_id, display_name) VALUES (?, ?, ?, ?)',
        [platform, platformUserId, userId, displayName]);
      return userId;
    });
  }

  async open(platform: string, channel: string, userId: number): Promise<Conversation> {
    await this.db.run('INSERT INTO conversations (platform, channel, user_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING', [platform, channel, userId]);
    const row = await this.db.get<{ id: number; state: string }>(
      'SELECT id, state FROM conversations WHERE platform = ? AND channel = ? AND user_id = ?', [platform, channel, userId]);
    if (!row) throw new Error('conversation vanished right after insert');
    return { id: row.id, userId, state: safeJson(row.state, {}) };
  }

  async find(platform: string, channel: string, platformUserId: string): Promise<number | undefined> {
    const row = await this.db.get<{ id: number }>(
      `SELECT c.id FROM conversations c JOIN identities i ON i.user_id = c.user_id
       WHERE i.platform = ? AND i.platform_user_id = ? AND c.platform = ? AND c.channel = ?`,
      [platform, platformUserId, platform, channel]);
    return row?.id;
  }

  async append(conversationId: number, m: NewMessage): Promise<StoredMessage> {
    const cards = JSON.stringify(m.cards ?? []);
    const row = await this.db.transaction(async (tx) => {
      const id = await tx.insertId(
        'INSERT INTO messages (conversation_id, role, text, cards, intent, confidence, client_id) VALUES (?, ?, ?, ?, ?, ?, ?)',
        [conversationId, m.role, m.text, cards, m.intent ?? null, m.confidence ?? null, m.clientId ?? null]);
      await tx.run(`UPDATE conversations SET updated_at = ${tx.dialect.now} WHERE id = ?`, [conversationId]);
      return tx.get<MessageRow>('SELECT * FROM messages WHERE id = ?', [id]);
    });
    if (!row) throw new Error('message vanished right after insert');
    return toMessage(row);
  }

  async recent(conversationId: number, limit: number): Promise<StoredMessage[]> {
    const rows = await this.db.all<MessageRow>(
      'SELECT * FROM (SELECT * FROM messages WHERE conversation_id = ? ORDER BY id DESC LIMIT ?) AS m ORDER BY id', [conversationId, limit]);
    return rows.map(toMessage);
  }

  async saveState(conversationId: number, state: unknown): Promise<void> {
    await this.db.run(`UPDATE conversations SET state = ?, updated_at = ${this.db.dialect.now} WHERE id = ?`,
      [JSON.stringify(state), conversationId]);
  }
}

function toMessage(r: MessageRow): StoredMessage {
  return {
    id: r.id, role: r.role, text: r.text, cards: safeJson(r.cards, []) as unknown[], intent: r.intent,
    confidence: r.confidence, clientId: r.client_id, createdAt: r.created_at,
  };
}

function safeJson(text: string, fallback: unknown): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return fallback;
  }
}
