import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bot } from '../../bot/bot.js';
import { CatalogSync } from '../../bot/catalog-sync.js';
import type { Reply } from '../../bot/message.js';
import { openSqliteStore } from '../../data/sqlite/sqlite-store.js';
import type { Store } from '../../data/store.js';
import { seededRng } from '../../recommender/random.js';
import { Recommender } from '../../recommender/recommender.js';
import { course, seedItems } from '../helpers/catalog.js';
import { KeywordNlu } from '../helpers/keyword-nlu.js';

/** A bot as `crossfeed start` builds one around a shared database file: its own connection, recommender and catalog sync. */
async function botOn(path: string): Promise<{ store: Store; recommender: Recommender; sync: CatalogSync; ask: (user: string, text: string) => Promise<Reply[]> }> {
  const store = await openSqliteStore(path);
  const loadedVersion = await store.catalog.version();
  const recommender = new Recommender(await store.catalog.list());
  const sync = new CatalogSync(store.catalog, (items) => recommender.reload(items), { refreshMs: 50, loadedVersion });
  const bot = new Bot({ nlu: new KeywordNlu(), recommender, store, random: seededRng(1) });
  const ask = async (user: string, text: string) => {
    const replies: Reply[] = [];
    await bot.handle({ platform: 'web', channel: 'shop', direct: true, user: { platformId: user, displayName: user, roles: [] }, text, time: new Date() },
      { send: async (r) => void replies.push(r) });
    return replies;
  };
  return { store, recommender, sync, ask };
}

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`not within 10 s: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('catalog edits reach every bot sharing the database, without restart', () => {
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'cf-catalog-sync-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('the catalog version goes up on every item change, whoever writes it (trigger), and not on reads', async () => {
    const store = await openSqliteStore(join(dir, 'v.db'));
    try {
      const v0 = await store.catalog.version();
      await store.catalog.upsert([course('crs-a'), course('crs-b')]);
      const v1 = await store.catalog.version();
      assert.ok(v1 > v0);
      await store.catalog.list();
      assert.equal(await store.catalog.version(), v1);
      await store.catalog.setActive('crs-a', false);
      assert.ok((await store.catalog.version()) > v1);
    } finally {
      await store.close();
    }
  });

  it('an item deactivated and one imported through one process\'s connection: the other bot stops offering / starts knowing them', async () => {
    const path = join(dir, 'shared.db');
    const seed = await openSqliteStore(path);
    await seed.catalog.upsert(await seedItems());
    await seed.close();
    const a = await botOn(path); // the process serving the dashboard (or running `crossfeed catalog import`)
    const b = await botOn(path); // another process: a Discord shard, a second web server
    b.sync.start();
    try {
      const [first] = await b.ask('viewer-1', 'recommend me a python course');
      const shown = first!.cards[0]!.id;
      assert.ok(shown);
      assert.ok(await a.store.catalog.setActive(shown, false));
      await until(async () => b.recommender.item(shown) === undefined, `bot B drops ${shown}`);
      const [again] = await b.ask('viewer-2', 'recommend me a python course');
      assert.ok(again!.cards.length > 0);
      assert.ok(!again!.cards.some((c) => c.id === shown), `bot B still offers ${shown}`);

      await a.store.catalog.upsert([course('crs-imported-elsewhere', { title: 'Imported elsewhere' })]);
      await until(async () => b.recommender.item('crs-imported-elsewhere') !== undefined, 'bot B knows the imported item');
      assert.equal(await b.sync.check(), false, 'no change since: nothing reloaded');
    } finally {
      await b.sync.stop();
      await a.store.close();
      await b.store.close();
    }
  });
});
