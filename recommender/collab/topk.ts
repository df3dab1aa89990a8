/**
 * Keeps the k largest (index, score) pairs seen, in a min-heap on typed arrays, so ranking
 * 100,000 candidates allocates nothing per candidate. Ties go to the smaller index.
 */
export class TopK {
  private readonly ids: Int32Array;
  private readonly scores: Float64Array;
  private n = 0;

  constructor(readonly capacity: number) {
    this.ids = new Int32Array(Math.max(1, capacity));
    this.scores = new Float64Array(Math.max(1, capacity));
  }

  reset(): void {
    this.n = 0;
  }

  get size(): number {
    return this.n;
  }

  /** Whether (id, score) ranks below the heap's minimum (so can't enter a full heap). */
  private worse(ia: number, sa: number, ib: number, sb: number): boolean {
    return sa < sb || (sa === sb && ia > ib);
  }

  push(id: number, score: number): void {
    const { ids, scores } = this;
    if (this.n < this.capacity) {
      let c = this.n++;
      while (c > 0) {
        const p = (c - 1) >> 1;
        if (!this.worse(id, score, ids[p]!, scores[p]!)) break;
        ids[c] = ids[p]!; scores[c] = scores[p]!; c = p;
      }
      ids[c] = id; scores[c] = score;
      return;
    }
    if (this.capacity === 0 || !this.worse(ids[0]!, scores[0]!, id, score)) return;
    let c = 0;
    const n = this.n;
    for (;;) {
      let m = 2 * c + 1;
      if (m >= n) break;
      if (m + 1 < n && this.worse(ids[m + 1]!, scores[m + 1]!, ids[m]!, scores[m]!)) m++;
      if (!this.worse(ids[m]!, scores[m]!, id, score)) break;
      ids[c] = ids[m]!; scores[c] = scores[m]!; c = m;
    }
    ids[c] = id; scores[c] = score;
  }

  /** Best first; empties the heap. */
  drain(): { id: number; score: number }[] {
    const out: { id: number; score: number }[] = [];
    for (let k = 0; k < this.n; k++) out.push({ id: this.ids[k]!, score: this.scores[k]! });
    this.n = 0;
    return out.sort((a, b) => b.score - a.score || a.id - b.id);
  }
}

export function encodeArray(a: Int32Array | Float32Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
}

export function decodeInt32(s: string): Int32Array {
  const b = Buffer.from(s, 'base64');
  return new Int32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

export function decodeFloat32(s: string): Float32Array {
  const b = Buffer.from(s, 'base64');
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}
