import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../bot/config.js';

describe('bot/config', () => {
  let dir: string;
  beforeEach(() => void (dir = mkdtempSync(join(tmpdir(), 'crossfeed-cfg-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('runs on embedded defaults with no file and no environment', () => {
    const c = loadConfig({ env: {}, cwd: dir });
    assert.equal(c.web.port, 8080);
    assert.equal(c.web.host, '127.0.0.1');
    assert.equal(c.database.path, join(dir, 'var', 'crossfeed.db'));
    assert.match(c.models.dir, /data\/models$/);
  });

  it('reads the YAML file and lets the environment win', () => {
    writeFileSync(join(dir, 'crossfeed.config.yaml'), 'web:\n  port: 9000\n  host: 0.0.0.0\ndatabase:\n  path: /tmp/x.db\n');
    const c = loadConfig({ env: { PORT: '9100' }, cwd: dir });
    assert.deepEqual([c.web.port, c.web.host, c.database.path], [9100, '0.0.0.0', '/tmp/x.db']);
  });

  it('switches the NLU batch worker from the environment, off by default, and refuses a non-boolean', () => {
    assert.equal(loadConfig({ env: {}, cwd: dir }).nlu.batchWorker, false);
    assert.equal(loadConfig({ env: { CROSSFEED_NLU_WORKER: '1' }, cwd: dir }).nlu.batchWorker, true);
    assert.equal(loadConfig({ env: { CROSSFEED_NLU_WORKER: 'off' }, cwd: dir }).nlu.batchWorker, false);
    assert.throws(() => loadConfig({ env: { CROSSFEED_NLU_WORKER: 'sometimes' }, cwd: dir }), (e: unknown) => e instanceof ConfigError && /nlu\.batchWorker/.test(e.message));
  });

  it('names the key, what was expected and where the value came from', () => {
    writeFileSync(join(dir, 'crossfeed.config.yaml'), 'web:\n  prot: 9000\nbot:\n  unaddressedMinConfidence: 3\n');
    const err = (() => { try { loadConfig({ env: { PORT: 'eighty' }, cwd: dir }); } catch (e) { return e; } })();
    assert.ok(err instanceof ConfigError);
    const text = err.problems.join('\n');
    assert.match(text, /web\.port: .*number.*environment variable PORT/);
    assert.match(text, /web: .*prot/);
    assert.match(text, /bot\.unaddressedMinConfidence: .*(<=|too big|1)/);
  });

  it('reports unreadable YAML and a missing explicit file', () => {
    writeFileSync(join(dir, 'bad.yaml'), 'web: [unclosed');
    assert.throws(() => loadConfig({ env: {}, cwd: dir, file: 'bad.yaml' }), /not valid YAML/);
    assert.throws(() => loadConfig({ env: {}, cwd: dir, file: 'missing.yaml' }), /does not exist/);
  });
});
