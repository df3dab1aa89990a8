import pg from 'pg';
import type { Dialect, Row, SqlDatabase, SqlRunner, SqlValue } from '../sql/sql-database.js';
import { translate } from './translate.js';

export const postgresDialect: Dialect = {
  name: 'postgres',
  // statement_timestamp(): like SQLite's 'now', one value for the whole statement.
  now: `to_char(statement_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`,
  stringAgg: 'string_agg',
  chr: (code) => `chr(${code})`,
  couponCodeOrder: 'seq',
};

/** SQLSTATEs after which the whole transaction may simply run again. */
const RETRYABLE = new Set(['40001', '40P01']);
/** How often a transaction runs before its serialization failure is given up and thrown. */
const MAX_ATTEMPTS = 40;
/** After this many failures a transaction runs again only while holding CONTENDED (below). */
const ESCALATE_AFTER = 3;
/**
 * A session advisory lock that transactions which keep losing races take before they begin, so
 * they run one at a time (across processes) and stop aborting each other: under heavy contention
 * on one row (a hot coupon, one campaign's budget) every transaction still gets through.
 */
const CONTENDED = 'crossfeed:contended-transaction';

/** int8 (count, sum of integers, ids) and numeric (sum of int8) as JS numbers, for this pool only. */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === 20 || oid === 1700 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

export interface PostgresOptions {
  /** The server in words safe for logs (the URL without its password). */
  label?: string;
  /** Pool size; 10 by default. */
  max?: number;
}

/**
 * A PostgreSQL database behind the same `SqlDatabase` as SQLite: a pool of connections, SQL
 * translated from `?` placeholders, SERIALIZABLE transactions retried on serialization failures
 * (docs/storage.md). A dropped connection fails the statement that needed it with a clear error;
 * the pool opens new connections when the server is back.
 */
export class PgDatabase implements SqlDatabase {
  readonly dialect = postgresDialect;

  private constructor(private readonly pool: pg.Pool, readonly label: string) {
    // A connection the server dropped emits 'error': on the pool while idle (the pool discards
    // it), on the client while checked out (its statement rejects too). Unheard, either would end
    // the process; the next statement gets a fresh connection once the server is back.
    pool.on('error', () => undefined);
    pool.on('connect', (client) => client.on('error', () => undefined));
  }

  static async open(url: string, o: PostgresOptions = {}): Promise<PgDatabase> {
    const pool = new pg.Pool({ connectionString: url, max: o.max ?? 10, connectionTimeoutMillis: 10_000, idleTimeoutMillis: 30_000, types });
    const db = new PgDatabase(pool, o.label ?? url);
    try {
      await pool.query('SELECT 1');
    } catch (err) {
      await pool.end().catch(() => undefined);
      throw new Error(`cannot reach PostgreSQL at ${db.label}: ${errorText(err)}`, { cause: err });
    }
    return db;
  }

  run(sql: string, params: readonly SqlValue[] = []) {
    return this.guard(() => runOn(this.pool, sql, params));
  }
  insertId(sql: string, params: readonly SqlValue[] = []) {
    return this.guard(() => insertIdOn(this.pool, sql, params));
  }
  get<T = Row>(sql: string, params: readonly SqlValue[] = []) {
    return this.guard(async () => (await queryOn<T>(this.pool, sql, params))[0]);
  }
  all<T = Row>(sql: string, params: readonly SqlValue[] = []) {
    return this.guard(() => queryOn<T>(this.pool, sql, params));
  }
  exec(sql: string) {
    return this.guard(async () => void (await this.pool.query(sql)));
  }

