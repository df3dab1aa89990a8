import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../../data/sqlite/sqlite-store.js';
import { cleanEnv, runCli } from '../helpers/cli.js';
import { ServerProcess } from '../helpers/server-process.js';
import { WebVisitor } from '../helpers/web-chat.js';

const ITEM = {
  id: 'crs-zebrafish-python-01', kind: 'course', title: 'Zebrafish Python: Tracking Zebrafish Tanks with Python',
  description: 'Zebrafish lab automation in Python, zebrafish by zebrafish.', topics: ['python'], level: 'beginner',
  price: 9.99, currency: 'USD', duration_hours: 4, rating: 4.9, ratings_count: 120, language: 'en', provider: 'Tank Lab',
  link: 'https://learn.crossfeed.example/courses/crs-zebrafish-python-01',
};
const ASK = 'recommend me a zebrafish python course';

/** Asks a fresh visitor until `want` holds for the answer's card ids (catalog changes land within bot.catalogRefreshSeconds). */
async function until(url: string, want: (ids: string[]) => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const v = await WebVisitor.open(url.replace('http', 'ws'));
    const ids = (await v.say(ASK)).cards.map((c: { id: string }) => c.id);
    v.close();
    if (want(ids)) return;
    if (Date.now() > deadline) assert.fail(`not within 20 s: ${what} (last answer: ${ids.join(', ')})`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

describe('e2e: catalog changes reach every running `crossfeed start` on the database, no restart', function () {
  this.timeout(180_000);
  let dir: string;
  const procs: ServerProcess[] = [];
  beforeEach(() => void (dir = mkdtempSync(join(tmpdir(), 'crossfeed-catalog-'))));
  afterEach(async () => {
    for (const p of procs.splice(0)) await p.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('`crossfeed catalog import` from a third process and a deactivation: both running servers follow', async () => {
    const db = join(dir, 'shared.db');
    const env = { CROSSFEED_DB: db, CROSSFEED_LOG_FORMAT: 'json' };
    procs.push(await ServerProcess.start(env));
    procs.push(await ServerProcess.start(env));
    const [a, b] = procs as [ServerProcess, ServerProcess];
    for (const p of [a, b]) await until(p.url, (ids) => ids.length > 0 && !ids.includes(ITEM.id), 'an answer without the item before the import');

    const file = join(dir, 'items.json');
    writeFileSync(file, JSON.stringify([ITEM]));
    const imported = await runCli(['catalog', 'import', file], { cwd: dir, db, env: cleanEnv() });
    assert.equal(imported.code, 0, imported.stderr + imported.stdout);
    for (const p of [a, b]) await until(p.url, (ids) => ids.includes(ITEM.id), `${p.url} offers the imported item`);

    const store = await openSqliteStore(db); // as the dashboard's process does
    assert.ok(await store.catalog.setActive(ITEM.id, false));
    await store.close();
    for (const p of [a, b]) await until(p.url, (ids) => ids.length > 0 && !ids.includes(ITEM.id), `${p.url} stops offering the deactivated item`);
  });
});
