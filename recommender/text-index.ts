/**
 * BM25 over catalog text in English and Chinese. English is split into lowercase words; Chinese,
 * which has no spaces, into single characters and overlapping bigrams.
 */

const CJK_RUN = /[\u3400-\u4DBF\u4E00-\u9FFF]+/g;
const WORD = /[a-z0-9+#]+/g;
const STOP = new Set(['a', 'an', 'the', 'and', 'or', 'of', 'to', 'in', 'for', 'on', 'with', 'me', 'i', 'any', 'some', 'good',
  'course', 'courses', 'class', 'learn', 'recommend', 'want', 'need', 'is', 'are', 'you', 'your', 'my', 'it', 'this', 'that']);

export function tokenize(text: string): string[] {
  const lower = text.toLowerCase();
  const out: string[] = [];
  for (const w of lower.match(WORD) ?? []) if (!STOP.has(w)) out.push(w);
  for (const run of lower.match(CJK_RUN) ?? []) {
    for (let i = 0; i < run.length; i++) {
      out.push(run[i]!);
      if (i + 1 < run.length) out.push(run.slice(i, i + 2));
    }
  }
  return out;
}

export class Bm25Index {
  private readonly docs: Map<string, number>[] = [];
  private readonly lengths: number[] = [];
  private readonly df = new Map<string, number>();
  private avgLength = 0;

  constructor(texts: readonly string[], private readonly k1 = 1.2, private readonly b = 0.75) {
    for (const text of texts) {
      const tf = new Map<string, number>();
      const tokens = tokenize(text);
      for (const t of tokens) tf.set(t, (tf.get(t) ?? 0) + 1);
      for (const t of tf.keys()) this.df.set(t, (this.df.get(t) ?? 0) + 1);
      this.docs.push(tf);
      this.lengths.push(tokens.length);
    }
    this.avgLength = this.lengths.reduce((a, b) => a + b, 0) / Math.max(1, this.lengths.length);
  }

  /** BM25 score of every document for the query, in document order. */
  scores(query: string): number[] {
    const terms = [...new Set(tokenize(query))];
    const n = this.docs.length;
    return this.docs.map((tf, i) => {
      let s = 0;
      for (const t of terms) {
        const f = tf.get(t);
        if (!f) continue;
        const df = this.df.get(t) ?? 0;
        const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
        s += (idf * f * (this.k1 + 1)) / (f + this.k1 * (1 - this.b + (this.b * this.lengths[i]!) / this.avgLength));
      }
      return s;
    });
  }
}
