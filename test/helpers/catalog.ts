import { join } from 'node:path';
import { readCatalogFile } from '../../data/catalog/importer.js';
import type { CatalogItem, Coupon, Course, Insurance } from '../../data/catalog/types.js';
import { seedCatalogDir } from '../../data/paths.js';

export async function seedItems(): Promise<CatalogItem[]> {
  const all: CatalogItem[] = [];
  for (const f of ['courses.json', 'coupons.json', 'insurance.json']) all.push(...(await readCatalogFile(join(seedCatalogDir, f))).items);
  return all;
}

export function course(id: string, o: Partial<Course> = {}): Course {
  return { id, kind: 'course', title: `Course ${id}`, description: '', language: 'en', price: 10, currency: 'USD', link: `https://example.com/${id}`,
    sponsored: false, disclosure: null, topics: ['python'], level: 'beginner', durationHours: 2, rating: 4.5, ratingsCount: 100, provider: 'Test', ...o };
}

export function coupon(id: string, o: Partial<Coupon> = {}): Coupon {
  return { id, kind: 'coupon', title: `Coupon ${id}`, description: '', language: 'en', price: 0, currency: 'USD', link: `https://example.com/${id}`,
    sponsored: true, disclosure: 'Sponsored.', topics: ['restaurant'], partner: 'Noodle Yard', category: 'restaurant', cuisine: 'ramen',
    city: 'New York', area: 'Brooklyn', discount: '20% off', value: 5, stock: 10, expiresAt: '2030-01-01T00:00:00.000Z', perUserLimit: 1, terms: null, ...o };
}

export function insurance(id: string, o: Partial<Insurance> = {}): Insurance {
  return { id, kind: 'insurance', title: `Plan ${id}`, description: '', language: 'en', price: 4.5, currency: 'USD', link: `https://example.com/${id}`,
    sponsored: true, disclosure: 'Underwritten by X; crossfeed earns a commission.', topics: ['travel'], insurer: 'X', insuranceType: 'travel',
    pricePeriod: 'month', minAge: 18, maxAge: 70, regions: ['US'], eligibility: 'US residents', ...o };
}
