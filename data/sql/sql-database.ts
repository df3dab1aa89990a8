/**
 * What the SQL repos in this folder need from a database, whichever engine runs it: SQLite
 * (data/sqlite/database.ts) or PostgreSQL (data/postgres/database.ts). The repos write SQL both
 * engines accept (`?` placeholders, ISO-8601 TEXT timestamps, ON CONFLICT, quoted camelCase
 * aliases); the few constructs that differ go through `Dialect`. docs/storage.md has the rules.
 */

export type SqlValue = string | number | bigint | null | Buffer;
export type Row = Record<string, unknown>;

/** The SQL fragments that differ between the engines. */
export interface Dialect {
  readonly name: 'sqlite' | 'postgres';
  /** The current time as ISO-8601 TEXT with milliseconds, `2026-01-02T03:04:05.678Z`. */
  readonly now: string;
  /** The aggregate joining strings with a separator: `${stringAgg}(x, sep ORDER BY y)`. */
  readonly stringAgg: string;
  /** The one-character string with this code point, as SQL. */
  chr(code: number): string;
  /** A column giving coupon_codes their insertion order (SQLite's rowid). */
  readonly couponCodeOrder: string;
}

/** Runs statements; both the database and a transaction handle implement it. */
export interface SqlRunner {
  readonly dialect: Dialect;
  run(sql: string, params?: readonly SqlValue[]): Promise<{ changes: number }>;
  /** Runs an INSERT into a table with an integer `id` key and answers the new row's id. */
  insertId(sql: string, params?: readonly SqlValue[]): Promise<number>;
  get<T = Row>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined>;
  all<T = Row>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  /** Runs one or more statements without parameters (schema changes). */
  exec(sql: string): Promise<void>;
}

/**
 * What SQL's lower() makes of a column value on both engines: ASCII letters only (SQLite's
 * lower(), and PostgreSQL's under the "C" collation every TEXT column has). Compare
 * `lower(column) = ?` with this applied to the parameter, never `lower(?)`: on PostgreSQL a
 * parameter has the database's default collation, whose lower() also folds 'É' to 'é', so a
 * name with a non-ASCII capital would never match its own row.
 */
export function asciiLower(text: string): string {
  return text.replace(/[A-Z]+/g, (s) => s.toLowerCase());
}

export interface SqlDatabase extends SqlRunner {
  /**
   * Runs `fn` as one transaction that behaves as if no other writer ran at the same time, in this
   * process or another: SQLite holds its write lock (BEGIN IMMEDIATE); PostgreSQL runs it
   * SERIALIZABLE and may run `fn` again after a serialization failure, so `fn` must have no
   * effects outside the transaction. Statements must go through the handle `fn` receives.
   */
  transaction<T>(fn: (tx: SqlRunner) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
