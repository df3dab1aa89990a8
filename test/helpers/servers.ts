import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * Real PostgreSQL and Redis for tests (never mocks). `.ci/run` installs and starts both on loopback;
 * elsewhere set CROSSFEED_TEST_DATABASE_URL / CROSSFEED_TEST_REDIS_URL, or run them locally with
 * the defaults below (README, "Running the tests").
 */
export const TEST_DATABASE_URL = process.env.CROSSFEED_TEST_DATABASE_URL || 'postgres://postgres:postgres@127.0.0.1:5432/postgres';
export const TEST_REDIS_URL = process.env.CROSSFEED_TEST_REDIS_URL || 'redis://127.0.0.1:6379';

/** A fresh, empty PostgreSQL database for one test file; `drop()` removes it. */
export async function freshDatabase(): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const name = `cf_test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  try {
    await admin.connect();
  } catch (err) {
    throw new Error(`PostgreSQL for the tests is not reachable at ${TEST_DATABASE_URL.replace(/:[^:@/]*@/, ':***@')} (${String(err)}); start it or set CROSSFEED_TEST_DATABASE_URL`);
  }
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(TEST_DATABASE_URL);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    name,
    async drop() {
      const c = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/** A key prefix no other test uses, so tests can share one Redis server. */
export function redisPrefix(label = 'test'): string {
  return `cf-${label}-${randomBytes(4).toString('hex')}:`;
}
