import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { syntheticInteractions, toCsv } from '../../recommender/eval/synthetic.js';
import { CLI } from '../helpers/server-process.js';

const exec = promisify(execFile);

describe('e2e: crossfeed recs eval', function () {
  this.timeout(60000);
  let dir: string;
  const run = async (args: string[]) => {
    try {
      const r = await exec(process.execPath, [CLI, 'recs', 'eval', ...args], { cwd: dir });
      return { code: 0, stdout: r.stdout, stderr: r.stderr };
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'crossfeed-recs-'));
    writeFileSync(join(dir, 'log.csv'), toCsv(syntheticInteractions({ items: 500, interactions: 5000, clusters: 10, seed: 5 })));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('--json keeps the contract keys, names the served model and adds one object per model', async () => {
    const r = await run(['--interactions', 'log.csv', '--k', '5', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    const contract = ['coverage', 'ndcg_at_k', 'p99_ms_per_recommendation', 'popularity_coverage', 'popularity_ndcg_at_k', 'popularity_recall_at_k', 'recall_at_k', 'train_seconds'];
    assert.deepEqual(Object.keys(out).sort(), [...contract, 'ease', 'item-knn', 'popularity', 'served'].sort());
    for (const key of contract) assert.ok(typeof out[key] === 'number' && Number.isFinite(out[key]) && (out[key] as number) >= 0, key);
    assert.ok((out.recall_at_k as number) <= 1 && (out.coverage as number) <= 1);
    assert.ok(['popularity', 'item-knn', 'ease'].includes(out.served as string));
    const served = out[out.served as string] as Record<string, number>;
    assert.equal(served.recall_at_k, out.recall_at_k, 'the contract keys describe the served model');
    for (const name of ['popularity', 'item-knn', 'ease']) {
      const m = out[name] as Record<string, number>;
      for (const key of ['recall_at_k', 'ndcg_at_k', 'coverage', 'train_seconds', 'p99_ms_per_recommendation', 'validation_recall_at_k']) assert.equal(typeof m[key], 'number', `${name}.${key}`);
    }
    assert.ok((out.ease as Record<string, number>).lambda! > 0);
  });

  it('--algorithm item-knn skips the selection and reports that model and the baseline', async () => {
    const r = await run(['--interactions', 'log.csv', '--algorithm', 'item-knn', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    assert.equal(out.served, 'item-knn');
    assert.ok(out['item-knn'] && out.popularity && !out.ease);
  });

  it('prints a table by default', async () => {
    const r = await run(['--interactions', 'log.csv']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /popularity +item-knn +ease/);
    assert.match(r.stdout, /\(served\)/);
    assert.match(r.stdout, /recall@10 .*%.*%.*%/);
    assert.match(r.stdout, /served +(popularity|item-knn|ease) \(best recall@10 on the validation split/);
    assert.match(r.stdout, /ndcg@10/);
    assert.match(r.stdout, /p99 [\d.]+ ms/);
  });

  it('exits 2 with line numbers for bad rows, a missing file or a missing option', async () => {
    writeFileSync(join(dir, 'bad.csv'), 'user,item,timestamp\nu,i,1\nu,,2\n');
    const bad = await run(['--interactions', 'bad.csv']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /bad\.csv:3: item is empty/);
    assert.equal((await run(['--interactions', 'missing.csv'])).code, 2);
    assert.equal((await run([])).code, 2);
    assert.equal((await run(['--interactions', 'log.csv', '--k', '0'])).code, 2);
  });
});
