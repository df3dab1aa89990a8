import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCatalogFile } from '../../data/catalog/importer.js';
import { seedCatalogIfEmpty } from '../../data/catalog/seed.js';
import { openSqliteStore } from '../../data/sqlite/sqlite-store.js';
import { seedCatalogDir } from '../../data/paths.js';

describe('data/catalog import', () => {
  let dir: string;
  beforeEach(() => void (dir = mkdtempSync(join(tmpdir(), 'crossfeed-cat-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('ships a seed catalog that validates and meets the size the product needs', async () => {
    const courses = await readCatalogFile(join(seedCatalogDir, 'courses.json'));
    const coupons = await readCatalogFile(join(seedCatalogDir, 'coupons.json'));
    const insurance = await readCatalogFile(join(seedCatalogDir, 'insurance.json'));
    assert.deepEqual([courses.errors, coupons.errors, insurance.errors], [[], [], []]);
    assert.ok(courses.items.length >= 150, `${courses.items.length} courses`);
    assert.ok(coupons.items.length >= 30, `${coupons.items.length} coupons`);
    assert.ok(insurance.items.length >= 12, `${insurance.items.length} insurance products`);
    assert.ok(courses.items.some((c) => c.language === 'zh') && courses.items.some((c) => c.language === 'en'));
    assert.ok(courses.items.some((c) => c.price === 0), 'some free courses');
    for (const p of insurance.items) assert.ok(p.disclosure && p.disclosure.length > 20, `${p.id} has a disclosure`);
  });

  it('reports invalid CSV rows by line and field and still returns the valid rows', async () => {
    const file = join(dir, 'items.csv');
    writeFileSync(file, [
      'id,kind,title,description,topics,level,price,currency,duration_hours,language,provider,link,sponsored',
      'crs-ok-1,course,"Python, gently",Intro,python,beginner,9.99,USD,3,en,Acme,https://example.com/a,false',
      'crs-bad-price,course,Bad price,,python,beginner,-5,USD,3,en,Acme,https://example.com/b,false',
      'crs-bad-level,course,Bad level,,python,guru,5,USD,3,en,Acme,https://example.com/c,false',
      'crs-ok-2,course,"Multi ""quoted""\nline",,rust|sql,advanced,0,USD,1.5,en,Acme,https://example.com/d,yes',
      'crs-bad-link,course,Bad link,,python,beginner,5,USD,3,en,Acme,javascript:alert(1),false',
    ].join('\n'));
    const parsed = await readCatalogFile(file);
    assert.deepEqual(parsed.items.map((i) => i.id), ['crs-ok-1', 'crs-ok-2']);
    assert.deepEqual(parsed.errors.map((e) => [e.row, e.field]), [[3, 'price'], [4, 'level'], [7, 'link']]);
    const second = parsed.items[1]!;
    assert.equal(second.title, 'Multi "quoted"\nline');
    assert.deepEqual(second.topics, ['rust', 'sql']);
    assert.equal(second.sponsored, true);
  });

  it('rejects duplicate ids and insurance for minors in JSON', async () => {
    const file = join(dir, 'items.json');
    const base = { kind: 'insurance', title: 'Trip cover', language: 'en', price: 3, currency: 'USD', link: 'https://example.com/i',
      insurer: 'X', insurance_type: 'travel', max_age: 70, regions: ['US'], eligibility: 'US residents', disclosure: 'Underwritten by X.' };
    writeFileSync(file, JSON.stringify([{ ...base, id: 'ins-a', min_age: 18 }, { ...base, id: 'ins-a', min_age: 18 }, { ...base, id: 'ins-b', min_age: 16 }]));
    const parsed = await readCatalogFile(file);
    assert.deepEqual(parsed.items.map((i) => i.id), ['ins-a']);
    assert.deepEqual(parsed.errors.map((e) => [e.row, e.field]), [[2, 'id'], [3, 'min_age']]);
  });

  it('refuses files that are not JSON arrays or CSV', async () => {
    const file = join(dir, 'x.json');
    writeFileSync(file, '{"not":"an array"}');
    await assert.rejects(readCatalogFile(file), /JSON array/);
    await assert.rejects(readCatalogFile(join(dir, 'x.txt')), /\.json or \.csv/);
  });

  it('loads the seed into an empty store once and round-trips typed attributes', async () => {
    const store = await openSqliteStore(join(dir, 'c.db'));
    try {
      const n = await seedCatalogIfEmpty(store.catalog);
      assert.ok(n >= 192);
      assert.equal(await seedCatalogIfEmpty(store.catalog), 0, 'a second start does not reseed');
      assert.equal(await store.catalog.count(), n);
      const coupon = (await store.catalog.list('coupon'))[0]!;
      assert.equal(coupon.kind, 'coupon');
      assert.ok(coupon.kind === 'coupon' && coupon.stock > 0 && coupon.perUserLimit >= 1);
      const ins = (await store.catalog.list('insurance'))[0]!;
      assert.ok(ins.kind === 'insurance' && ins.minAge >= 18 && ins.regions.length > 0);
      const course = (await store.catalog.list('course')).find((c) => c.kind === 'course' && c.topics.length > 1)!;
      const again = await store.catalog.get(course.id);
      assert.deepEqual(again, course);
    } finally {
      await store.close();
    }
  });
});
