import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

function sources(dir: string): string[] {
  return readdirSync(join(root, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(root, path)).isDirectory()) return name === 'public' || name === 'models' ? [] : sources(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

/** Every relative import of a source file, as a path from the repository root. */
function imports(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  return [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map((m) => relative(root, resolve(join(root, dirname(file)), m[1]!)));
}

const CONCRETE_STORES = /^data\/(sqlite|postgres)\//;

describe('architecture: one composition root (bot/app/)', () => {
  const production = ['bot', 'adapters', 'nlp', 'recommender', 'data'].flatMap(sources);

  it('only bot/app/ names a concrete store (outside the stores themselves)', () => {
    const offenders = production
      .filter((f) => !f.startsWith('bot/app/') && !CONCRETE_STORES.test(f))
      .filter((f) => imports(f).some((i) => CONCRETE_STORES.test(i)));
    assert.deepEqual(offenders, []);
  });

  it('only bot/app/ imports adapters/ from bot/', () => {
    const offenders = sources('bot').filter((f) => !f.startsWith('bot/app/')).filter((f) => imports(f).some((i) => i.startsWith('adapters/')));
    assert.deepEqual(offenders, []);
  });

  it('imports never flow backwards (nlp, recommender and data import no bot/ or adapters/)', () => {
    const offenders = production
      .filter((f) => /^(nlp|recommender|data)\//.test(f))
      .flatMap((f) => imports(f).filter((i) => /^(bot|adapters)\//.test(i)).map((i) => `${f} -> ${i}`));
    assert.deepEqual(offenders, []);
  });
});
