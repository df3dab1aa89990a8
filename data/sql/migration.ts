/**
 * One versioned schema change. Each engine keeps its own SQL (data/sqlite/migrations/,
 * data/postgres/migrations/) under the same versions and names; a test checks they match.
 * Append new migrations; never edit one that has shipped.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}
