import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { mkdirSync } from 'node:fs';
import { Database } from '../../../data/sqlite/database.js';
import { loadConfig } from '../../config.js';
import { describeDatabase } from '../store.js';

/**
 * `crossfeed backup <file>`: a consistent copy of the database, safe while the bot runs.
 * SQLite's `VACUUM INTO` reads one snapshot (a read transaction, so writers in other processes
 * carry on) and writes a compact, self-contained file (no -wal). The copy is written beside the
 * target under a temporary name, checked with `PRAGMA integrity_check`, then renamed into place,
 * so `<file>` is either a whole good backup or absent. Exit code: 0 written, 1 failed.
 */
export async function runBackup(o: { config?: string; force?: boolean }, file: string): Promise<number> {
  const config = loadConfig(o.config ? { file: o.config } : {});
  if (config.database.url) {
    process.stderr.write(`crossfeed: backup copies a SQLite database; for PostgreSQL (${describeDatabase(config.database)}) use pg_dump (README, Backups)\n`);
    return 1;
  }
  const source = config.database.path;
  if (source === ':memory:') {
    process.stderr.write('crossfeed: database.path is :memory:; there is nothing on disk to back up\n');
    return 1;
  }
  if (!existsSync(source)) {
    process.stderr.write(`crossfeed: no database at ${resolve(source)} (database.path); nothing to back up\n`);
    return 1;
  }
  const target = resolve(file);
  if (resolve(source) === target) {
    process.stderr.write('crossfeed: the backup file is the database itself; pick another path\n');
    return 1;
  }
  if (existsSync(target) && !o.force) {
    process.stderr.write(`crossfeed: ${target} exists; pass --force to replace it\n`);
    return 1;
  }
  mkdirSync(dirname(target), { recursive: true });
  const partial = `${target}.partial-${process.pid}`;
  rmSync(partial, { force: true });
  const t0 = performance.now();
  const db = await Database.open(source);
  try {
    await db.run('VACUUM INTO ?', [partial]);
  } catch (err) {
    rmSync(partial, { force: true });
    process.stderr.write(`crossfeed: backup failed: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  } finally {
    await db.close();
  }
  const copy = await Database.open(partial);
  let check: string;
  let tables: number;
  try {
    check = (await copy.get<{ integrity_check: string }>('PRAGMA integrity_check'))?.integrity_check ?? 'no answer';
    tables = (await copy.get<{ n: number }>("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'"))?.n ?? 0;
    // The copy is opened in WAL mode like any crossfeed database; fold that back so the file stands alone.
    await copy.exec('PRAGMA journal_mode = DELETE');
  } finally {
    await copy.close();
  }
  if (check !== 'ok') {
    rmSync(partial, { force: true });
    process.stderr.write(`crossfeed: the copy failed its integrity check (${check}); nothing written\n`);
    return 1;
  }
  renameSync(partial, target);
  const bytes = statSync(target).size;
  process.stdout.write(`backed up ${resolve(source)} to ${target}: ${tables} tables, ${(bytes / 1024).toFixed(0)} KiB, integrity ok, ${Math.round(performance.now() - t0)} ms\n`);
  return 0;
}
