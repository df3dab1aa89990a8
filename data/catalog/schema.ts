import { z } from 'zod';
import type { CatalogItem } from './types.js';

/**
 * The wire format of catalog files (JSON arrays or CSV rows, snake_case as in data/catalog/*.json),
 * validated and turned into domain items. CSV cells arrive as strings, so numbers and booleans
 * are coerced and list fields accept `a|b|c`.
 */

const text = (max: number) => z.string().trim().min(1).max(max);
const optionalText = (max: number) =>
  z.preprocess((v) => (v === '' || v === undefined ? null : v), z.string().trim().max(max).nullable()).default(null);
const num = z.coerce.number().finite();
const bool = z.preprocess((v) => {
  if (typeof v !== 'string') return v;
  const s = v.trim().toLowerCase();
  if (['true', '1', 'yes'].includes(s)) return true;
  if (['false', '0', 'no', ''].includes(s)) return false;
  return v;
}, z.boolean());
const list = z.preprocess(
  (v) => (typeof v === 'string' ? v.split(/[|;]/).map((s) => s.trim()).filter(Boolean) : v),
  z.array(z.string().trim().min(1)).min(1),
);
const httpUrl = z
  .string()
  .trim()
  .url()
  .refine((u) => /^https?:\/\//i.test(u), 'must be an http(s) URL');

const base = {
  id: z.string().trim().regex(/^[a-z0-9][a-z0-9-]{1,79}$/, 'lowercase letters, digits and dashes, 2-80 chars'),
  title: text(300),
  description: z.string().trim().max(2000).default(''),
  language: z.enum(['en', 'zh']),
  price: num.min(0),
  currency: z.string().trim().regex(/^[A-Z]{3}$/, 'three-letter ISO code such as USD'),
  link: httpUrl,
  sponsored: bool.default(false),
};

const courseSchema = z.object({
  ...base,
  kind: z.literal('course'),
  topics: list,
  level: z.enum(['beginner', 'intermediate', 'advanced']),
  duration_hours: num.positive(),
  rating: z.preprocess((v) => (v === '' ? null : v), num.min(0).max(5).nullable()).default(null),
  ratings_count: z.coerce.number().int().min(0).default(0),
  provider: text(200),
  disclosure: optionalText(2000),
});

const couponSchema = z.object({
  ...base,
  kind: z.literal('coupon'),
  partner: text(200),
  category: z.enum(['restaurant', 'gaming_gear', 'home_goods']),
  cuisine: optionalText(80),
  city: optionalText(120),
  area: optionalText(120),
  discount: text(120),
  value: z.preprocess((v) => (v === '' ? null : v), num.min(0).nullable()).default(null),
  stock: z.coerce.number().int().min(0),
  expires_at: z.string().trim().refine((s) => !Number.isNaN(Date.parse(s)), 'must be an ISO date'),
  per_user_limit: z.coerce.number().int().min(1).default(1),
  terms: optionalText(1000),
  disclosure: optionalText(2000),
});

const insuranceSchema = z.object({
  ...base,
  kind: z.literal('insurance'),
  insurer: text(200),
  insurance_type: z.enum(['travel', 'phone_screen', 'accident', 'health', 'gaming_gear']),
  price_period: z.string().trim().default('month'),
  min_age: z.coerce.number().int().min(18, 'insurance is never sold to minors: min_age must be at least 18'),
  max_age: z.coerce.number().int().max(120),
  regions: list,
  eligibility: text(1000),
  disclosure: text(2000),
});

export const catalogRowSchema = z.discriminatedUnion('kind', [courseSchema, couponSchema, insuranceSchema]);
export type CatalogRow = z.infer<typeof catalogRowSchema>;

export interface RowError {
  /** 1-based row: the array position in JSON, the line number in CSV (header is line 1). */
  row: number;
  field: string;
  message: string;
}

export function parseCatalogRow(input: unknown, row: number): { item: CatalogItem } | { errors: RowError[] } {
  const result = catalogRowSchema.safeParse(input);
  if (!result.success) {
    return {
      errors: result.error.issues.map((issue) => ({
        row,
        field: issue.path.map(String).join('.') || 'kind',
        message: issue.message,
      })),
    };
  }
  const r = result.data;
  if (r.kind === 'insurance' && r.max_age < r.min_age) {
    return { errors: [{ row, field: 'max_age', message: 'must be at least min_age' }] };
  }
  return { item: toItem(r) };
}

function toItem(r: CatalogRow): CatalogItem {
  const common = {
    id: r.id,
    title: r.title,
    description: r.description,
    language: r.language,
    price: r.price,
    currency: r.currency,
    link: r.link,
    sponsored: r.sponsored,
  };
  switch (r.kind) {
    case 'course':
      return { ...common, kind: 'course', topics: r.topics.map((t) => t.toLowerCase()), level: r.level, durationHours: r.duration_hours,
        rating: r.rating, ratingsCount: r.ratings_count, provider: r.provider, disclosure: r.disclosure };
    case 'coupon':
      return { ...common, kind: 'coupon', topics: [r.category, ...(r.cuisine ? [r.cuisine.toLowerCase()] : [])], partner: r.partner,
        category: r.category, cuisine: r.cuisine, city: r.city, area: r.area, discount: r.discount, value: r.value, stock: r.stock,
        expiresAt: new Date(r.expires_at).toISOString(), perUserLimit: r.per_user_limit, terms: r.terms, disclosure: r.disclosure };
    case 'insurance':
      return { ...common, kind: 'insurance', topics: [r.insurance_type], insurer: r.insurer, insuranceType: r.insurance_type,
        pricePeriod: r.price_period, minAge: r.min_age, maxAge: r.max_age, regions: r.regions.map((x) => x.toUpperCase()),
        eligibility: r.eligibility, disclosure: r.disclosure };
  }
}
