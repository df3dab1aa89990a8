import type { HandoffReason, QueueEntry, QueueStatus, SupportQueue, TakeResult } from '../support.js';
import type { SqlDatabase, SqlRunner } from './sql-database.js';

interface EntryRow {
  conversation_id: number; platform: string; channel: string; user_id: number; display_name: string | null;
  status: QueueStatus; reason: HandoffReason; agent_id: number | null; enqueued_at: string; taken_at: string | null;
  closed_at: string | null; tag: string | null; contact_email: string | null; contact_message: string | null;
}

/** A queue entry with where the conversation happens and who the visitor is (their name on that platform). */
const SELECT = `SELECT q.*, c.platform, c.channel, c.user_id,
  (SELECT i.display_name FROM identities i WHERE i.user_id = c.user_id ORDER BY i.platform = c.platform DESC, i.platform_user_id LIMIT 1) AS display_name
  FROM support_queue q JOIN conversations c ON c.id = q.conversation_id`;
const OPEN = "q.status IN ('waiting','taken')";

/**
 * The handoff queue. A partial unique index keeps at most one open (waiting or taken) entry per
 * conversation; state changes run in transactions that behave as the only writer, so two agents (or two
 * processes) racing to take a conversation cannot both win.
 */
export class SqlSupportQueue implements SupportQueue {
  constructor(private readonly db: SqlDatabase) {}

  enqueue(conversationId: number, reason: HandoffReason): Promise<QueueEntry> {
    return this.db.transaction(async (tx) => {
      const existing = await openEntry(tx, conversationId);
      if (existing) return existing;
      await tx.run("INSERT INTO support_queue (conversation_id, status, reason) VALUES (?, 'waiting', ?)", [conversationId, reason]);
      const created = await openEntry(tx, conversationId);
      if (!created) throw new Error(`queue entry for conversation ${conversationId} vanished right after insert`);
      return created;
    });
  }

  async position(conversationId: number): Promise<number | undefined> {
    const row = await this.db.get<{ n: number }>(
      `SELECT (SELECT count(*) FROM support_queue w WHERE w.status = 'waiting' AND w.id <= q.id) AS n
       FROM support_queue q WHERE q.conversation_id = ? AND q.status = 'waiting'`, [conversationId]);
    return row?.n;
  }

  async waiting(): Promise<QueueEntry[]> {
    return (await this.db.all<EntryRow>(`${SELECT} WHERE q.status = 'waiting' ORDER BY q.id`)).map(toEntry);
  }

  async ownedBy(agentId: number): Promise<QueueEntry[]> {
    return (await this.db.all<EntryRow>(`${SELECT} WHERE q.status = 'taken' AND q.agent_id = ? ORDER BY q.id`, [agentId])).map(toEntry);
  }

  open(conversationId: number): Promise<QueueEntry | undefined> {
    return openEntry(this.db, conversationId);
  }

  take(conversationId: number, agentId: number): Promise<TakeResult> {
    return this.db.transaction(async (tx) => {
      const row = await tx.get<{ id: number; status: QueueStatus }>(
        `SELECT q.id, q.status FROM support_queue q WHERE q.conversation_id = ? AND ${OPEN}`, [conversationId]);
      if (!row) return 'not_waiting';
      if (row.status === 'taken') return 'already_taken';
      const r = await tx.run(`UPDATE support_queue SET status = 'taken', agent_id = ?, taken_at = ${tx.dialect.now} WHERE id = ? AND status = 'waiting'`, [agentId, row.id]);
      return r.changes === 1 ? 'taken' : 'already_taken';
    });
  }

  async handBack(conversationId: number, agentId: number): Promise<boolean> {
    const r = await this.db.run(
      `UPDATE support_queue SET status = 'closed', tag = 'handed_back', closed_at = ${this.db.dialect.now}
       WHERE conversation_id = ? AND status = 'taken' AND agent_id = ?`, [conversationId, agentId]);
    return r.changes > 0;
  }

  /**
   * Closes the entry the agent owns. A `waiting` entry can be closed by any agent too (a message
   * left while nobody was online, answered by email), so the queue does not fill with them.
   */
  async close(conversationId: number, agentId: number, tag: string): Promise<boolean> {
    const r = await this.db.run(
      `UPDATE support_queue SET status = 'closed', tag = ?, closed_at = ${this.db.dialect.now}, agent_id = coalesce(agent_id, ?)
       WHERE conversation_id = ? AND (status = 'waiting' OR (status = 'taken' AND agent_id = ?))`,
      [tag, agentId, conversationId, agentId]);
    return r.changes > 0;
  }

  dismiss(conversationIds: readonly number[], tag: string, agentId: number | null): Promise<number[]> {
    return this.db.transaction(async (tx) => {
      const done: number[] = [];
      for (const id of new Set(conversationIds)) {
        const r = await tx.run(
          `UPDATE support_queue SET status = 'closed', tag = ?, closed_at = ${tx.dialect.now}, agent_id = ? WHERE conversation_id = ? AND status = 'waiting'`,
          [tag, agentId, id]);
        if (r.changes > 0) done.push(id);
      }
      return done;
    });
  }

  async leave(conversationId: number): Promise<boolean> {
    const r = await this.db.run(
      `UPDATE support_queue SET status = 'closed', tag = 'left', closed_at = ${this.db.dialect.now} WHERE conversation_id = ? AND status = 'waiting'`, [conversationId]);
    return r.changes > 0;
  }

  /** Stores contact details on the conversation's open entry, putting it in the queue first when it is not. */
  async leaveMessage(conversationId: number, email: string, message: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      if (!(await openEntry(tx, conversationId))) {
        await tx.run("INSERT INTO support_queue (conversation_id, status, reason) VALUES (?, 'waiting', 'asked')", [conversationId]);
      }
      await tx.run(`UPDATE support_queue SET contact_email = ?, contact_message = ? WHERE conversation_id = ? AND status IN ('waiting','taken')`,
        [email, message, conversationId]);
    });
  }
}

async function openEntry(runner: SqlRunner, conversationId: number): Promise<QueueEntry | undefined> {
  const row = await runner.get<EntryRow>(`${SELECT} WHERE q.conversation_id = ? AND ${OPEN}`, [conversationId]);
  return row && toEntry(row);
}

function toEntry(r: EntryRow): QueueEntry {
  return {
    conversationId: r.conversation_id, platform: r.platform, channel: r.channel, userId: r.user_id, displayName: r.display_name ?? '',
    status: r.status, reason: r.reason, agentId: r.agent_id, enqueuedAt: r.enqueued_at, takenAt: r.taken_at, closedAt: r.closed_at,
    tag: r.tag, contactEmail: r.contact_email, contactMessage: r.contact_message,
  };
}
