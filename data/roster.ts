/**
 * Who is alive in a group of instances (those sharing one Twitch account, say): each member beats
 * with a time-to-live and sees the others that beat within theirs. Used to spread work fairly
 * (bot/channel-assignment.ts); correctness never depends on it (leases do that). Redis implements
 * it for several instances (data/redis/roster.ts); one instance alone uses the local one below.
 */
export interface Roster {
  /** Marks `member` alive for `ttlMs`; returns every member alive now, `member` included. */
  beat(group: string, member: string, ttlMs: number): Promise<string[]>;
  /** Leaves at once (graceful shutdown), so the others count without it. */
  leave(group: string, member: string): Promise<void>;
}

export class LocalRoster implements Roster {
  private readonly groups = new Map<string, Map<string, number>>();
  constructor(private readonly now: () => number = Date.now) {}

  async beat(group: string, member: string, ttlMs: number): Promise<string[]> {
    const members = this.groups.get(group) ?? new Map<string, number>();
    this.groups.set(group, members);
    members.set(member, this.now() + ttlMs);
    for (const [m, until] of members) if (until <= this.now()) members.delete(m);
    return [...members.keys()].sort();
  }

  async leave(group: string, member: string): Promise<void> {
    this.groups.get(group)?.delete(member);
  }
}
