import type { LookupMatch } from './features.js';
import { type Token, tokenize } from './tokenize.js';

/**
 * Gazetteer ("lookup") matching: catalog vocabulary such as topics and brands, given per label.
 * Matching runs on tokens, lowercased, so that "Python" matches "python" and a phrase never
 * matches half a word; the longest phrase starting at a token wins, and matches do not overlap.
 * The tagger only sees the hit as a feature: context still decides whether "java" is a topic.
 */
export class LookupMatcher {
  private readonly phrases = new Map<string, string[]>();
  private readonly maxTokens: number;

  constructor(lookups: Readonly<Record<string, readonly string[]>>) {
    let max = 0;
    for (const label of Object.keys(lookups).sort()) {
      for (const phrase of lookups[label] ?? []) {
        const toks = tokenize(phrase);
        if (toks.length === 0) continue;
        const key = keyOf(toks, 0, toks.length);
        const labels = this.phrases.get(key) ?? [];
        if (!labels.includes(label)) labels.push(label);
        this.phrases.set(key, labels);
        max = Math.max(max, toks.length);
      }
    }
    this.maxTokens = max;
  }

  get size(): number {
    return this.phrases.size;
  }

  /** Non-overlapping matches, left to right, longest first at each token. */
  find(tokens: readonly Token[]): LookupMatch[] {
    const out: LookupMatch[] = [];
    if (this.phrases.size === 0) return out;
    const n = tokens.length;
    for (let i = 0; i < n;) {
      let len = Math.min(this.maxTokens, n - i);
      let labels = this.phrases.get(keyOf(tokens, i, i + len));
      while (!labels && --len >= 1) labels = this.phrases.get(keyOf(tokens, i, i + len));
      if (!labels) {
        i++;
        continue;
      }
      out.push({ first: i, last: i + len - 1, labels });
      i += len;
    }
    return out;
  }
}

function keyOf(tokens: readonly Token[], from: number, to: number): string {
  let key = '';
  for (let k = from; k < to; k++) key += (k > from ? '\u0001' : '') + tokens[k]!.text.toLowerCase();
  return key;
}
