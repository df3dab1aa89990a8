import { findAge } from './rules/age.js';
import { findBudget } from './rules/budget.js';
import { Lexicon, type LexiconEntry } from './rules/lexicon.js';
import { STATIC_LEXICON } from './rules/static-lexicon.js';
import { GAME_TOPICS, loadTopicLexicon } from './rules/topics.js';
import type { Entity, Lang } from './types.js';

/**
 * Deterministic entities: money, ages and catalog vocabulary are more reliable as rules than as
 * model output, and rules give normalized values (30 USD, "python", 34).
 */
export class RuleEntityExtractor {
  private readonly lexicon: Lexicon;

  /** `extra` carries vocabulary from the catalog: partner brands, cities and areas, cuisines. */
  constructor(extra: readonly LexiconEntry[] = [], topicEntries: readonly LexiconEntry[] = loadTopicLexicon()) {
    this.lexicon = new Lexicon([...topicEntries, ...STATIC_LEXICON, ...extra]);
  }

  extract(text: string, lang: Lang): Entity[] {
    const numeric: Entity[] = [];
    const budget = findBudget(text, lang);
    if (budget) numeric.push(budget);
    const age = findAge(text);
    if (age && !overlapsAny(age, numeric)) numeric.push(age);
    const words = this.lexicon.find(text).filter((e) => !overlapsAny(e, numeric));
    const games = words
      .filter((e) => e.label === 'topic' && GAME_TOPICS.has(String(e.value)))
      .map((e): Entity => ({ ...e, label: 'game' }));
    return [...numeric, ...words, ...games].sort((a, b) => a.start - b.start || a.label.localeCompare(b.label));
  }
}

export function overlapsAny(e: { start: number; end: number }, others: readonly { start: number; end: number }[]): boolean {
  return others.some((o) => e.start < o.end && o.start < e.end);
}
