/**
 * Sharing leased work fairly among live instances (pure: no clock, no I/O). Each of `members`
 * should hold about `keys / members`; an instance over its share gives the excess back (another
 * takes it on its next round), one under its share takes free keys. A key held by an instance
 * that died becomes free when its lease expires, and a member that died drops out of `members`
 * when its heartbeat expires, so the survivors' share grows and they take its keys.
 */
export interface LeasePlanInput {
  /** Everything to share out, in preference order (taken first, given back last). */
  readonly keys: readonly string[];
  /** Live instances (this one included or not: it is counted either way). */
  readonly members: readonly string[];
  readonly me: string;
  /** Each key's holder now (null: free). */
  readonly holders: ReadonlyMap<string, string | null>;
}

export interface LeasePlan {
  /** Keys this instance holds at most. */
  readonly share: number;
  /** Free keys to try, in order, until this instance holds `share` (another may win a race for one). */
  readonly take: readonly string[];
  /** Keys to give back now. */
  readonly release: readonly string[];
}

export function planLeases(o: LeasePlanInput): LeasePlan {
  const members = new Set([...o.members, o.me]);
  const share = Math.ceil(o.keys.length / members.size);
  const mine = o.keys.filter((k) => o.holders.get(k) === o.me);
  if (mine.length > share) return { share, take: [], release: mine.slice(share) };
  const free = o.keys.filter((k) => (o.holders.get(k) ?? null) === null);
  return { share, take: mine.length < share ? free : [], release: [] };
}
