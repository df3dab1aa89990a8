import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../../data/sqlite/sqlite-store.js';
import { cleanEnv, runCli } from '../helpers/cli.js';

describe('e2e: crossfeed channels', function () {
  this.timeout(60000);
  let dir: string;
  // Only this test's database and config file count.
  const env = cleanEnv();
  const db = () => join(dir, 'channels.db');
  const run = (args: string[]) => runCli(args, { cwd: dir, db: db(), env });
  beforeEach(() => void (dir = mkdtempSync(join(tmpdir(), 'crossfeed-cli-channels-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('adds a channel with its settings, lists it and removes it', async () => {
    const added = await run(['channels', 'add', 'twitch', 'Foo', '--prefix', '?', '--no-questions']);
    assert.equal(added.code, 0, added.stderr);
    assert.equal(added.stdout, 'added twitch channel #foo {"commandPrefix":"?","answerUnaddressed":false}\n');
    const store = await openSqliteStore(db());
    try {
      assert.deepEqual((await store.channels.list()).map((c) => [c.platform, c.name, c.settings]),
        [['twitch', 'foo', { commandPrefix: '?', answerUnaddressed: false }]], 'what a running bot picks up');
    } finally {
      await store.close();
    }
    const again = await run(['channels', 'add', 'twitch', '#foo', '--min-confidence', '0.6']);
    assert.equal(again.code, 0, again.stderr);
    const listed = await run(['channels', 'list']);
    assert.equal(listed.code, 0, listed.stderr);
    assert.equal(listed.stdout, 'twitch\t#foo\t{"unaddressedMinConfidence":0.6}\n', 'adding again replaces the settings');
    const removed = await run(['channels', 'remove', 'twitch', 'FOO']);
    assert.equal(removed.code, 0, removed.stderr);
    assert.equal(removed.stdout, 'removed twitch channel #foo\n');
    assert.equal((await run(['channels', 'list'])).stdout, '');
    const gone = await run(['channels', 'remove', 'twitch', 'foo']);
    assert.equal(gone.code, 2);
    assert.match(gone.stderr, /no twitch channel #foo/);
  });

  it('lists the config file\'s channels too', async () => {
    writeFileSync(join(dir, 'crossfeed.config.yaml'), 'twitch:\n  channels: ["#Streamer", {name: other, commandPrefix: "~"}]\n');
    assert.equal((await run(['channels', 'add', 'twitch', 'extra'])).code, 0);
    const listed = await run(['channels', 'list']);
    assert.equal(listed.code, 0, listed.stderr);
    assert.equal(listed.stdout, 'twitch\t#streamer\t(config file)\ntwitch\t#other\t(config file)\ntwitch\t#extra\t{}\n');
  });

  it('refuses bad names, platforms and settings with exit code 2 and a message, writing nothing', async () => {
    const cases: [string[], RegExp][] = [
      [['channels', 'add', 'twitch', 'a'], /"a" is not a channel login/],
      [['channels', 'add', 'twitch', 'bad-name!'], /"bad-name!" is not a channel login/],
      [['channels', 'add', 'irc', 'foo'], /unknown platform "irc"/],
      [['channels', 'add', 'twitch', 'foo', '--prefix', 'long'], /invalid setting commandPrefix/],
      [['channels', 'add', 'twitch', 'foo', '--min-confidence', '2'], /invalid setting unaddressedMinConfidence/],
      [['channels', 'remove', 'twitch', 'x'], /"x" is not a channel login/],
    ];
    const results = await Promise.all(cases.map(([args]) => run(args)));
    for (const [i, [args, message]] of cases.entries()) {
      const r = results[i]!;
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
      assert.equal(r.stdout, '');
    }
    assert.equal((await run(['channels', 'list'])).stdout, '');
  });
});
