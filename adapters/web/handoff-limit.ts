import type { SupportDesk } from './agent-desk.js';

export const HANDOFF_LIMIT_TAG = 'over_address_limit';

/**
 * At most `maxPerAddress` waiting handoff requests opened from one client address. The bot puts a
 * conversation in the queue as it answers; after each answer the web adapter asks this whether
 * the visitor's conversation just joined the queue, and if that address already has its share
 * waiting, the new entry is dismissed at once and the visitor told why. Fresh visitor ids from one
 * address therefore cannot fill the agents' queue.
 */
export class HandoffLimit {
  /** Conversations with a waiting entry, per address that opened them. */
  private readonly open = new Map<string, Set<number>>();

  constructor(private readonly maxPerAddress: number, private readonly desk: () => SupportDesk | undefined, private readonly maxAddresses = 10_000) {}

  /** 'dismissed' when the visitor's new request was over the address's limit (and is closed now). */
  async check(address: string, visitor: string): Promise<'ok' | 'dismissed'> {
    const d = this.desk();
    if (!d) return 'ok';
    const id = await d.conversations.find('web', 'web', visitor);
    if (id === undefined) return 'ok';
    const entry = await d.support.open(id);
    if (entry?.status !== 'waiting') return 'ok';
    let mine = this.open.get(address);
    if (mine?.has(id)) return 'ok';
    if (mine) {
      for (const other of [...mine]) if ((await d.support.open(other))?.status !== 'waiting') mine.delete(other);
    } else {
      if (this.open.size >= this.maxAddresses) this.open.delete(this.open.keys().next().value!);
      mine = new Set();
      this.open.set(address, mine);
    }
    if (mine.size >= this.maxPerAddress) {
      await d.support.dismiss([id], HANDOFF_LIMIT_TAG, null);
      return 'dismissed';
    }
    mine.add(id);
    return 'ok';
  }
}
