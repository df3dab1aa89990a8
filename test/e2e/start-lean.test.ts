import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { packageRoot } from '../../data/paths.js';
import { cleanEnv } from '../helpers/cli.js';
import { CLI } from '../helpers/server-process.js';

const exec = promisify(execFile);
const TRACE = join(packageRoot, 'test', 'helpers', 'module-trace.mjs');

describe('crossfeed start loads only what is switched on', function () {
  this.timeout(120_000);

  it('--version prints package.json\'s version; --help loads no platform library', async () => {
    const { version } = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string };
    assert.equal((await exec(process.execPath, [CLI, '--version'], { env: cleanEnv() })).stdout.trim(), version);
    const help = await exec(process.execPath, ['--import', TRACE, CLI, '--help'], { env: cleanEnv() });
    assert.match(help.stdout, /backup/);
    assert.doesNotMatch(help.stderr, /crossfeed-trace: loaded/);
  });

  it('with Twitch and Discord off, `crossfeed start` becomes ready without importing discord.js or tmi.js', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cf-lean-'));
    const child = spawn(process.execPath, ['--import', TRACE, CLI, 'start'], {
      cwd: dir, env: { ...cleanEnv(), PORT: '0', CROSSFEED_DB: join(dir, 'lean.db') }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += String(d)));
    child.stderr.on('data', (d) => (out += String(d)));
    try {
      const deadline = Date.now() + 60_000;
      while (!/ready in \d+ ms/.test(out)) {
        if (child.exitCode !== null || Date.now() > deadline) assert.fail(`not ready:\n${out}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.doesNotMatch(out, /crossfeed-trace: loaded/, out);
    } finally {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    }
    assert.match(out, /stopped in \d+ ms/);
  });
});
