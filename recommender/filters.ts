import type { CatalogItem, Coupon, Insurance } from '../data/catalog/types.js';
import type { CurrencyConverter } from './currency.js';
import { ADULT_AGE, type RecommendRequest } from './request.js';

/**
 * Hard filters: an item that fails one is never suggested. Budget, stock, expiry, age and
 * region are never relaxed; level, language and topic may be, and the caller says so.
 */
export interface FilterContext {
  now: Date;
  currency: CurrencyConverter;
  /** Area -> city, so "near Brooklyn" finds New York coupons listed by area. */
  cityOfArea: ReadonlyMap<string, string>;
}

export type Relaxable = 'level' | 'language' | 'topic';

export function passes(item: CatalogItem, req: RecommendRequest, ctx: FilterContext, relaxed: ReadonlySet<Relaxable>): boolean {
  if (item.kind !== req.kind) return false;
  if (req.excludeIds?.includes(item.id)) return false;
  if (req.blockedIds?.includes(item.id)) return false;
  if (req.allowSponsored === false && item.sponsored && item.kind !== 'insurance') return false;
  if (!withinLimit(item, req.budget, ctx) || !withinLimit(item, req.ceiling, ctx)) return false;
  if (req.language && !relaxed.has('language') && item.language !== req.language) return false;
  switch (item.kind) {
    case 'course':
      if (req.level && !relaxed.has('level') && item.level !== req.level) return false;
      if (req.topic && !relaxed.has('topic') && !item.topics.includes(req.topic)) return false;
      return true;
    case 'coupon':
      return couponPasses(item, req, ctx);
    case 'insurance':
      return insurancePasses(item, req);
  }
}

function withinLimit(item: CatalogItem, b: RecommendRequest['budget'], ctx: FilterContext): boolean {
  if (!b) return true;
  const price = ctx.currency.convert(item.price, item.currency, b.currency);
  if (price === undefined) return false;
  const eps = 1e-9;
  if (b.max !== undefined && price > b.max + eps) return false;
  if (b.min !== undefined && price < b.min - eps) return false;
  return true;
}

function couponPasses(c: Coupon, req: RecommendRequest, ctx: FilterContext): boolean {
  if (c.stock <= 0) return false;
  if (Date.parse(c.expiresAt) <= ctx.now.getTime()) return false;
  if (req.cuisine && c.cuisine?.toLowerCase() !== req.cuisine.toLowerCase()) return false;
  if (req.brand && c.partner.toLowerCase() !== req.brand.toLowerCase()) return false;
  if (req.location) {
    const wanted = req.location.toLowerCase();
    const wantedCity = (ctx.cityOfArea.get(wanted) ?? req.location).toLowerCase();
    // Online partners (no city) serve everyone; local ones must be where the user is.
    if (c.city && c.city.toLowerCase() !== wantedCity && c.area?.toLowerCase() !== wanted) return false;
  }
  return true;
}

function insurancePasses(p: Insurance, req: RecommendRequest): boolean {
  // Suitability needs a known adult age; the dialogue asks for it before calling the recommender.
  if (req.age === undefined || req.age < ADULT_AGE) return false;
  if (req.age < p.minAge || req.age > p.maxAge) return false;
  if (req.insuranceType && p.insuranceType !== req.insuranceType) return false;
  if (req.region && !p.regions.includes(req.region.toUpperCase())) return false;
  return true;
}
