import type { Entity, EntityLabel } from '../types.js';

/** One phrase that means a canonical value, e.g. "py" -> topic "python", "拉面" -> cuisine "ramen". */
export interface LexiconEntry {
  label: EntityLabel;
  phrase: string;
  value: string;
}

const ASCII_WORD = /[a-z0-9+#]/i;

/**
 * Longest-match phrase lookup. Latin phrases must sit on word boundaries ("ai" does not match
 * inside "said"); Chinese phrases match anywhere, as Chinese has no spaces.
 */
export class Lexicon {
  private readonly byFirst = new Map<string, LexiconEntry[]>();

  constructor(entries: Iterable<LexiconEntry>) {
    for (const e of entries) {
      const phrase = e.phrase.toLowerCase().trim();
      if (!phrase) continue;
      const key = phrase[0]!;
      const list = this.byFirst.get(key) ?? [];
      list.push({ ...e, phrase });
      this.byFirst.set(key, list);
    }
    for (const list of this.byFirst.values()) list.sort((a, b) => b.phrase.length - a.phrase.length);
  }

  find(text: string): Entity[] {
    const lower = text.toLowerCase();
    const found: Entity[] = [];
    let i = 0;
    while (i < lower.length) {
      const candidates = this.byFirst.get(lower[i]!);
      const startsWord = i === 0 || !ASCII_WORD.test(lower[i - 1]!) || !ASCII_WORD.test(lower[i]!);
      let matched: LexiconEntry | undefined;
      if (candidates && startsWord) {
        for (const c of candidates) {
          if (!lower.startsWith(c.phrase, i)) continue;
          const after = lower[i + c.phrase.length];
          const lastIsWord = ASCII_WORD.test(c.phrase[c.phrase.length - 1]!);
          if (lastIsWord && after !== undefined && ASCII_WORD.test(after) && !/^\d$/.test(after)) continue;
          matched = c;
          break;
        }
      }
      if (matched) {
        const end = i + matched.phrase.length;
        found.push({ label: matched.label, value: matched.value, text: text.slice(i, end), start: i, end, source: 'rule' });
        i = end;
      } else i++;
    }
    return found;
  }
}
