import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { startWebServer } from '../../adapters/web/server.js';
import { loadConfig } from '../../bot/config.js';
import { createProcessLog } from '../../bot/log.js';
import { ServerProcess } from '../helpers/server-process.js';

/** A stream that keeps what is written, optionally pretending to be a terminal. */
function sink(isTTY = false): Writable & { text: () => string; isTTY: boolean } {
  const chunks: string[] = [];
  const w = new Writable({ write(c, _e, done) { chunks.push(String(c)); done(); } }) as Writable & { text: () => string; isTTY: boolean };
  w.text = () => chunks.join('');
  w.isTTY = isTTY;
  return w;
}

const PII = 'write to ana.lee@example.com or call +1 (555) 123-4567';

describe('process log: JSON lines through pino, PII masked', () => {
  it('json: one object per line with time, level, msg; emails and phones masked, also from Fastify\'s child logger and errors', () => {
    const out = sink();
    const log = createProcessLog({ format: 'json', out });
    log(`notice: ${PII}`);
    log.warn('web.publicUrl is unset');
    log.pino.child({ component: 'web' }).warn(`socket error from ${PII}`);
    log.pino.child({ component: 'web' }).error(new Error(`failed for ana.lee@example.com`));
    const lines = out.text().trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(lines.length, 4);
    assert.deepEqual(lines.map((l) => l.level), ['info', 'warn', 'warn', 'error']);
    assert.equal(lines[0]!.msg, 'notice: write to a***@example.com or call [phone ***67]');
    assert.equal(lines[2]!.component, 'web');
    assert.ok(lines.every((l) => typeof l.time === 'string' && l.name === 'crossfeed' && typeof l.pid === 'number'));
    assert.doesNotMatch(out.text(), /ana\.lee@|123-4567/);
  });

  it('text: "crossfeed: ..." lines for a person, level shown when not info; auto picks text on a terminal, json otherwise', () => {
    const out = sink();
    const log = createProcessLog({ format: 'text', out });
    log(`notice: ${PII}`);
    log.pino.child({ component: 'web' }).warn('slow client');
    assert.equal(out.text(), 'crossfeed: notice: write to a***@example.com or call [phone ***67]\ncrossfeed: [warn] web: slow client\n');
    assert.equal(createProcessLog({ out: sink(true) }).format, 'text');
    assert.equal(createProcessLog({ out: sink(false) }).format, 'json');
  });

  it('the web server logs through it: no line per request, a failing request as one masked error line without its query', async () => {
    const out = sink();
    const log = createProcessLog({ format: 'json', out });
    const web = await startWebServer({
      host: '127.0.0.1', port: 0, allowedOrigins: [], maxConnectionsPerIp: 10, logger: log.pino,
      bot: () => { throw new Error('bot failed for ana.lee@example.com'); },
    });
    try {
      assert.equal((await fetch(`${web.url}/widget/settings.json?email=ana.lee@example.com`)).status, 200);
      assert.equal((await fetch(`${web.url}/healthz?email=ana.lee@example.com`)).status, 500);
    } finally {
      await web.close();
    }
    const lines = out.text().trimEnd().split('\n').map((l) => JSON.parse(l) as { level: string; component?: string; msg: string; req?: { path: string }; err?: { message: string } });
    assert.ok(!lines.some((l) => /incoming request|request completed/.test(l.msg)), out.text());
    const errors = lines.filter((l) => l.level === 'error');
    assert.equal(errors.length, 1, out.text());
    assert.equal(errors[0]!.component, 'web');
    assert.equal(errors[0]!.err?.message, 'bot failed for a***@example.com');
    assert.deepEqual(errors[0]!.req, { method: 'GET', path: '/healthz' });
    assert.doesNotMatch(out.text(), /ana\.lee@|remoteAddress|email=/);
  });

  it('log.format is validated, and CROSSFEED_LOG_FORMAT sets it', () => {
    assert.equal(loadConfig({ env: { CROSSFEED_LOG_FORMAT: 'text' }, cwd: tmpdir() }).log.format, 'text');
    assert.equal(loadConfig({ env: {}, cwd: tmpdir() }).log.format, 'auto');
    assert.throws(() => loadConfig({ env: { CROSSFEED_LOG_FORMAT: 'xml' }, cwd: tmpdir() }), /log\.format/);
  });

  it('a running `crossfeed start` (stdout piped) writes only JSON lines, masked', async function () {
    this.timeout(120_000);
    const dir = mkdtempSync(join(tmpdir(), 'cf-log-'));
    // The database path is logged at start: a name with an email in it shows the masking in the real process.
    const p = await ServerProcess.start({ CROSSFEED_DB: join(dir, 'ana.lee@example.com.db') });
    try {
      const deadline = Date.now() + 60_000;
      while (!/ready in \d+ ms/.test(p.output.join(''))) {
        if (Date.now() > deadline) assert.fail(p.output.join(''));
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      await p.stop();
      rmSync(dir, { recursive: true, force: true });
    }
    const out = p.output.join('');
    const lines = out.trimEnd().split('\n').map((l) => {
      try { return JSON.parse(l) as { level: string; msg: string }; } catch { return assert.fail(`not a JSON line: ${l}\n${out}`); }
    });
    assert.ok(lines.some((l) => l.level === 'info' && /^opening database .*a\*\*\*@example\.com\.db$/.test(l.msg)), out);
    assert.ok(lines.some((l) => /^stopped in \d+ ms$/.test(l.msg)), out);
    assert.doesNotMatch(out, /ana\.lee@/);
  });
});
