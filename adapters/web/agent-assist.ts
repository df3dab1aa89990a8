import type { FaqEntry, FaqStore } from '../../data/support.js';

/**
 * Agent assist: the FAQ entries most like the visitor's last message, by a small lexical search
 * (BM25 over question phrasings and tags; CJK text as character bigrams). The index is rebuilt
 * when `faq.version()` moves, so admin edits show up in the next suggestion.
 */

export interface Suggestion {
  id: string;
  question: string;
  answer: string;
  score: number;
}

const STOP = new Set(['a', 'an', 'the', 'is', 'are', 'do', 'does', 'i', 'you', 'my', 'your', 'to', 'of', 'for', 'in', 'on', 'and', 'or',
  'can', 'how', 'what', 'it', 'me', 'we', 'be', 'with', 'at', 'this', 'that', 'please', 'hi', 'hello']);

/** Lowercased word tokens; runs of CJK characters become overlapping bigrams (and single characters). */
export function tokens(text: string): string[] {
  const out: string[] = [];
  for (const m of text.toLowerCase().normalize('NFKC').matchAll(/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]+|[\p{L}\p{N}]+/gu)) {
    const w = m[0];
    if (/^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u.test(w)) {
      const chars = [...w];
      if (chars.length === 1) out.push(w);
      for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i]! + chars[i + 1]!);
    } else if (!STOP.has(w)) {
      out.push(w.length > 4 && w.endsWith('s') ? w.slice(0, -1) : w);
    }
  }
  return out;
}

interface Doc {
  entry: FaqEntry;
  tf: Map<string, number>;
  length: number;
}

export class FaqIndex {
  private readonly docs: Doc[];
  private readonly df = new Map<string, number>();
  private readonly avgLength: number;

  constructor(entries: readonly FaqEntry[]) {
    this.docs = entries.map((entry) => {
      const words = tokens([...entry.questions, ...entry.tags].join(' '));
      const tf = new Map<string, number>();
      for (const w of words) tf.set(w, (tf.get(w) ?? 0) + 1);
      for (const w of tf.keys()) this.df.set(w, (this.df.get(w) ?? 0) + 1);
      return { entry, tf, length: words.length };
    });
    this.avgLength = this.docs.reduce((n, d) => n + d.length, 0) / Math.max(1, this.docs.length);
  }

  search(text: string, limit = 3): Suggestion[] {
    const query = [...new Set(tokens(text))];
    if (query.length === 0) return [];
    const n = this.docs.length;
    const k1 = 1.2;
    const b = 0.75;
    const scored: Suggestion[] = [];
    for (const d of this.docs) {
      let score = 0;
      for (const w of query) {
        const f = d.tf.get(w);
        if (!f) continue;
        const df = this.df.get(w) ?? 0;
        const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
        score += idf * ((f * (k1 + 1)) / (f + k1 * (1 - b + (b * d.length) / (this.avgLength || 1))));
      }
      if (score > 0) scored.push({ id: d.entry.id, question: d.entry.questions[0] ?? d.entry.id, answer: d.entry.answer, score: Math.round(score * 1000) / 1000 });
    }
    return scored.sort((x, y) => y.score - x.score || x.id.localeCompare(y.id)).slice(0, limit);
  }
}

/** Keeps one index per FAQ version. */
export class AgentAssist {
  private cached: { version: number; index: FaqIndex } | undefined;

  async suggest(faq: FaqStore, text: string, limit = 3): Promise<Suggestion[]> {
    const version = await faq.version();
    if (!this.cached || this.cached.version !== version) this.cached = { version, index: new FaqIndex(await faq.list()) };
    return this.cached.index.search(text, limit);
  }
}
