/** Catalog items as the rest of crossfeed sees them (domain types, camelCase). */

export type ItemKind = 'course' | 'coupon' | 'insurance';
export type Level = 'beginner' | 'intermediate' | 'advanced';
export type InsuranceType = 'travel' | 'phone_screen' | 'accident' | 'health' | 'gaming_gear';
export type CouponCategory = 'restaurant' | 'gaming_gear' | 'home_goods';

export const LEVELS: readonly Level[] = ['beginner', 'intermediate', 'advanced'];

interface ItemBase {
  id: string;
  title: string;
  description: string;
  language: 'en' | 'zh';
  price: number;
  currency: string;
  link: string;
  sponsored: boolean;
  disclosure: string | null;
  /** Canonical topic ids (courses) or category and cuisine (coupons) or insurance type. */
  topics: string[];
}

export interface Course extends ItemBase {
  kind: 'course';
  level: Level;
  durationHours: number;
  rating: number | null;
  ratingsCount: number;
  provider: string;
}

export interface Coupon extends ItemBase {
  kind: 'coupon';
  partner: string;
  category: CouponCategory;
  cuisine: string | null;
  city: string | null;
  area: string | null;
  discount: string;
  value: number | null;
  stock: number;
  expiresAt: string;
  perUserLimit: number;
  terms: string | null;
}

export interface Insurance extends ItemBase {
  kind: 'insurance';
  insurer: string;
  insuranceType: InsuranceType;
  pricePeriod: string;
  minAge: number;
  maxAge: number;
  regions: string[];
  eligibility: string;
  disclosure: string;
}

export type CatalogItem = Course | Coupon | Insurance;
