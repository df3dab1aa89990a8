import type { CatalogItem } from '../../data/catalog/types.js';
import type { LexiconEntry } from './lexicon.js';

/** Catalog vocabulary the NLU should recognize: partner brands, cities, areas and cuisines. */
export function catalogLexicon(items: readonly CatalogItem[]): LexiconEntry[] {
  const out: LexiconEntry[] = [];
  for (const item of items) {
    if (item.kind !== 'coupon') continue;
    out.push({ label: 'brand', phrase: item.partner, value: item.partner });
    if (item.city) out.push({ label: 'location', phrase: item.city, value: item.city });
    if (item.area) out.push({ label: 'location', phrase: item.area, value: item.area });
    if (item.cuisine) out.push({ label: 'cuisine', phrase: item.cuisine, value: item.cuisine.toLowerCase() });
  }
  return out;
}
