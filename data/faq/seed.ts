import { join } from 'node:path';
import { packageRoot } from '../paths.js';
import type { FaqStore } from '../support.js';
import { readWholeFaqFile } from './format.js';

export const seedFaqFile = join(packageRoot, 'data', 'faq', 'faq.yaml');

/**
 * Loads the shipped FAQ into a knowledge base that has never been edited (version 0, no entries).
 * Once anyone has changed it, even by deleting every entry, start-up leaves it alone.
 */
export async function seedFaqIfEmpty(faq: FaqStore, file = seedFaqFile): Promise<number> {
  if ((await faq.version()) > 0 || (await faq.list()).length > 0) return 0;
  const entries = await readWholeFaqFile(file);
  await faq.upsert(entries);
  return entries.length;
}
