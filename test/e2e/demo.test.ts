import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { demoChat } from '../../bot/demo-viewers.js';
import { cleanEnv } from '../helpers/cli.js';
import { CLI } from '../helpers/server-process.js';

const exec = promisify(execFile);

describe('crossfeed demo', function () {
  this.timeout(120_000);

  it('varied simulated viewers: many names, badges, noise and requests, the same for the same seed', () => {
    const a = demoChat(7);
    const lines = Array.from({ length: 300 }, () => a());
    assert.ok(new Set(lines.map((l) => l.viewer.login)).size >= 15, 'many different viewers');
    assert.ok(lines.some((l) => l.viewer.badges.moderator) && lines.some((l) => l.viewer.badges.subscriber));
    const requests = lines.filter((l) => /crossfeed_demo|^!|course|课/.test(l.text)).length;
    assert.ok(requests > 20 && requests < 150, `mostly noise with requests mixed in (${requests} of 300)`);
    assert.ok(lines.some((l) => /[\u4e00-\u9fff]/.test(l.text)), 'Chinese chat too');
    const b = demoChat(7);
    assert.deepEqual(Array.from({ length: 300 }, () => b()), lines);
  });

  it('shows noise dimmed, answered questions bright with their answer, and ends with a summary', async () => {
    const { stdout } = await exec(process.execPath, [CLI, 'demo', '--seconds', '6', '--rate', '4'], { env: { ...cleanEnv(), FORCE_COLOR: '1' } });
    assert.match(stdout, /ready in \d+(\.\d)? s/);
    const dim = stdout.split('\n').filter((l) => l.startsWith('\x1b[2m#'));
    assert.ok(dim.length >= 10, `viewer lines are dimmed:\n${stdout}`);
    assert.match(stdout, /\x1b\[32m↳ crossfeed_demo: @\w+/, 'an answer, threaded to the asker');
    assert.match(stdout, /summary/);
    const total = Number(/(\d+) messages from (\d+) viewers/.exec(stdout)?.[1]);
    const answered = Number(/(\d+) answered/.exec(stdout)?.[1]);
    assert.ok(total >= 10 && answered >= 1 && answered < total, stdout.slice(-600));
    assert.match(stdout, /Twitch rule violations: 0/);
  });
});
