import assert from 'node:assert/strict';
import { forEachStore, type TestStore } from '../../helpers/stores.js';
import { coupon, course, insurance } from '../../helpers/catalog.js';

forEachStore('store: catalog', (s) => {
  let store: TestStore;
  beforeEach(async () => { store = await s.fresh(); });
  afterEach(() => store.close());

  it('round-trips every kind of item, with topics in their order and nulls kept', async () => {
    const items = [
      course('crs-py', { topics: ['python', 'data', 'ai'], rating: null, sponsored: true, disclosure: 'Paid.', price: 12.5, durationHours: 1.5 }),
      coupon('cpn-ramen', { topics: [], cuisine: null, value: null, terms: 'Dine-in only.', expiresAt: '2030-01-01T00:00:00.000Z' }),
      insurance('ins-travel', { topics: ['travel', 'health'], regions: ['US', 'CA'], language: 'zh', title: '旅行保险' }),
    ];
    await store.catalog.upsert(items);
    for (const item of items) assert.deepEqual(await store.catalog.get(item.id), item);
    assert.equal(await store.catalog.get('nope'), undefined);
    assert.equal(await store.catalog.count(), 3);
  });

  it('lists in byte order of id (uppercase before lowercase), all or one kind', async () => {
    await store.catalog.upsert([course('b-course'), course('B-course'), coupon('a-coupon'), course('_x'), insurance('Z-plan')]);
    assert.deepEqual((await store.catalog.list()).map((i) => i.id), ['B-course', 'Z-plan', '_x', 'a-coupon', 'b-course']);
    assert.deepEqual((await store.catalog.list('course')).map((i) => i.id), ['B-course', '_x', 'b-course']);
    assert.deepEqual(await store.catalog.list('insurance').then((l) => l.map((i) => i.id)), ['Z-plan']);
  });

  it('replaces an item, even with another kind, leaving no details of the old one', async () => {
    await store.catalog.upsert([course('x', { topics: ['a', 'b'] })]);
    await store.catalog.upsert([course('x', { title: 'New title', topics: ['c'] })]);
    assert.deepEqual(await store.catalog.get('x'), course('x', { title: 'New title', topics: ['c'] }));
    await store.catalog.upsert([coupon('x', { stock: 4 })]);
    assert.deepEqual(await store.catalog.get('x'), coupon('x', { stock: 4 }));
    assert.deepEqual((await store.catalog.list('course')).map((i) => i.id), []);
    assert.equal(await store.catalog.count(), 1);
  });

  it('takes items out and back in; the version goes up with every change', async () => {
    const v0 = await store.catalog.version();
    const progress: number[] = [];
    await store.catalog.upsert([course('a'), course('b')], (done) => progress.push(done));
    assert.deepEqual(progress, [2]);
    const v1 = await store.catalog.version();
    assert.ok(v1 > v0, `${v1} > ${v0}`);
    assert.equal(await store.catalog.setActive('a', false), true);
    const v2 = await store.catalog.version();
    assert.ok(v2 > v1);
    assert.equal(await store.catalog.get('a'), undefined);
    assert.deepEqual((await store.catalog.list()).map((i) => i.id), ['b']);
    assert.equal(await store.catalog.count(), 1);
    assert.equal(await store.catalog.setActive('nope', false), false);
    assert.equal(await store.catalog.version(), v2, 'no change, no new version');
    assert.equal(await store.catalog.setActive('a', true), true);
    assert.ok((await store.catalog.version()) > v2);
    assert.equal(await store.catalog.count(), 2);
    // A re-import brings a removed item back.
    await store.catalog.setActive('b', false);
    await store.catalog.upsert([course('b')]);
    assert.equal(await store.catalog.count(), 2);
  });

  it('writes a failing batch not at all', async () => {
    await store.catalog.upsert([course('keep')]);
    const v = await store.catalog.version();
    await assert.rejects(store.catalog.upsert([course('new-one'), course('bad', { price: -1 })]));
    assert.deepEqual((await store.catalog.list()).map((i) => i.id), ['keep']);
    assert.equal(await store.catalog.version(), v);
  });
});

forEachStore('store: channels', (s) => {
  let store: TestStore;
  beforeEach(async () => { store = await s.fresh(); });
  afterEach(() => store.close());

  it('adds, replaces settings, lists in byte order per platform, and removes', async () => {
    await store.channels.put('twitch', 'zeta', { prefix: '!' });
    await store.channels.put('twitch', 'Alpha', { unaddressed: true, nested: { a: [1, 'x', null] } });
    await store.channels.put('discord', '123', {});
    await store.channels.put('twitch', 'zeta', { prefix: '?', 名: '中文' });
    const all = await store.channels.list();
    assert.deepEqual(all.map((c) => `${c.platform}:${c.name}`), ['discord:123', 'twitch:Alpha', 'twitch:zeta']);
    assert.deepEqual(all.map((c) => c.settings), [{}, { unaddressed: true, nested: { a: [1, 'x', null] } }, { prefix: '?', 名: '中文' }]);
    for (const c of all) assert.match(c.addedAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.deepEqual((await store.channels.list('twitch')).map((c) => c.name), ['Alpha', 'zeta']);
    assert.equal(await store.channels.remove('twitch', 'zeta'), true);
    assert.equal(await store.channels.remove('twitch', 'zeta'), false);
    assert.equal(await store.channels.remove('twitch', 'alpha'), false, 'names are exact');
    assert.deepEqual((await store.channels.list('twitch')).map((c) => c.name), ['Alpha']);
  });
});
