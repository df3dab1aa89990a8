import sqlite3 from 'sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

import type { Dialect, Row, SqlDatabase, SqlRunner, SqlValue } from '../sql/sql-database.js';

export type { Row, SqlRunner, SqlValue } from '../sql/sql-database.js';

export const sqliteDialect: Dialect = {
  name: 'sqlite',
  now: "strftime('%Y-%m-%dT%H:%M:%fZ','now')",
  stringAgg: 'group_concat',
  chr: (code) => `char(${code})`,
  couponCodeOrder: 'rowid',
};

/**
 * One sqlite3 connection behind a FIFO lock. sqlite3 runs every statement of a connection in the
 * same transaction scope, so without the lock an `await` inside one caller's transaction would let
 * another caller's statements slip into it. Every statement outside a transaction also takes the
 * lock, briefly, so nothing interleaves with an open transaction.
 */
export class Database implements SqlDatabase {
  readonly dialect = sqliteDialect;
  private tail: Promise<void> = Promise.resolve();

  private constructor(private readonly db: sqlite3.Database, readonly path: string) {}

  static async open(path: string): Promise<Database> {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const raw = await new Promise<sqlite3.Database>((resolve, reject) => {
      const db = new sqlite3.Database(path, (err) => (err ? reject(err) : resolve(db)));
    });
    const database = new Database(raw, path);
    // busy_timeout first: switching to WAL needs a lock another process may hold for a moment.
    await database.exec('PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;');
    return database;
  }

  /** Serializes `fn` after every earlier holder of the lock. */
  private locked<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(fn);
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  run(sql: string, params: readonly SqlValue[] = []) {
    return this.locked(() => rawRun(this.db, sql, params));
  }
  async insertId(sql: string, params: readonly SqlValue[] = []) {
    return (await this.run(sql, params)).lastID;
  }
  get<T = Row>(sql: string, params: readonly SqlValue[] = []) {
    return this.locked(() => rawGet<T>(this.db, sql, params));
  }
  all<T = Row>(sql: string, params: readonly SqlValue[] = []) {
    return this.locked(() => rawAll<T>(this.db, sql, params));
  }
  exec(sql: string) {
    return this.locked(() => rawExec(this.db, sql));
  }

  /**
   * Runs `fn` inside BEGIN IMMEDIATE ... COMMIT, rolling back if it throws. Statements must go
   * through the handle `fn` receives; the database itself stays locked until the transaction ends.
   */
  transaction<T>(fn: (tx: SqlRunner) => Promise<T>): Promise<T> {
    return this.locked(async () => {
      const tx = new TransactionRunner(this.db);
      await rawExec(this.db, 'BEGIN IMMEDIATE');
      try {
        const value = await fn(tx);
        await rawExec(this.db, 'COMMIT');
        return value;
      } catch (err) {
        await rawExec(this.db, 'ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        tx.close();
      }
    });
  }

  close(): Promise<void> {
    return this.locked(() => new Promise<void>((resolve, reject) => this.db.close((err) => (err ? reject(err) : resolve()))));
  }
}

class TransactionRunner implements SqlRunner {
  readonly dialect = sqliteDialect;
  private open = true;
  constructor(private readonly db: sqlite3.Database) {}
  private check() {
    if (!this.open) throw new Error('transaction handle used after its transaction ended');
  }
  run(sql: string, params: readonly SqlValue[] = []) {
    this.check();
    return rawRun(this.db, sql, params);
  }
  async insertId(sql: string, params: readonly SqlValue[] = []) {
    return (await this.run(sql, params)).lastID;
  }
  get<T = Row>(sql: string, params: readonly SqlValue[] = []) {
    this.check();
    return rawGet<T>(this.db, sql, params);
  }
  all<T = Row>(sql: string, params: readonly SqlValue[] = []) {
    this.check();
    return rawAll<T>(this.db, sql, params);
  }
  exec(sql: string) {
    this.check();
    return rawExec(this.db, sql);
  }
  close() {
    this.open = false;
  }
}

function rawRun(db: sqlite3.Database, sql: string, params: readonly SqlValue[]) {
  return new Promise<{ changes: number; lastID: number }>((resolve, reject) => {
    db.run(sql, params as SqlValue[], function (this: sqlite3.RunResult, err: Error | null) {
      if (err) reject(err);
      else resolve({ changes: this.changes, lastID: this.lastID });
    });
  });
}

function rawGet<T>(db: sqlite3.Database, sql: string, params: readonly SqlValue[]) {
  return new Promise<T | undefined>((resolve, reject) => {
    db.get(sql, params as SqlValue[], (err: Error | null, row: T | undefined) => (err ? reject(err) : resolve(row)));
  });
}

function rawAll<T>(db: sqlite3.Database, sql: string, params: readonly SqlValue[]) {
  return new Promise<T[]>((resolve, reject) => {
    db.all(sql, params as SqlValue[], (err: Error | null, rows: T[]) => (err ? reject(err) : resolve(rows)));
  });
}

function rawExec(db: sqlite3.Database, sql: string) {
  return new Promise<void>((resolve, reject) => db.exec(sql, (err) => (err ? reject(err) : resolve())));
}
