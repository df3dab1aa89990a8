import type { Interaction } from '../collab/types.js';

export interface HeldOutUser {
  user: string;
  /** The user's other distinct items, oldest first (by each item's latest interaction). */
  history: string[];
  heldOut: string;
  /** Session context: history items that weigh more (see session.ts); absent = all weigh 1. */
  boost?: ReadonlyMap<string, number>;
}

/**
 * Leave-last-out split: per user, interactions are ordered by timestamp (ties and clock skew
 * resolved by order in the input), repeated items count once at their latest time, and the last
 * distinct item is held out. Users with fewer than two distinct items only train. All of the
 * held-out item's interactions by that user leave the training set, so it is never "seen".
 */
export function splitLastByTime(interactions: readonly Interaction[]): { train: Interaction[]; tests: HeldOutUser[] } {
  const byUser = new Map<string, number[]>();
  interactions.forEach((x, k) => {
    const list = byUser.get(x.user);
    if (list) list.push(k); else byUser.set(x.user, [k]);
  });
  const train: Interaction[] = [];
  const tests: HeldOutUser[] = [];
  for (const [user, list] of byUser) {
    list.sort((a, b) => interactions[a]!.timestamp - interactions[b]!.timestamp || a - b);
    const lastAt = new Map<string, number>();
    list.forEach((k, pos) => lastAt.set(interactions[k]!.item, pos));
    if (lastAt.size < 2) {
      for (const k of list) train.push(interactions[k]!);
      continue;
    }
    const distinct = [...lastAt.entries()].sort((a, b) => a[1] - b[1]).map(([item]) => item);
    const heldOut = distinct.pop()!;
    for (const k of list) if (interactions[k]!.item !== heldOut) train.push(interactions[k]!);
    tests.push({ user, history: distinct, heldOut });
  }
  return { train, tests };
}
