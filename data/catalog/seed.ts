import { join } from 'node:path';
import { seedCatalogDir } from '../paths.js';
import type { CatalogStore } from '../store.js';
import { readCatalogFile } from './importer.js';

const SEED_FILES = ['courses.json', 'coupons.json', 'insurance.json'];

/**
 * Loads the shipped seed catalog into an empty store. A store that already holds items is left
 * alone, so operators' edits and imports are never overwritten at start-up.
 */
export async function seedCatalogIfEmpty(catalog: CatalogStore, dir = seedCatalogDir): Promise<number> {
  if ((await catalog.count()) > 0) return 0;
  let loaded = 0;
  for (const file of SEED_FILES) {
    const { items, errors } = await readCatalogFile(join(dir, file));
    if (errors.length) {
      const first = errors.slice(0, 3).map((e) => `row ${e.row} ${e.field}: ${e.message}`).join('; ');
      throw new Error(`seed catalog ${file} has ${errors.length} invalid rows (${first})`);
    }
    await catalog.upsert(items);
    loaded += items.length;
  }
  return loaded;
}
