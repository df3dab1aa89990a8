import type { FaqEntry, FaqLanguage, FaqStore } from '../data/support.js';
import { Bm25Index, tokenize } from '../recommender/text-index.js';

/**
 * FAQ retrieval. Every phrasing of every entry is a BM25 document (recommender/text-index.ts:
 * English words, Chinese characters and bigrams). A raw BM25 score has no fixed scale, so each
 * phrasing's score is turned into a similarity in [0, 1]:
 *
 *   covered = score(query, phrasing) / score(phrasing, phrasing)  how much of the phrasing the query says
 *   said    = idf of the query words the phrasing has / idf of all query words  how much of the query it explains
 *   similarity = sqrt(covered * said)
 *
 * An entry scores as its best phrasing. This is lexical matching only; the meaning-level signal
 * is the NLU's `faq` intent, which lowers the bar for answering (see `lookup`).
 */

export interface FaqMatch {
  id: string;
  similarity: number;
}

/** What retrieval says about one message, in terms the dialogue policy (bot/decide.ts) acts on. */
export interface FaqLookup {
  /** Entry to answer with when the NLU also says `faq`. */
  answerIfFaq?: string;
  /** Entry to answer with whatever the NLU says: the message is nearly one of its phrasings. */
  answerAlways?: string;
  /** Entries to offer as "did you mean" choices (at most three, best first); empty when none is plausible. */
  choices: string[];
}

/** Thresholds on the similarity above; chosen on the shipped FAQ (test/bot/faq.test.ts pins them down). */
export const FaqThresholds = {
  /** With the NLU saying `faq`. */
  answerIfFaq: 0.55,
  /** Without it. */
  answerAlways: 0.75,
  /** Below a clear answer, the best entry must lead the runner-up by this much to be answered. */
  margin: 0.1,
  /** Weakest entry still worth offering as a choice. */
  choice: 0.25,
} as const;

interface Doc { entry: number; tokens: Set<string>; self: number }

export class FaqIndex {
  private readonly bm25: Bm25Index;
  private readonly docs: Doc[] = [];
  private readonly idf = new Map<string, number>();
  private readonly unseenIdf: number;

  constructor(readonly entries: readonly FaqEntry[]) {
    const texts: string[] = [];
    entries.forEach((e, entry) => {
      for (const q of e.questions) {
        texts.push(q);
        this.docs.push({ entry, tokens: new Set(tokenize(q)), self: 0 });
      }
    });
    this.bm25 = new Bm25Index(texts);
    const n = this.docs.length;
    const df = new Map<string, number>();
    for (const d of this.docs) for (const t of d.tokens) df.set(t, (df.get(t) ?? 0) + 1);
    for (const [t, f] of df) this.idf.set(t, Math.log(1 + (n - f + 0.5) / (f + 0.5)));
    this.unseenIdf = Math.log(1 + (n + 0.5) / 0.5);
    texts.forEach((text, i) => (this.docs[i]!.self = this.bm25.scores(text)[i] ?? 0));
  }

  get(id: string): FaqEntry | undefined {
    return this.entries.find((e) => e.id === id);
  }

  /** Entries by similarity, best first, those in `language` first when any of them matches at all. */
  search(text: string, language?: FaqLanguage, limit = 3): FaqMatch[] {
    const query = [...new Set(tokenize(text))];
    if (!query.length || !this.docs.length) return [];
    const queryIdf = query.reduce((s, t) => s + (this.idf.get(t) ?? this.unseenIdf), 0);
    const scores = this.bm25.scores(text);
    const best = new Map<number, number>();
    this.docs.forEach((d, i) => {
      const raw = scores[i] ?? 0;
      if (raw <= 0 || d.self <= 0) return;
      const covered = Math.min(1, raw / d.self);
      const said = query.reduce((s, t) => s + (d.tokens.has(t) ? this.idf.get(t) ?? 0 : 0), 0) / queryIdf;
      const similarity = Math.sqrt(covered * said);
      if (similarity > (best.get(d.entry) ?? 0)) best.set(d.entry, similarity);
    });
    let matches = [...best].map(([entry, similarity]) => ({ entry: this.entries[entry]!, similarity }));
    if (language && matches.some((m) => m.entry.language === language)) matches = matches.filter((m) => m.entry.language === language);
    return matches
      .sort((a, b) => b.similarity - a.similarity || a.entry.id.localeCompare(b.entry.id))
      .slice(0, limit)
      .map((m) => ({ id: m.entry.id, similarity: Math.round(m.similarity * 1000) / 1000 }));
  }

  lookup(text: string, language?: FaqLanguage): FaqLookup {
    const [first, second] = this.search(text, language, 3);
    const t = FaqThresholds;
    const result: FaqLookup = { choices: this.search(text, language, 3).filter((m) => m.similarity >= t.choice).map((m) => m.id) };
    if (!first) return result;
    const lead = first.similarity - (second?.similarity ?? 0);
    const clear = (bar: number) => first.similarity >= bar && (lead >= t.margin || first.similarity >= 0.9);
    if (clear(t.answerIfFaq)) result.answerIfFaq = first.id;
    if (clear(t.answerAlways)) result.answerAlways = first.id;
    return result;
  }
}

export interface FaqKnowledgeOptions {
  /** Check `faq.version()` at most this often (edits take effect within this time). */
  refreshMs: number;
  now?: () => number;
}

/** The current FAQ index, rebuilt when the store's version moves; concurrent callers share one check. */
export class FaqKnowledge {
  private current: { version: number; index: FaqIndex } | undefined;
  private checkedAt = -Infinity;
  private pending: Promise<FaqIndex> | undefined;
  private readonly now: () => number;

  constructor(private readonly store: FaqStore, private readonly o: FaqKnowledgeOptions) {
    this.now = o.now ?? (() => Date.now());
  }

  index(): Promise<FaqIndex> {
    if (this.current && this.now() - this.checkedAt < this.o.refreshMs) return Promise.resolve(this.current.index);
    this.pending ??= this.refresh().finally(() => (this.pending = undefined));
    return this.pending;
  }

  private async refresh(): Promise<FaqIndex> {
    const version = await this.store.version();
    this.checkedAt = this.now();
    if (!this.current || this.current.version !== version) {
      this.current = { version, index: new FaqIndex(await this.store.list()) };
    }
    return this.current.index;
  }
}

/** How an entry is named as a source: its first question, in the entry's own language. */
export function faqTitle(entry: FaqEntry): string {
  return entry.questions[0] ?? entry.id;
}
