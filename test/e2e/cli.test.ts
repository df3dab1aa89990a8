import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { runCli } from '../helpers/cli.js';
import { CLI } from '../helpers/server-process.js';

describe('e2e: the crossfeed command line', function () {
  this.timeout(120000);
  let dir: string;
  const run = (args: string[]) => runCli(args, { cwd: dir, db: join(dir, 'cli.db') });
  before(() => void (dir = mkdtempSync(join(tmpdir(), 'crossfeed-cli-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('chat --json prints a beginner course card at most $30 for the walking-skeleton question', async () => {
    const r = await run(['chat', '--json', 'recommend me a beginner python course under $30']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { replies: { text: string; cards: { kind: string; price: number; currency: string; level: string; sponsored: boolean; link: string }[] }[] };
    const cards = out.replies.flatMap((x) => x.cards);
    assert.ok(cards.length > 0);
    for (const c of cards) {
      assert.deepEqual([c.kind, c.level, typeof c.sponsored], ['course', 'beginner', 'boolean']);
      assert.ok(c.currency !== 'USD' || c.price <= 30);
      assert.match(c.link, /^https:\/\//);
    }
  });

  it('chat --json prints no card for chat noise', async () => {
    const r = await run(['chat', '--json', 'gg lol']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { replies: { cards: unknown[] }[] };
    assert.equal(out.replies.flatMap((x) => x.cards).length, 0);
  });

  it('nlu parse prints intent, confidence, entities with offsets and language', async () => {
    const r = await run(['nlu', 'parse', '有没有python入门课']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.intent, 'recommend_course');
    assert.equal(out.language, 'zh');
    assert.ok(out.confidence > 0 && out.confidence <= 1);
    const topic = out.entities.find((e: { label: string }) => e.label === 'topic');
    assert.deepEqual([topic.value, topic.start, topic.end], ['python', 3, 9]);
  });

  it('nlu train builds models from YAML without Python, and nlu parse - uses them line by line', async function () {
    this.timeout(300000); // embeds every example with the encoder (86 s under load 13 on 2 cores)
    const mine = join(dir, 'my-nlu');
    mkdirSync(mine);
    writeFileSync(join(mine, 'courses.yaml'), 'intent: recommend_course\nexamples:\n  - "teach me [blender](topic) pls"\n  - "any [blender](topic) class for [newbies](level:beginner)"\n');
    const out = join(dir, 'trained');
    const r = await run(['nlu', 'train', '--data', mine, '--out', out]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(existsSync(join(out, 'intent.json')) && existsSync(join(out, 'entities.json')));
    assert.ok(existsSync(join(out, 'encoder-intent.json')), 'an intent head on the pretrained encoder (issue 12)');
    const parsed = await new Promise<string>((resolve, reject) => {
      const child = execFile(process.execPath, [CLI, 'nlu', 'parse', '-'], { cwd: dir, env: { ...process.env, CROSSFEED_DB: join(dir, 'cli.db'), CROSSFEED_NLU_DIR: out } },
        (err, stdout) => (err ? reject(err) : resolve(stdout)));
      child.stdin!.end('teach me blender pls\ngg lol\n\n');
    });
    const lines = parsed.trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(lines.length, 3);
    assert.equal(lines[0].intent, 'recommend_course');
    assert.equal(lines[1].intent, 'oos');
    assert.equal(lines[2].intent, 'oos', 'an empty line is a valid parse too');
    writeFileSync(join(mine, 'bad.yaml'), 'intent: greet\nexamples:\n  - "hi [there](nonsense)"\n');
    const bad = await run(['nlu', 'train', '--data', mine, '--out', out]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /bad\.yaml: example 1 marks unknown entity label "nonsense"/);
  });

  it('chat answers piped lines one by one through the full pipeline, remembering the conversation', async () => {
    const out = await new Promise<string>((resolve, reject) => {
      const child = execFile(process.execPath, [CLI, 'chat'], { cwd: dir, env: { ...process.env, CROSSFEED_DB: join(dir, 'cli.db') } },
        (err, stdout) => (err ? reject(err) : resolve(stdout)));
      child.stdin!.end('python course under $20\ncheaper?\n/quit\n');
    });
    assert.equal(out.match(/^bot> /gm)?.length, 2, out);
    assert.match(out, /bot> Here are more options/, 'the refinement used the remembered request');
    assert.ok((out.match(/^\s+\* /gm)?.length ?? 0) >= 2, 'cards listed');
  });

  it('catalog import reports bad rows by row and field and loads the good ones', async () => {
    const file = join(dir, 'more.csv');
    writeFileSync(file, 'id,kind,title,topics,level,price,currency,duration_hours,language,provider,link\n' +
      'crs-new-1,course,Elixir basics,elixir,beginner,15,USD,4,en,Acme,https://example.com/e\n' +
      'crs-new-2,course,Broken,elixir,beginner,free,USD,4,en,Acme,https://example.com/f\n');
    const r = await run(['catalog', 'import', file]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /row 3, field price/);
    assert.match(r.stdout, /imported 1 items/);
    const missing = await run(['catalog', 'import', join(dir, 'nope.json')]);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /no such file|ENOENT/i);
  });

  it('--help lists the commands; bad config is reported with the key', async () => {
    const help = await run(['--help']);
    for (const c of ['start', 'chat', 'nlu', 'catalog']) assert.match(help.stdout, new RegExp(`\\b${c}\\b`));
    writeFileSync(join(dir, 'crossfeed.config.yaml'), 'web:\n  port: -1\n');
    const bad = await run(['chat', '--json', 'hi']);
    assert.equal(bad.code, 78);
    assert.match(bad.stderr, /web\.port/);
    rmSync(join(dir, 'crossfeed.config.yaml'));
  });
});
