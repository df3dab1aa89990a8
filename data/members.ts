/**
 * Who is alive in a group of instances (those running Discord shards, say): each member
 * heartbeats with a time-to-live and learns the others, so work can be shared out fairly
 * (bot/lease-plan.ts). A member that dies stops heartbeating and drops out when its TTL ends.
 * Redis implements it for several instances (data/redis/members.ts); one instance alone uses the
 * local one below.
 */
export interface MemberRegistry {
  /** Marks `id` alive in `group` for `ttlMs`; returns the group's live members (sorted, `id` among them). */
  heartbeat(group: string, id: string, ttlMs: number): Promise<string[]>;
  /** Leaves the group at once (graceful shutdown), instead of dropping out when the TTL ends. */
  leave(group: string, id: string): Promise<void>;
}

/** One process: members live in memory, with the same expiry rules (tests and single instances). */
export class LocalMemberRegistry implements MemberRegistry {
  private readonly groups = new Map<string, Map<string, number>>();
  constructor(private readonly now: () => number = Date.now) {}

  async heartbeat(group: string, id: string, ttlMs: number) {
    const members = this.groups.get(group) ?? new Map<string, number>();
    this.groups.set(group, members);
    const now = this.now();
    for (const [m, until] of members) if (until <= now) members.delete(m);
    members.set(id, now + ttlMs);
    return [...members.keys()].sort();
  }

  async leave(group: string, id: string) {
    this.groups.get(group)?.delete(id);
  }
}
