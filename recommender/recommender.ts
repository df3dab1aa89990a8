import type { CatalogItem } from '../data/catalog/types.js';
import { CurrencyConverter } from './currency.js';
import { passes, type FilterContext, type Relaxable } from './filters.js';
import { reasonFor } from './reasons.js';
import type { RecommendRequest, RecommendResult, Suggestion } from './request.js';
import { DefaultBanditOptions, thompsonTopK, type BanditOptions } from './bandit.js';
import { DefaultSuitability, suitability, suitabilityFeatures, type SuitabilityModel } from './insurance-suitability.js';
import { coldStartScores } from './cold-start.js';
import { personalBoost, type RankingSignals } from './signals.js';
import { Bm25Index } from './text-index.js';

export interface RecommenderOptions {
  usdRates?: Readonly<Record<string, number>>;
  now?: () => Date;
  /** Orders eligible insurance (defaults documented in insurance-suitability.ts). */
  suitability?: SuitabilityModel;
  bandit?: BanditOptions;
}

/** Candidates that enter exploration: near-ties of the best, never the whole catalog. */
const EXPLORE_POOL = 12;
/** Weight of the encoder's cosine in hybrid relevance (the rest is normalised BM25). */
export const SEMANTIC_RELEVANCE = 0.5;

/** Texts -> unit vectors (the NLU's sentence encoder). */
export type Embed = (texts: string[]) => Promise<Float32Array[]>;
/** Which encoder's space a query vector is in: the one that reads its language. */
export type VectorLanguage = 'en' | 'zh';

/**
 * Retrieve -> filter -> rank over an in-memory copy of the catalog. Sponsorship never changes the
 * order: it is only flagged for the renderer.
 */
export class Recommender {
  private items: CatalogItem[] = [];
  private index = new Bm25Index([]);
  /**
   * Item vectors (same order as items) per query language, once `useEncoder` has embedded them with
   * that language's encoder; lexical relevance until then.
   */
  private readonly vectors = new Map<VectorLanguage, Float32Array[]>();
  private readonly embeds = new Map<VectorLanguage, Embed>();
  private generation = 0;
  private readonly byId = new Map<string, CatalogItem>();
  private readonly ctx: Omit<FilterContext, 'now'>;
  private readonly now: () => Date;
  private readonly suitabilityModel: SuitabilityModel;
  private readonly banditOptions: BanditOptions;

  constructor(items: readonly CatalogItem[], options: RecommenderOptions = {}) {
    this.ctx = { currency: new CurrencyConverter(options.usdRates), cityOfArea: new Map() };
    this.now = options.now ?? (() => new Date());
    this.suitabilityModel = options.suitability ?? DefaultSuitability;
    this.banditOptions = options.bandit ?? DefaultBanditOptions;
    this.reload(items);
  }

  /** Replaces the catalog (after an import). */
  reload(items: readonly CatalogItem[]): void {
    this.items = [...items];
    this.byId.clear();
    const areas = this.ctx.cityOfArea as Map<string, string>;
    areas.clear();
    for (const item of this.items) {
      this.byId.set(item.id, item);
      if (item.kind === 'coupon' && item.area && item.city) areas.set(item.area.toLowerCase(), item.city);
    }
    this.index = new Bm25Index(this.items.map(searchText));
    this.vectors.clear();
    this.generation++;
    for (const language of this.embeds.keys()) void this.embedItems(language).catch(() => undefined);
  }

  /**
   * Embeds every item's text with the encoder that reads queries in `language` (the NLU's English
   * encoder, or encoder-zh for Chinese, which also places English item text near Chinese requests),
   * again after each reload; until that is done, and for messages without a vector, relevance stays
   * lexical. Resolves when the vectors are in.
   */
  async useEncoder(embed: Embed, language: VectorLanguage = 'en'): Promise<void> {
    this.embeds.set(language, embed);
    await this.embedItems(language);
  }

  private async embedItems(language: VectorLanguage): Promise<void> {
    const generation = this.generation;
    const items = this.items;
    const vectors = await this.embeds.get(language)!(items.map(searchText));
    // A reload while embedding made these vectors stale; that reload embeds its own items.
    if (generation === this.generation) this.vectors.set(language, vectors);
  }

  item(id: string): CatalogItem | undefined {
    return this.byId.get(id);
  }

