import type { NluResult, ParseHints } from './types.js';

/**
 * A bounded least-recently-used cache of NLU results by exact message text and hints. Chat repeats
 * itself ("gg", emote spam, copypasta), and an engine's result is a pure function of the text and
 * the hints: its models are fixed at load, nothing in it reads a clock, a random number or who
 * sent the message. So a repeated message gets the result it got before, without running a model
 * again. The key is the raw text, not a normalised form, because entity offsets refer to it.
 * Every hit is a fresh copy, so a caller that changes its result cannot change another's.
 */
export class NluResultCache {
  private readonly map = new Map<string, NluResult>();
  hits = 0;
  misses = 0;

  /** `capacity` entries at most (0: nothing is kept); texts over `maxChars` are never kept. */
  constructor(readonly capacity: number, private readonly maxChars = 500) {}

  /** The key of a text under these hints, or undefined when such a text is not cached. */
  key(raw: string, hints?: ParseHints): string | undefined {
    if (this.capacity === 0 || raw.length > this.maxChars) return undefined;
    // Hints decide how far the cascade reads a message, so they are part of the key.
    const h = hints?.addressed === false ? `u${hints.answerAt ?? ''}` : 'a';
    return `${h}\u0000${raw}`;
  }

  get(key: string | undefined): NluResult | undefined {
    const r = key === undefined ? undefined : this.map.get(key);
    if (!r) {
      if (key !== undefined) this.misses++;
      return undefined;
    }
    this.hits++;
    // Most recently used last: delete and re-insert.
    this.map.delete(key!);
    this.map.set(key!, r);
    return copy(r);
  }

  set(key: string | undefined, r: NluResult): void {
    if (key === undefined) return;
    this.map.delete(key);
    this.map.set(key, copy(r));
    if (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value!);
  }

  get size(): number {
    return this.map.size;
  }
}

function copy(r: NluResult): NluResult {
  const out: NluResult = { ...r, alternatives: r.alternatives.map((a) => ({ ...a })), entities: r.entities.map((e) => ({ ...e, value: typeof e.value === 'object' ? structuredClone(e.value) : e.value })) };
  if (r.vector) out.vector = r.vector.slice();
  return out;
}
