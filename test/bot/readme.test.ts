import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { buildProgram } from '../../bot/app/cli.js';
import { configSchema } from '../../bot/config.js';
import { packageRoot } from '../../data/paths.js';

/** zod 4's definition of a schema (the part this walk reads). */
interface Def { type: string; shape?: Record<string, unknown>; innerType?: unknown; in?: unknown; element?: unknown; options?: unknown[] }
const defOf = (s: unknown): Def => (s as { _zod: { def: Def } })._zod.def;

/**
 * Every configuration key: objects are walked, a list of objects gives `key[].field`, records
 * (per-channel and per-partner maps, currency rates) are one key each.
 */
export function configKeys(schema: unknown = configSchema, prefix = ''): string[] {
  let def = defOf(schema);
  while (def.innerType || def.in) def = defOf(def.innerType ?? def.in);
  if (def.type === 'object' && def.shape) {
    return Object.entries(def.shape).flatMap(([k, v]) => configKeys(v, prefix ? `${prefix}.${k}` : k));
  }
  if (def.type === 'array') {
    const element = defOf(def.element);
    const objects = element.type === 'union' ? (element.options ?? []).filter((o) => defOf(o).type === 'object') : element.type === 'object' ? [def.element] : [];
    return [prefix, ...objects.flatMap((o) => configKeys(o, `${prefix}[]`))];
  }
  return [prefix];
}

/** The text of the README section under `## <title>`, up to the next `## ` heading. */
function section(readme: string, title: string): string {
  const start = readme.indexOf(`\n## ${title}\n`);
  assert.ok(start >= 0, `README has a "## ${title}" section`);
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end < 0 ? undefined : end);
}

/** The first cell of every table row in `text`. */
const firstCells = (text: string): string[] => text.split('\n').filter((l) => l.startsWith('|') && !/^\|\s*-/.test(l)).map((l) => l.split(/(?<!\\)\|/)[1]?.trim() ?? '');

/** Full command paths (`points grant`), leaves only. */
function commandPaths(c: Command, prefix = ''): string[] {
  return c.commands.flatMap((sub) => {
    const path = prefix ? `${prefix} ${sub.name()}` : sub.name();
    return sub.commands.length ? commandPaths(sub, path) : [path];
  });
}

describe('README: the manual matches the code', () => {
  const readme = readFileSync(join(packageRoot, 'README.md'), 'utf8');

  it('every configuration key in the schema is in the Configuration table', () => {
    const keys = configKeys();
    assert.ok(keys.includes('web.publicUrl') && keys.includes('twitch.channels[].promotions') && keys.length > 40, keys.join(' '));
    const cells = firstCells(section(readme, 'Configuration')).join('\n');
    const missing = keys.filter((k) => !cells.includes(`\`${k}\``));
    assert.deepEqual(missing, [], `keys missing from the README's configuration table: ${missing.join(', ')}`);
  });

  it('every command of `crossfeed --help` is in the Command line table', () => {
    const paths = commandPaths(buildProgram(() => undefined));
    assert.ok(paths.includes('points grant') && paths.includes('backup') && paths.includes('start'), paths.join(', '));
    const cells = firstCells(section(readme, 'Command line'));
    const missing = paths.filter((p) => !cells.some((c) => c.includes(`\`crossfeed ${p}`) && new RegExp(`\`crossfeed ${p}(\`| )`).test(c)));
    assert.deepEqual(missing, [], `commands missing from the README's command table: ${missing.join(', ')}`);
  });
});
