import type { Redis } from 'ioredis';
import type { SessionBackend, StoredSession } from '../sessions.js';

/**
 * Console sessions shared by every instance: a key per session (JSON, expiring with the session)
 * and a set per agent naming its sessions, so revoking an agent ends them all. The set lives as
 * long as the agent's newest session; names in it whose session expired are harmless.
 */
export class RedisSessions implements SessionBackend {
  constructor(private readonly redis: Redis, private readonly prefix = 'crossfeed:session:') {}

  async put(session: StoredSession, ttlMs: number): Promise<void> {
    const ms = String(Math.max(1, Math.ceil(ttlMs)));
    const agentKey = this.agentKey(session.agent.id);
    await this.redis.multi()
      .set(this.key(session.id), JSON.stringify(session), 'PX', ms)
      .sadd(agentKey, session.id)
      // The set outlives the agent's longest session: GT extends it, NX gives a new set its first TTL.
      .pexpire(agentKey, ms, 'GT')
      .pexpire(agentKey, ms, 'NX')
      .exec()
      .then(failed);
  }

  async get(id: string): Promise<StoredSession | undefined> {
    const json = await this.redis.get(this.key(id));
    return json ? (JSON.parse(json) as StoredSession) : undefined;
  }

  async delete(id: string): Promise<void> {
    const json = await this.redis.get(this.key(id));
    const tx = this.redis.multi().del(this.key(id));
    if (json) tx.srem(this.agentKey((JSON.parse(json) as StoredSession).agent.id), id);
    await tx.exec().then(failed);
  }

  async deleteAgent(agentId: number): Promise<void> {
    const ids = await this.redis.smembers(this.agentKey(agentId));
    await this.redis.del(this.agentKey(agentId), ...ids.map((id) => this.key(id)));
  }

  private key(id: string): string {
    return `${this.prefix}${id}`;
  }

  private agentKey(agentId: number): string {
    return `${this.prefix}agent:${agentId}`;
  }
}

/** MULTI reports each command's error in its result; the first one fails the call. */
function failed(results: [Error | null, unknown][] | null): void {
  const err = results?.find(([e]) => e)?.[0];
  if (err) throw err;
}
