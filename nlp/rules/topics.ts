import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { packageRoot } from '../../data/paths.js';
import type { LexiconEntry } from './lexicon.js';

export const TOPICS_FILE = join(packageRoot, 'data', 'catalog', 'topics.yaml');

/** Topics that are games: a mention is both a `topic` (for courses) and a `game` (for context). */
export const GAME_TOPICS = new Set([
  'chess', 'league of legends', 'valorant', 'counter-strike', 'dota 2', 'starcraft', 'fortnite', 'minecraft',
]);

/** Reads topics.yaml: `topics: { <canonical id>: [phrasing, ...] }`. */
export function loadTopicLexicon(file = TOPICS_FILE): LexiconEntry[] {
  const doc = parse(readFileSync(file, 'utf8')) as { topics?: Record<string, unknown> };
  if (!doc?.topics || typeof doc.topics !== 'object') throw new Error(`${file}: expected a "topics:" mapping`);
  const entries: LexiconEntry[] = [];
  for (const [id, phrases] of Object.entries(doc.topics)) {
    if (!Array.isArray(phrases)) throw new Error(`${file}: topics.${id} must be a list of phrasings`);
    entries.push({ label: 'topic', value: id, phrase: id });
    for (const p of phrases) entries.push({ label: 'topic', value: id, phrase: String(p) });
  }
  return entries;
}
