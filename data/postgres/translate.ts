/**
 * The one construct the shared SQL (data/sql/) writes differently from what PostgreSQL accepts:
 * `?` placeholders become `$1`, `$2`, ... Quoted strings, quoted identifiers and comments are
 * copied as they are. Everything else that differs goes through the Dialect (data/sql/sql-database.ts).
 */
const cache = new Map<string, string>();

export function translate(sql: string): string {
  const known = cache.get(sql);
  if (known !== undefined) return known;
  let out = '';
  let n = 0;
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i]!;
    if (c === "'" || c === '"') {
      const end = closing(sql, i, c);
      out += sql.slice(i, end + 1);
      i = end;
    } else if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      const stop = end === -1 ? sql.length : end;
      out += sql.slice(i, stop);
      i = stop - 1;
    } else if (c === '?') {
      out += `$${++n}`;
    } else {
      out += c;
    }
  }
  if (cache.size < 5000) cache.set(sql, out);
  return out;
}

/** Index of the quote that closes the one at `start` (a doubled quote stays inside). */
function closing(sql: string, start: number, quote: string): number {
  for (let i = start + 1; i < sql.length; i++) {
    if (sql[i] !== quote) continue;
    if (sql[i + 1] === quote) i++;
    else return i;
  }
  return sql.length - 1;
}
