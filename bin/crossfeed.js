#!/usr/bin/env node
// Thin launcher: the command line lives in bot/app/cli.ts, compiled to dist/ by `npm install` (prepare).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// `npm start` / `npm run demo` in a source checkout: compile first if a .ts file changed (no tsc otherwise).
if (process.env.npm_lifecycle_event === 'start' || process.env.npm_lifecycle_event === 'demo') {
  const { ensureBuilt } = await import('./ensure-built.js');
  if (!ensureBuilt()) process.exit(1);
}
const entry = join(root, 'dist', 'bot', 'app', 'cli.js');
if (!existsSync(entry)) {
  console.error('crossfeed is not built yet: run `npm install` (or `npm run build`) in ' + root);
  process.exit(1);
}
const { main } = await import(entry);
process.exitCode = await main(process.argv);