  /** The course topics with the most active courses, most first (offered when no topic was understood). */
  popularTopics(limit = 6): string[] {
    const counts = new Map<string, number>();
    for (const item of this.items) if (item.kind === 'course') for (const t of item.topics) counts.set(t, (counts.get(t) ?? 0) + 1);
    return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, limit).map(([t]) => t);
  }

  private usd(item: CatalogItem): number | undefined {
    return this.toUsd(item.price, item.currency);
  }

  toUsd(price: number, currency: string): number | undefined {
    return this.ctx.currency.convert(price, currency, 'USD');
  }

  get size(): number {
    return this.items.length;
  }

  /**
   * Filters, ranks by relevance plus personal fit (`signals`), and, when the user's variant
   * explores, reorders near-ties by Thompson sampling, reporting each shown item's propensity.
   */
  recommend(req: RecommendRequest, limit = 3, signals: RankingSignals = {}): RecommendResult {
    const ctx: FilterContext = { ...this.ctx, now: this.now() };
    const lexical = this.index.scores([req.text, req.topic ?? '', req.cuisine ?? ''].join(' '));
    const maxLexical = Math.max(1e-9, ...lexical);
    const q = signals.queryVector;
    const own = q ? this.vectors.get(signals.queryLanguage === 'zh' ? 'zh' : 'en') : undefined;
    const vectors = own?.length === this.items.length ? own : undefined;
    const relevance = (i: number) => {
      const lex = lexical[i]! / maxLexical;
      return vectors ? (1 - SEMANTIC_RELEVANCE) * lex + SEMANTIC_RELEVANCE * Math.max(0, dot(q!, vectors[i]!)) : lex;
    };
    // Relax the softest constraint first; budget, stock, expiry, age and eligibility never relax.
    const ladder: Relaxable[][] = [[], ['level'], ['level', 'language'], ...(req.keepTopic ? [] : [['level', 'language', 'topic'] as Relaxable[]])];
    for (const relaxedList of ladder) {
      const relaxed = new Set(relaxedList);
      const scored: Suggestion[] = [];
      const passing: { item: CatalogItem; rel: number }[] = [];
      this.items.forEach((item, i) => {
        if (!passes(item, req, ctx, relaxed)) return;
        const rel = relevance(i);
        // Without the named topic, only items the words (or, with vectors, the meaning) point at.
        if (relaxed.has('topic') && (vectors ? rel < 0.15 : rel === 0)) return;
        passing.push({ item, rel });
      });
      const cheapestUsd = Math.min(...passing.map((p) => this.usd(p.item) ?? Infinity));
      const signalsHere = this.withColdStart(passing, signals);
      for (const { item, rel } of passing) {
        const priceUsd = this.usd(item);
        let value = score(item, req, rel) + personalBoost({ id: item.id, topics: item.topics, priceUsd }, signalsHere);
        let reason = reasonFor(item, req);
        let reasonKey: string | undefined;
        if (item.kind === 'insurance') {
          const x = suitabilityFeatures(item, req, { cheapestUsd, priceUsd: priceUsd ?? cheapestUsd, gaming: signals.audience === 'gaming' });
          const fit = suitability(this.suitabilityModel, x);
          value += 3 * fit.probability;
          reason = `Suits you: ${fit.topReason}`;
          reasonKey = fit.topFeature;
        }
        scored.push({ itemId: item.id, score: round(value), reason, ...(reasonKey ? { reasonKey } : {}) });
      }
      if (scored.length > 0) {
        scored.sort((a, b) => b.score - a.score || a.itemId.localeCompare(b.itemId));
        const relaxedSet = relaxedList.filter((r) => isSet(req, r));
        if (!signals.explore || scored.length <= limit) return { suggestions: scored.slice(0, limit).map((s, baseRank) => ({ ...s, baseRank })), relaxed: relaxedSet };
        const pool = scored.slice(0, EXPLORE_POOL);
        const choice = thompsonTopK(pool.map((p) => ({ id: p.itemId, base: p.score, stats: signals.itemStats?.get(p.itemId) })), limit, signals.explore.rng, this.banditOptions);
        const byId = new Map(pool.map((p, baseRank) => [p.itemId, { ...p, baseRank }]));
        const suggestions = choice.chosen.flatMap((id) => {
          const p = byId.get(id);
          return p ? [{ ...p, propensity: choice.propensity.get(id) ?? 1 }] : [];
        });
        return { suggestions, relaxed: relaxedSet, explored: true };
      }
    }
    return { suggestions: [], relaxed: [] };
  }

  /** Adds content-based collaborative scores for the passing items the collaborative model has never seen. */
  private withColdStart(passing: readonly { item: CatalogItem; rel: number }[], signals: RankingSignals): RankingSignals {
    const cf = signals.collaborative, knows = signals.collaborativeKnows;
    if (!cf || !knows) return signals;
    const cold = passing.filter((p) => !knows(p.item.id)).sort((a, b) => b.rel - a.rel).map((p) => p.item);
    if (cold.length === 0) return signals;
    const extra = coldStartScores(cold, cf, (id) => this.byId.get(id), (p, c) => this.toUsd(p, c));
    return extra.size ? { ...signals, collaborative: new Map([...cf, ...extra]) } : signals;
  }
}

function isSet(req: RecommendRequest, r: Relaxable): boolean {
  return r === 'level' ? req.level !== undefined : r === 'language' ? req.language !== undefined : req.topic !== undefined;
}

/** Relevance first, then quality; the weights are documented in the README. */
function score(item: CatalogItem, req: RecommendRequest, lexical: number): number {
  let s = 2 * lexical;
  if (req.topic && item.topics[0] === req.topic) s += 1.5;
  else if (req.topic && item.topics.includes(req.topic)) s += 1;
  if (req.userLanguage && item.language === req.userLanguage) s += 0.6;
  if (item.kind === 'course') {
    if (item.rating !== null) s += ((item.rating - 3.5) / 1.5) * 0.6 * Math.min(1, Math.log10(1 + item.ratingsCount) / 3);
    if (req.level && item.level === req.level) s += 0.5;
  }
  if (item.kind === 'coupon' && req.location && item.city) s += 0.8;
  return s;
}

function searchText(item: CatalogItem): string {
  const extra =
    item.kind === 'course' ? [item.level, item.provider]
    : item.kind === 'coupon' ? [item.partner, item.cuisine ?? '', item.city ?? '', item.area ?? '', item.category]
    : [item.insurer, item.insuranceType.replace('_', ' ')];
  return [item.title, item.description, ...item.topics, ...extra].join(' ');
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
