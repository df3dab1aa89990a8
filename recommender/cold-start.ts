import type { CatalogItem } from '../data/catalog/types.js';

/** Cold items scored per request at most (the most relevant first): bounds the cost on big catalogs. */
export const MAX_COLD_CANDIDATES = 200;
/** A cold item's stand-in score is at most this share of its warm look-alike's: data beats content. */
export const COLD_DISCOUNT = 0.8;

const words = (s: string) => new Set(s.toLowerCase().split(/[^\p{L}\p{N}+#]+/u).filter((w) => w.length >= 3));

function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let both = 0;
  for (const x of a) if (b.has(x)) both++;
  return both / (a.size + b.size - both);
}

/**
 * Content similarity of two catalog items in 0..1, from what a new item has before anyone
 * engages with it: shared topics (0.5), title and description words (0.2), the same level (0.15,
 * courses) and price closeness (0.15, USD). Items of different kinds are not alike (0).
 */
export function contentSimilarity(a: CatalogItem, b: CatalogItem, toUsd: (price: number, currency: string) => number | undefined): number {
  if (a.kind !== b.kind) return 0;
  let s = 0.5 * jaccard(new Set(a.topics), new Set(b.topics));
  s += 0.2 * jaccard(words(`${a.title} ${a.description}`), words(`${b.title} ${b.description}`));
  if (a.kind === 'course' && b.kind === 'course' && a.level === b.level) s += 0.15;
  const pa = toUsd(a.price, a.currency), pb = toUsd(b.price, b.currency);
  if (pa !== undefined && pb !== undefined) s += 0.15 * Math.max(0, 1 - Math.abs(Math.log((pa + 5) / (pb + 5))));
  return s;
}

/**
 * Honest cold start for the collaborative signal: an item the collaborative model has never seen
 * (no interactions yet) gets, in place of a collaborative score, the best cf(j) x similarity(item, j)
 * over the items j the user's history does score, times COLD_DISCOUNT. So a new Python course that
 * looks like the courses this person's peers took can be suggested on content; exploration
 * (Thompson sampling, whose prior is widest for an item never shown) then gives it impressions,
 * and the propensity of each shown item is logged as for any other.
 */
export function coldStartScores(
  cold: readonly CatalogItem[], collaborative: ReadonlyMap<string, number>, item: (id: string) => CatalogItem | undefined,
  toUsd: (price: number, currency: string) => number | undefined,
): Map<string, number> {
  const warm = [...collaborative].flatMap(([id, score]) => { const it = item(id); return it && score > 0 ? [{ it, score }] : []; });
  const out = new Map<string, number>();
  if (warm.length === 0) return out;
  for (const c of cold.slice(0, MAX_COLD_CANDIDATES)) {
    let best = 0;
    for (const w of warm) best = Math.max(best, w.score * contentSimilarity(c, w.it, toUsd));
    if (best > 0) out.set(c.id, COLD_DISCOUNT * best);
  }
  return out;
}