  /**
   * SERIALIZABLE: PostgreSQL aborts a transaction whose reads and writes could not have happened
   * had it run alone (40001), or that deadlocked (40P01); it then runs again after a short random
   * wait, up to MAX_ATTEMPTS times; from the fourth run on it waits for CONTENDED first. `fn` must
   * have no effects outside the transaction.
   */
  transaction<T>(fn: (tx: SqlRunner) => Promise<T>): Promise<T> {
    return this.guard(async () => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await this.once('BEGIN ISOLATION LEVEL SERIALIZABLE', fn, attempt > ESCALATE_AFTER ? CONTENDED : undefined);
        } catch (err) {
          if (!RETRYABLE.has(sqlState(err)) || attempt >= MAX_ATTEMPTS) throw err;
          // Full jitter, growing to at most 100 ms, so racing transactions spread out.
          await new Promise((r) => setTimeout(r, Math.random() * Math.min(100, 2 ** attempt)));
        }
      }
    });
  }

  /**
   * One READ COMMITTED transaction holding a transaction-scoped advisory lock: every process that
   * asks for the same `key` waits for the holder to commit, then sees what it wrote (migrations).
   */
  exclusive<T>(key: string, fn: (tx: SqlRunner) => Promise<T>): Promise<T> {
    return this.guard(() =>
      this.once('BEGIN', async (tx) => {
        await tx.run('SELECT pg_advisory_xact_lock(hashtext(?))', [key]);
        return fn(tx);
      }));
  }

  close(): Promise<void> {
    return this.pool.end();
  }

  /** One run of `fn` in a transaction; with `lockKey`, holding that session advisory lock from before BEGIN (so the snapshot comes after it). */
  private async once<T>(begin: string, fn: (tx: SqlRunner) => Promise<T>, lockKey?: string): Promise<T> {
    const client = await this.pool.connect();
    const tx = new TransactionRunner(client);
    let broken: unknown;
    let locked = false;
    try {
      if (lockKey) {
        await client.query('SELECT pg_advisory_lock(hashtext($1))', [lockKey]);
        locked = true;
      }
      await client.query(begin);
      const value = await fn(tx);
      await client.query('COMMIT');
      return value;
    } catch (err) {
      await client.query('ROLLBACK').catch((e: unknown) => (broken = e));
      throw err;
    } finally {
      tx.close();
      if (locked && !broken) await client.query('SELECT pg_advisory_unlock(hashtext($1))', [lockKey]).catch((e: unknown) => (broken = e));
      // A connection that failed even to roll back is gone: do not hand it out again.
      client.release(broken instanceof Error ? broken : undefined);
    }
  }

  /** Connection failures become one clear error naming the server (without its password). */
  private async guard<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (isConnectionError(err)) throw new Error(`PostgreSQL at ${this.label} is unreachable: ${errorText(err)}`, { cause: err });
      throw err;
    }
  }
}

class TransactionRunner implements SqlRunner {
  readonly dialect = postgresDialect;
  private open = true;
  constructor(private readonly client: pg.PoolClient) {}
  private check() {
    if (!this.open) throw new Error('transaction handle used after its transaction ended');
  }
  run(sql: string, params: readonly SqlValue[] = []) {
    this.check();
    return runOn(this.client, sql, params);
  }
  insertId(sql: string, params: readonly SqlValue[] = []) {
    this.check();
    return insertIdOn(this.client, sql, params);
  }
  async get<T = Row>(sql: string, params: readonly SqlValue[] = []) {
    this.check();
    return (await queryOn<T>(this.client, sql, params))[0];
  }
  all<T = Row>(sql: string, params: readonly SqlValue[] = []) {
    this.check();
    return queryOn<T>(this.client, sql, params);
  }
  async exec(sql: string) {
    this.check();
    await this.client.query(sql);
  }
  close() {
    this.open = false;
  }
}

type Queryable = pg.Pool | pg.PoolClient;

async function runOn(q: Queryable, sql: string, params: readonly SqlValue[]) {
  const r = await q.query(translate(sql), params as unknown[]);
  return { changes: r.rowCount ?? 0 };
}

async function insertIdOn(q: Queryable, sql: string, params: readonly SqlValue[]): Promise<number> {
  const r = await q.query<{ id: number }>(`${translate(sql)} RETURNING id`, params as unknown[]);
  return r.rows[0]!.id;
}

async function queryOn<T>(q: Queryable, sql: string, params: readonly SqlValue[]): Promise<T[]> {
  return (await q.query(translate(sql), params as unknown[])).rows as T[];
}

function sqlState(err: unknown): string {
  return typeof err === 'object' && err !== null && typeof (err as { code?: unknown }).code === 'string' ? (err as { code: string }).code : '';
}

/** Network errors, the server shutting down (57P0x) or refusing connections (08xxx). */
export function isConnectionError(err: unknown): boolean {
  const code = sqlState(err);
  if (/^(08|57P0)/.test(code) || ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH', 'EPIPE'].includes(code)) return true;
  return /Connection terminated|connection timeout|Client has encountered a connection error/i.test(String(err));
}

function errorText(err: unknown): string {
  if (err instanceof AggregateError && err.errors.length) return errorText(err.errors[0]);
  return err instanceof Error ? err.message || String((err as { code?: string }).code ?? err) : String(err);
}
