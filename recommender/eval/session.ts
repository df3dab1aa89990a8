import type { CollabModel, Interaction } from '../collab/types.js';
import type { HeldOutUser } from './holdout.js';
import { scoreModel } from './metrics.js';

/** Default gap that ends a session (a conversation): 30 minutes without an interaction. */
export const SESSION_GAP_MS = 30 * 60_000;

/**
 * Time split for session context: per user (interactions ordered by time, input order on ties),
 * sessions are runs without a gap over `gapMs`; the last distinct item of the last session is held
 * out, and the session's earlier items are known (in the history, marked as this session's). Users
 * whose last session has no earlier item, or who have nothing before it, only train.
 */
export function splitLastSession(interactions: readonly Interaction[], gapMs = SESSION_GAP_MS): { train: Interaction[]; tests: (HeldOutUser & { session: string[] })[] } {
  const byUser = new Map<string, number[]>();
  interactions.forEach((x, k) => { const l = byUser.get(x.user); if (l) l.push(k); else byUser.set(x.user, [k]); });
  const train: Interaction[] = [];
  const tests: (HeldOutUser & { session: string[] })[] = [];
  for (const [user, list] of byUser) {
    list.sort((a, b) => interactions[a]!.timestamp - interactions[b]!.timestamp || a - b);
    let start = list.length - 1;
    while (start > 0 && interactions[list[start]!]!.timestamp - interactions[list[start - 1]!]!.timestamp <= gapMs) start--;
    const heldOut = interactions[list[list.length - 1]!]!.item;
    const sessionItems = [...new Set(list.slice(start).map((k) => interactions[k]!.item))].filter((i) => i !== heldOut);
    const lastAt = new Map<string, number>();
    list.forEach((k, pos) => lastAt.set(interactions[k]!.item, pos));
    lastAt.delete(heldOut);
    if (sessionItems.length === 0 || lastAt.size <= sessionItems.length) {
      for (const k of list) train.push(interactions[k]!);
      continue;
    }
    const history = [...lastAt.entries()].sort((a, b) => a[1] - b[1]).map(([item]) => item);
    for (const k of list) if (interactions[k]!.item !== heldOut) train.push(interactions[k]!);
    tests.push({ user, history, heldOut, session: sessionItems });
  }
  return { train, tests };
}

/** Recall@k of `model` when this session's items weigh `boost` times the older history, per boost. */
export function sessionBoostRecall(model: CollabModel, tests: readonly (HeldOutUser & { session: string[] })[], k: number, boosts: readonly number[]): { boost: number; recall: number; ndcg: number }[] {
  return boosts.map((boost) => {
    const withBoost = tests.map((t) => ({ ...t, boost: new Map(t.session.map((id) => [id, boost])) }));
    const m = scoreModel(model, withBoost, k, model.itemCount);
    return { boost, recall: m.recall, ndcg: m.ndcg };
  });
}
