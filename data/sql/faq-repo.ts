import type { FaqEntry, FaqLanguage, FaqStore } from '../support.js';
import type { SqlDatabase, SqlRunner } from './sql-database.js';

interface EntryRow { id: string; answer: string; tags: string; language: FaqLanguage; updated_at: string }
interface QuestionRow { entry_id: string; question: string }

/** The FAQ knowledge base: entries with their phrasings in order; one version counter for all. */
export class SqlFaqStore implements FaqStore {
  constructor(private readonly db: SqlDatabase) {}

  async list(): Promise<FaqEntry[]> {
    const [entries, questions] = await Promise.all([
      this.db.all<EntryRow>('SELECT * FROM faq_entries ORDER BY id'),
      this.db.all<QuestionRow>('SELECT entry_id, question FROM faq_questions ORDER BY entry_id, position'),
    ]);
    const byEntry = new Map<string, string[]>();
    for (const q of questions) {
      const list = byEntry.get(q.entry_id) ?? [];
      list.push(q.question);
      byEntry.set(q.entry_id, list);
    }
    return entries.map((e) => toEntry(e, byEntry.get(e.id) ?? []));
  }

  async get(id: string): Promise<FaqEntry | undefined> {
    const row = await this.db.get<EntryRow>('SELECT * FROM faq_entries WHERE id = ?', [id]);
    if (!row) return undefined;
    const questions = await this.db.all<QuestionRow>('SELECT entry_id, question FROM faq_questions WHERE entry_id = ? ORDER BY position', [id]);
    return toEntry(row, questions.map((q) => q.question));
  }

  async upsert(entries: readonly Omit<FaqEntry, 'updatedAt'>[]): Promise<void> {
    for (const e of entries) {
      if (!e.id.trim()) throw new Error('FAQ entry without an id');
      if (!e.questions.some((q) => q.trim())) throw new Error(`FAQ entry ${e.id}: at least one question is needed`);
    }
    if (!entries.length) return;
    await this.db.transaction(async (tx) => {
      for (const e of entries) {
        await tx.run(
          `INSERT INTO faq_entries (id, answer, tags, language, updated_at) VALUES (?, ?, ?, ?, ${tx.dialect.now})
           ON CONFLICT(id) DO UPDATE SET answer = excluded.answer, tags = excluded.tags, language = excluded.language, updated_at = excluded.updated_at`,
          [e.id, e.answer, JSON.stringify(e.tags), e.language]);
        await tx.run('DELETE FROM faq_questions WHERE entry_id = ?', [e.id]);
        const questions = e.questions.map((q) => q.trim()).filter(Boolean);
        for (const [position, question] of questions.entries()) {
          await tx.run('INSERT INTO faq_questions (entry_id, position, question) VALUES (?, ?, ?)', [e.id, position, question]);
        }
      }
      await bump(tx);
    });
  }

  remove(id: string): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const r = await tx.run('DELETE FROM faq_entries WHERE id = ?', [id]);
      if (r.changes > 0) await bump(tx);
      return r.changes > 0;
    });
  }

  async version(): Promise<number> {
    return (await this.db.get<{ version: number }>('SELECT version FROM faq_version WHERE id = 1'))?.version ?? 0;
  }
}

function bump(tx: SqlRunner) {
  return tx.run('UPDATE faq_version SET version = version + 1 WHERE id = 1');
}

function toEntry(r: EntryRow, questions: string[]): FaqEntry {
  return { id: r.id, questions, answer: r.answer, tags: parseTags(r.tags), language: r.language, updatedAt: r.updated_at };
}

function parseTags(json: string): string[] {
  try {
    const v: unknown = JSON.parse(json);
    return Array.isArray(v) ? v.filter((t): t is string => typeof t === 'string') : [];
  } catch {
    return [];
  }
}
