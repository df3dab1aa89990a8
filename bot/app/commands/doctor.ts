import { ConfigError, loadConfig } from '../../config.js';
import { checkDatabase, checkModels, checkPlatforms, checkPort, checkRedis, type CheckResult } from '../doctor-checks.js';

const MARK = { ok: 'ok  ', warn: 'warn', fail: 'FAIL' } as const;

/**
 * `crossfeed doctor`: checks the configuration, the database, Redis, the models and the platform
 * settings, and says what is wrong. Exit code 1 when anything fails (warnings do not).
 */
export async function runDoctor(o: { config?: string }): Promise<number> {
  let config;
  try {
    config = loadConfig(o.config ? { file: o.config } : {});
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    print({ name: 'config', status: 'fail', detail: err.message });
    return 1;
  }
  print({ name: 'config', status: 'ok', detail: 'valid' });
  const results: CheckResult[] = [];
  // One at a time, so each line appears as soon as its check is done.
  for (const check of [checkDatabase, checkRedis, checkModels, checkPort]) {
    const r = await check(config);
    results.push(r);
    print(r);
  }
  for (const r of checkPlatforms(config)) {
    results.push(r);
    print(r);
  }
  const failed = results.filter((r) => r.status === 'fail').length;
  const warned = results.filter((r) => r.status === 'warn').length;
  process.stdout.write(failed ? `${failed} problem${failed > 1 ? 's' : ''} found\n` : `all good${warned ? ` (${warned} warning${warned > 1 ? 's' : ''})` : ''}\n`);
  return failed ? 1 : 0;
}

function print(r: CheckResult) {
  process.stdout.write(`${MARK[r.status]}  ${r.name.padEnd(13)} ${r.detail}\n`);
}
