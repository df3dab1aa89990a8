import { buildMatrix } from './matrix.js';
import { knownIndices, PopularityRanking } from './popularity.js';
import { decodeFloat32, decodeInt32, encodeArray, TopK } from './topk.js';
import { CollabError, type CollabModel, type CollabModelJSON, type Interaction, type ProgressCallback, type RecommendOptions, type ScoredItem } from './types.js';

export interface ItemKnnOptions {
  /** Neighbours kept per item. */
  neighbours?: number;
  /** Added to the cosine denominator: pairs seen together by few users count less. */
  shrink?: number;
  /** Most recent distinct items per user used in training (bounds the quadratic cost of heavy users). */
  maxItemsPerUser?: number;
  /** Most recent history items used per recommendation (bounds latency). */
  maxHistory?: number;
}

export const DefaultItemKnnOptions = {
  neighbours: 50,
  shrink: 10,
  maxItemsPerUser: 300,
  maxHistory: 200,
} as const satisfies Required<ItemKnnOptions>;

/**
 * Item-item neighbourhood model: cosine similarity with shrinkage over the implicit matrix, the
 * top `neighbours` per item stored as fixed-width rows of typed arrays (index -1 pads).
 */
export class ItemKnnModel implements CollabModel {
  readonly algorithm = 'item-knn' as const;
  private readonly index: Map<string, number>;
  private readonly ranking: PopularityRanking;
  // Scratch space reused by recommend(): JS is single-threaded, so one set per model is safe.
  private readonly acc: Float64Array;
  private readonly stamp: Int32Array;
  private readonly touched: Int32Array;
  private epoch = 0;

  constructor(
    private readonly items: readonly string[],
    private readonly popularity: Int32Array,
    readonly width: number,
    private readonly neighbours: Int32Array,
    private readonly sims: Float32Array,
    private readonly maxHistory: number,
  ) {
    this.index = new Map(items.map((id, i) => [id, i]));
    this.ranking = new PopularityRanking(items, popularity);
    this.acc = new Float64Array(items.length);
    this.stamp = new Int32Array(items.length);
    this.touched = new Int32Array(items.length);
  }

  get itemCount(): number {
    return this.items.length;
  }

  recommend(history: readonly string[], k: number, exclude: Iterable<string> = [], options: RecommendOptions = {}): ScoredItem[] {
    if (!(k > 0)) return [];
    const boost = options.boost;
    const skip = knownIndices(this.index, [...history, ...exclude]);
    const { acc, stamp, touched, width, neighbours, sims } = this;
    const epoch = ++this.epoch;
    let nTouched = 0;
    const seen = new Set<number>();
    // Most recent first; the history is given oldest first.
    for (let h = history.length - 1; h >= 0 && seen.size < this.maxHistory; h--) {
      const i = this.index.get(history[h]!);
      if (i === undefined || seen.has(i)) continue;
      seen.add(i);
      const w = boost?.get(history[h]!) ?? 1;
      for (let r = i * width, end = r + width; r < end; r++) {
        const j = neighbours[r]!;
        if (j < 0) break;
        if (stamp[j] !== epoch) { stamp[j] = epoch; acc[j] = 0; touched[nTouched++] = j; }
        acc[j]! += w * sims[r]!;
      }
    }
    const top = new TopK(k);
    for (let t = 0; t < nTouched; t++) {
      const j = touched[t]!;
      if (!skip.has(j)) top.push(j, acc[j]!);
    }
    const out = top.drain().map(({ id, score }) => ({ itemId: this.items[id]!, score }));
    if (out.length < k) {
      const taken = new Set(out.map((o) => this.index.get(o.itemId)!));
      this.ranking.fill(out, k, (i) => skip.has(i) || taken.has(i));
    }
    return out;
  }

