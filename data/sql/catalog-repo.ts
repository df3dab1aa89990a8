import type { CatalogItem, ItemKind } from '../catalog/types.js';
import type { CatalogStore } from '../store.js';
import type { Dialect, SqlDatabase, SqlRunner } from './sql-database.js';

interface ItemRow {
  id: string; kind: ItemKind; title: string; description: string; language: 'en' | 'zh'; price: number; currency: string;
  link: string; sponsored: number; disclosure: string | null; topics: string | null;
  level: string | null; duration_hours: number | null; rating: number | null; ratings_count: number | null; provider: string | null;
  partner: string | null; category: string | null; cuisine: string | null; city: string | null; area: string | null;
  discount: string | null; value: number | null; stock: number | null; expires_at: string | null; per_user_limit: number | null;
  terms: string | null; insurer: string | null; insurance_type: string | null; price_period: string | null;
  min_age: number | null; max_age: number | null; regions: string | null; eligibility: string | null;
}

const select = (d: Dialect) => `
SELECT i.*, c.level, c.duration_hours, c.rating, c.ratings_count, c.provider,
  p.partner, p.category, p.cuisine, p.city, p.area, p.discount, p.value, p.stock, p.expires_at, p.per_user_limit, p.terms,
  n.insurer, n.insurance_type, n.price_period, n.min_age, n.max_age, n.regions, n.eligibility,
  (SELECT ${d.stringAgg}(topic, '|' ORDER BY position) FROM item_topics t WHERE t.item_id = i.id) AS topics
FROM items i
LEFT JOIN course_details c ON c.item_id = i.id
LEFT JOIN coupon_details p ON p.item_id = i.id
LEFT JOIN insurance_details n ON n.item_id = i.id
WHERE i.active = 1`;

export class SqlCatalogStore implements CatalogStore {
  constructor(private readonly db: SqlDatabase) {}

  upsert(items: readonly CatalogItem[], onProgress?: (done: number, total: number) => void): Promise<void> {
    return this.db.transaction(async (tx) => {
      for (const [i, item] of items.entries()) {
        await upsertOne(tx, item);
        if (onProgress && (i % 50 === 49 || i === items.length - 1)) onProgress(i + 1, items.length);
      }
    });
  }

  async list(kind?: ItemKind): Promise<CatalogItem[]> {
    const rows = kind
      ? await this.db.all<ItemRow>(`${select(this.db.dialect)} AND i.kind = ? ORDER BY i.id`, [kind])
      : await this.db.all<ItemRow>(`${select(this.db.dialect)} ORDER BY i.id`);
    return rows.map(toItem);
  }

  async get(id: string): Promise<CatalogItem | undefined> {
    const row = await this.db.get<ItemRow>(`${select(this.db.dialect)} AND i.id = ?`, [id]);
    return row && toItem(row);
  }

  async count(): Promise<number> {
    const row = await this.db.get<{ n: number }>('SELECT count(*) AS n FROM items WHERE active = 1');
    return row?.n ?? 0;
  }

  async setActive(id: string, active: boolean): Promise<boolean> {
    const r = await this.db.run(`UPDATE items SET active = ?, updated_at = ${this.db.dialect.now} WHERE id = ?`, [active ? 1 : 0, id]);
    return r.changes === 1;
  }

  async version(): Promise<number> {
    return (await this.db.get<{ version: number }>('SELECT version FROM catalog_version WHERE id = 1'))?.version ?? 0;
  }
}

async function upsertOne(tx: SqlRunner, item: CatalogItem): Promise<void> {
  await tx.run(
    `INSERT INTO items (id, kind, title, description, language, price, currency, link, sponsored, disclosure)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT(id) DO UPDATE SET kind = excluded.kind, title = excluded.title, description = excluded.description,
       language = excluded.language, price = excluded.price, currency = excluded.currency, link = excluded.link,
       sponsored = excluded.sponsored, disclosure = excluded.disclosure, active = 1,
       updated_at = ${tx.dialect.now}`,
    [item.id, item.kind, item.title, item.description, item.language, item.price, item.currency, item.link, item.sponsored ? 1 : 0, item.disclosure],
  );
  // An item may change kind on update: clear every detail table, then write the one that applies.
  for (const table of ['course_details', 'coupon_details', 'insurance_details', 'item_topics']) {
    await tx.run(`DELETE FROM ${table} WHERE item_id = ?`, [item.id]);
  }
  for (const [position, topic] of item.topics.entries()) {
    await tx.run('INSERT INTO item_topics (item_id, topic, position) VALUES (?, ?, ?) ON CONFLICT DO NOTHING', [item.id, topic, position]);
  }
  switch (item.kind) {
    case 'course':
      await tx.run('INSERT INTO course_details VALUES (?, ?, ?, ?, ?, ?)', [item.id, item.level, item.durationHours, item.rating, item.ratingsCount, item.provider]);
      break;
    case 'coupon':
      await tx.run('INSERT INTO coupon_details VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)', [
        item.id, item.partner, item.category, item.cuisine, item.city, item.area, item.discount, item.value, item.stock,
        item.expiresAt, item.perUserLimit, item.terms]);
      break;
    case 'insurance':
      await tx.run('INSERT INTO insurance_details VALUES (?, ?, ?, ?, ?, ?, ?, ?)', [
        item.id, item.insurer, item.insuranceType, item.pricePeriod, item.minAge, item.maxAge, item.regions.join('|'), item.eligibility]);
      break;
  }
}

function toItem(r: ItemRow): CatalogItem {
  const common = {
    id: r.id, title: r.title, description: r.description, language: r.language, price: r.price, currency: r.currency,
    link: r.link, sponsored: r.sponsored === 1, disclosure: r.disclosure, topics: r.topics ? r.topics.split('|') : [],
  };
  switch (r.kind) {
    case 'course':
      return { ...common, kind: 'course', level: r.level as 'beginner', durationHours: r.duration_hours ?? 0, rating: r.rating,
        ratingsCount: r.ratings_count ?? 0, provider: r.provider ?? '' };
    case 'coupon':
      return { ...common, kind: 'coupon', partner: r.partner ?? '', category: r.category as 'restaurant', cuisine: r.cuisine, city: r.city,
        area: r.area, discount: r.discount ?? '', value: r.value, stock: r.stock ?? 0, expiresAt: r.expires_at ?? '',
        perUserLimit: r.per_user_limit ?? 1, terms: r.terms };
    case 'insurance':
      return { ...common, kind: 'insurance', insurer: r.insurer ?? '', insuranceType: r.insurance_type as 'travel',
        pricePeriod: r.price_period ?? 'month', minAge: r.min_age ?? 18, maxAge: r.max_age ?? 0,
        regions: r.regions ? r.regions.split('|') : [], eligibility: r.eligibility ?? '', disclosure: r.disclosure ?? '' };
  }

}
