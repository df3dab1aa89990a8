import { decodeInt32, encodeArray } from './topk.js';
import type { CollabModel, CollabModelJSON, ScoredItem } from './types.js';

/**
 * Items by distinct users, most popular first. It is the baseline every model is measured
 * against, and the fill when a history says too little.
 */
export class PopularityRanking {
  /** Item indices, most popular first (ties: first seen first). */
  readonly order: Int32Array;

  constructor(readonly items: readonly string[], readonly counts: Int32Array) {
    this.order = Int32Array.from(counts.keys()).sort((a, b) => counts[b]! - counts[a]! || a - b);
  }

  /** Appends to `out` the most popular items not in `skip` until it holds k. */
  fill(out: ScoredItem[], k: number, skip: (index: number) => boolean): ScoredItem[] {
    for (let r = 0; r < this.order.length && out.length < k; r++) {
      const i = this.order[r]!;
      if (!skip(i)) out.push({ itemId: this.items[i]!, score: 0 });
    }
    return out;
  }
}

/** Helper shared by the models: the indices of known items in `ids`. */
export function knownIndices(index: ReadonlyMap<string, number>, ids: Iterable<string>): Set<number> {
  const s = new Set<number>();
  for (const id of ids) {
    const i = index.get(id);
    if (i !== undefined) s.add(i);
  }
  return s;
}

/** The popularity baseline as a model: same items for everyone, minus what they have seen. */
export class PopularityModel implements CollabModel {
  readonly algorithm = 'popularity' as const;
  private readonly index: Map<string, number>;
  private readonly ranking: PopularityRanking;

  constructor(private readonly items: readonly string[], private readonly counts: Int32Array) {
    this.index = new Map(items.map((id, i) => [id, i]));
    this.ranking = new PopularityRanking(items, counts);
  }

  get itemCount(): number {
    return this.items.length;
  }

  recommend(history: readonly string[], k: number, exclude: Iterable<string> = []): ScoredItem[] {
    const skip = knownIndices(this.index, [...history, ...exclude]);
    const out: ScoredItem[] = [];
    for (let r = 0; r < this.ranking.order.length && out.length < k; r++) {
      const i = this.ranking.order[r]!;
      if (!skip.has(i)) out.push({ itemId: this.items[i]!, score: this.counts[i]! });
    }
    return out;
  }

  similar(): ScoredItem[] {
    return [];
  }

  toJSON(): CollabModelJSON {
    return { format: 'crossfeed-collab', version: 1, algorithm: 'popularity', items: [...this.items], data: { counts: encodeArray(this.counts) } };
  }

  static fromData(items: string[], data: CollabModelJSON['data']): PopularityModel {
    return new PopularityModel(items, decodeInt32(String(data.counts)));
  }
}