  similar(itemId: string, k: number): ScoredItem[] {
    const i = this.index.get(itemId);
    if (i === undefined || !(k > 0)) return [];
    const out: ScoredItem[] = [];
    for (let r = i * this.width, end = r + this.width; r < end && out.length < k; r++) {
      const j = this.neighbours[r]!;
      if (j < 0) break;
      out.push({ itemId: this.items[j]!, score: this.sims[r]! });
    }
    return out;
  }

  toJSON(): CollabModelJSON {
    return {
      format: 'crossfeed-collab', version: 1, algorithm: 'item-knn', items: [...this.items],
      data: { width: this.width, maxHistory: this.maxHistory, popularity: encodeArray(this.popularity), neighbours: encodeArray(this.neighbours), sims: encodeArray(this.sims) },
    };
  }

  static fromData(items: string[], data: CollabModelJSON['data']): ItemKnnModel {
    const width = Number(data.width);
    const neighbours = decodeInt32(String(data.neighbours));
    const sims = decodeFloat32(String(data.sims));
    const popularity = decodeInt32(String(data.popularity));
    if (!(width > 0) || neighbours.length !== items.length * width || sims.length !== neighbours.length || popularity.length !== items.length) {
      throw new CollabError('BAD_MODEL_JSON', 'item-knn model arrays do not match its item list');
    }
    return new ItemKnnModel(items, popularity, width, neighbours, sims, Number(data.maxHistory) || DefaultItemKnnOptions.maxHistory);
  }
}

export function trainItemKnn(interactions: readonly Interaction[], options: ItemKnnOptions = {}, onProgress?: ProgressCallback): ItemKnnModel {
  const o = { ...DefaultItemKnnOptions, ...options };
  if (!(o.neighbours >= 1) || !(o.shrink >= 0) || !(o.maxItemsPerUser >= 2) || !(o.maxHistory >= 1)) {
    throw new CollabError('BAD_OPTIONS', `item-knn options out of range: ${JSON.stringify(o)}`);
  }
  const m = buildMatrix(interactions, { maxItemsPerUser: o.maxItemsPerUser }, onProgress);
  const nItems = m.items.length;
  const norms = new Float64Array(nItems);
  for (let i = 0; i < nItems; i++) {
    let s = 0;
    for (let p = m.itemPtr[i]!; p < m.itemPtr[i + 1]!; p++) s += m.itemValues[p]! ** 2;
    norms[i] = Math.sqrt(s);
  }
  const width = Math.min(o.neighbours, Math.max(1, nItems - 1));
  const neighbours = new Int32Array(nItems * width).fill(-1);
  const sims = new Float32Array(nItems * width);
  const dot = new Float64Array(nItems);
  const stamp = new Int32Array(nItems).fill(-1);
  const touched = new Int32Array(nItems);
  const top = new TopK(width);
  for (let i = 0; i < nItems; i++) {
    let nTouched = 0;
    for (let p = m.itemPtr[i]!; p < m.itemPtr[i + 1]!; p++) {
      const u = m.usersOf[p]!;
      const wi = m.itemValues[p]!;
      for (let q = m.userPtr[u]!; q < m.userPtr[u + 1]!; q++) {
        const j = m.itemsOf[q]!;
        if (stamp[j] !== i) { stamp[j] = i; dot[j] = 0; touched[nTouched++] = j; }
        dot[j]! += wi * m.userValues[q]!;
      }
    }
    const ni = norms[i]!;
    for (let t = 0; t < nTouched; t++) {
      const j = touched[t]!;
      if (j !== i) top.push(j, dot[j]! / (ni * norms[j]! + o.shrink));
    }
    const row = top.drain();
    for (let r = 0; r < row.length; r++) { neighbours[i * width + r] = row[r]!.id; sims[i * width + r] = row[r]!.score; }
    if ((i & 0x3ff) === 0) onProgress?.(i, nItems, 'similarities');
  }
  onProgress?.(nItems, nItems, 'similarities');
  return new ItemKnnModel(m.items, m.popularity, width, neighbours, sims, o.maxHistory);
}
