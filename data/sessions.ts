import type { Agent } from './support.js';

/**
 * Where console login sessions are kept. The web adapter decides what a session is and when it
 * ends (adapters/web/auth.ts); a backend keeps each for the time-to-live it is given. One instance
 * keeps them in memory (below); several share them in Redis (data/redis/sessions.ts), so a login
 * on one instance is valid on all, and a logout or revocation ends it everywhere.
 */
export interface StoredSession {
  id: string;
  agent: Agent;
  csrfToken: string;
  createdAt: number;
  lastSeenAt: number;
}

export interface SessionBackend {
  /** Stores (or replaces) a session, gone after `ttlMs`. */
  put(session: StoredSession, ttlMs: number): Promise<void>;
  get(id: string): Promise<StoredSession | undefined>;
  delete(id: string): Promise<void>;
  /** Ends every session of an agent. */
  deleteAgent(agentId: number): Promise<void>;
}

/** One process: a map, swept of expired sessions whenever one is added. */
export class MemorySessions implements SessionBackend {
  private readonly sessions = new Map<string, { session: StoredSession; until: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  async put(session: StoredSession, ttlMs: number): Promise<void> {
    const t = this.now();
    if (!this.sessions.has(session.id)) for (const [id, s] of this.sessions) if (s.until <= t) this.sessions.delete(id);
    this.sessions.set(session.id, { session: { ...session }, until: t + ttlMs });
  }

  async get(id: string): Promise<StoredSession | undefined> {
    const s = this.sessions.get(id);
    if (!s) return undefined;
    if (s.until <= this.now()) {
      this.sessions.delete(id);
      return undefined;
    }
    return { ...s.session };
  }

  async delete(id: string): Promise<void> {
    this.sessions.delete(id);
  }

  async deleteAgent(agentId: number): Promise<void> {
    for (const [id, s] of this.sessions) if (s.session.agent.id === agentId) this.sessions.delete(id);
  }

  get size(): number {
    return this.sessions.size;
  }
}
