import { postgresDialect } from '../database.js';

/** Column default: the current time as the same ISO-8601 TEXT SQLite writes. */
export const NOW = `(${postgresDialect.now})`;

/**
 * Column types as SQLite has them: TEXT compares byte by byte (the "C" collation, whatever the
 * database's default), INTEGER is 64-bit. Applied to each PostgreSQL migration's SQL.
 */
export function pgSchema(sql: string): string {
  return sql.replace(/\bTEXT\b(?! COLLATE)/g, 'TEXT COLLATE "C"').replace(/\bINTEGER\b/g, 'BIGINT');
}
