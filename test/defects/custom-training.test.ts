import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';

describe('defect 7: custom training keeps the values it was taught', function () {
  this.timeout(180000);
  let dir: string;
  before(() => void (dir = mkdtempSync(join(tmpdir(), 'crossfeed-synonyms-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('[pyhton](topic:python) in a user data folder: after nlu train the bot reads "pyhton" as python', async () => {
    const mine = join(dir, 'my-nlu');
    mkdirSync(mine);
    writeFileSync(join(mine, 'typos.yaml'), 'intent: recommend_course\nexamples:\n  - "a [pyhton](topic:python) course please"\n  - "[pyhton](topic:python) for [beginers](level:beginner)"\n');
    const out = join(dir, 'trained');
    const db = join(dir, 'cli.db');
    const trained = await runCli(['nlu', 'train', '--data', mine, '--out', out], { cwd: dir, db });
    assert.equal(trained.code, 0, trained.stderr);
    const env = { ...process.env, CROSSFEED_NLU_DIR: out };
    const parsed = await runCli(['nlu', 'parse', 'any pyhton course for beginers?'], { cwd: dir, db, env });
    assert.equal(parsed.code, 0, parsed.stderr);
    const entities = JSON.parse(parsed.stdout).entities as { label: string; value: string }[];
    assert.deepEqual(entities.filter((e) => e.label === 'topic').map((e) => e.value), ['python']);
    const chat = await runCli(['chat', '--json', 'any pyhton course for beginers?'], { cwd: dir, db, env });
    assert.equal(chat.code, 0, chat.stderr);
    const replies = JSON.parse(chat.stdout).replies as { text: string; cards: { topics?: string[] }[] }[];
    assert.doesNotMatch(replies.map((r) => r.text).join(' '), /pyhton/);
    assert.ok(replies.flatMap((r) => r.cards).some((c) => c.topics?.includes('python')));
  });
});
