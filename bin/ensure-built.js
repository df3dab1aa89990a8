#!/usr/bin/env node
// `npm start` and `npm run demo` run the compiled program in dist/ (built by `npm install`'s
// `prepare`). In a source checkout this compiles first only when a .ts file is newer than the
// last build, so an edited checkout never runs stale code and an unchanged one starts at once.
// bin/crossfeed.js calls ensureBuilt() when npm runs it as `start` or `demo`; `node
// bin/ensure-built.js` does the same check on its own.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const tsconfig = join(root, 'tsconfig.json');

const SOURCE_DIRS = ['bot', 'nlp', 'recommender', 'adapters', 'data', 'test'];
const SKIP = new Set(['node_modules', 'dist', 'public', 'models', '.git']);

/** The newest modification time of any .ts file under `dir` (0 when none). */
function newestSource(dir) {
  let newest = 0;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    if (e.isDirectory()) {
      if (!SKIP.has(e.name)) newest = Math.max(newest, newestSource(join(dir, e.name)));
    } else if (e.name.endsWith('.ts')) {
      newest = Math.max(newest, statSync(join(dir, e.name)).mtimeMs);
    }
  }
  return newest;
}

/** Compiles when sources are newer than dist/; returns false if that compile failed. */
export function ensureBuilt() {
  // An installed package (no TypeScript, no tsconfig) runs what it shipped.
  if (!existsSync(tsc) || !existsSync(tsconfig)) return true;
  const built = join(root, 'dist', 'bot', 'app', 'cli.js');
  const builtAt = existsSync(built) ? statSync(built).mtimeMs : 0;
  const sourcesAt = Math.max(statSync(tsconfig).mtimeMs, ...SOURCE_DIRS.map((d) => newestSource(join(root, d))));
  if (builtAt >= sourcesAt) return true;
  process.stderr.write(builtAt ? 'crossfeed: sources changed since the last build; compiling (npm run build)...\n' : 'crossfeed: compiling (npm run build)...\n');
  const r = spawnSync(process.execPath, [tsc, '-p', tsconfig], { cwd: root, stdio: 'inherit' });
  return r.status === 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) process.exit(ensureBuilt() ? 0 : 1);
