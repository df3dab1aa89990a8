import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { defaultModelDir } from '../data/paths.js';
import { DEFAULT_USD_RATES } from '../recommender/currency.js';

/**
 * One optional YAML file (crossfeed.config.yaml) plus environment variables. Environment wins
 * over the file; secrets only ever come from the environment. Everything is validated at start
 * and every error names the key, what was expected and where the value came from.
 */

const port = z.coerce.number().int().min(0).max(65535);

export const configSchema = z.object({
  web: z.object({
    enabled: z.boolean().default(true),
    port: port.default(8080),
    host: z.string().min(1).default('127.0.0.1'),
    /** Origins allowed to open the chat socket from an embedded widget; empty = same origin and localhost only. */
    allowedOrigins: z.array(z.string().url()).default([]),
    maxConnectionsPerIp: z.number().int().min(1).default(20),
  }).strict().prefault({}),
  database: z.object({
    path: z.string().min(1).default('var/crossfeed.db'),
  }).strict().prefault({}),
  models: z.object({
    dir: z.string().min(1).default(defaultModelDir),
    threads: z.number().int().min(1).max(64).default(1),
  }).strict().prefault({}),
  nlu: z.object({
    /** Extra folders of intent YAML (same format as data/nlu/intents) trained by `crossfeed nlu train`. */
    dataDirs: z.array(z.string().min(1)).default([]),
    /** Where `crossfeed nlu train` writes its models and the bot reads them. */
    trainedDir: z.string().min(1).default('var/nlu'),
  }).strict().prefault({}),
  bot: z.object({
    names: z.array(z.string().min(1)).min(1).default(['crossfeed']),
    commandPrefix: z.string().min(1).max(3).default('!'),
    answerUnaddressed: z.boolean().default(true),
    unaddressedMinConfidence: z.number().min(0).max(1).default(0.85),
  }).strict().prefault({}),
  recommender: z.object({
    usdRates: z.record(z.string().regex(/^[A-Z]{3}$/), z.number().positive()).default({ ...DEFAULT_USD_RATES }),
  }).strict().prefault({}),
}).strict();

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  readonly code = 'CF_CONFIG';
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

/** Environment variables and the config key each one sets. */
const ENV_KEYS: [string, string[], (v: string) => unknown][] = [
  ['PORT', ['web', 'port'], (v) => v],
  ['HOST', ['web', 'host'], (v) => v],
  ['CROSSFEED_DB', ['database', 'path'], (v) => v],
  ['CROSSFEED_MODEL_DIR', ['models', 'dir'], (v) => v],
  ['CROSSFEED_MODEL_THREADS', ['models', 'threads'], (v) => Number(v)],
  ['CROSSFEED_NLU_DIR', ['nlu', 'trainedDir'], (v) => v],
  ['CROSSFEED_ALLOWED_ORIGINS', ['web', 'allowedOrigins'], (v) => v.split(',').map((s) => s.trim()).filter(Boolean)],
];

export interface LoadConfigOptions {
  /** Explicit config file; otherwise CROSSFEED_CONFIG or ./crossfeed.config.yaml when present. */
  file?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export function loadConfig(o: LoadConfigOptions = {}): Config {
  const env = o.env ?? process.env;
  const cwd = o.cwd ?? process.cwd();
  const explicit = o.file ?? env.CROSSFEED_CONFIG;
  const file = resolve(cwd, explicit ?? 'crossfeed.config.yaml');
  let raw: Record<string, unknown> = {};
  const origin = new Map<string, string>();
  if (existsSync(file)) {
    let doc: unknown;
    try {
      doc = parse(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new ConfigError([`${file}: not valid YAML: ${(err as Error).message.split('\n')[0]}`]);
    }
    if (doc !== null && doc !== undefined) {
      if (typeof doc !== 'object' || Array.isArray(doc)) throw new ConfigError([`${file}: expected a mapping of sections (web, database, models, bot)`]);
      raw = doc as Record<string, unknown>;
    }
  } else if (explicit) {
    throw new ConfigError([`config file ${file} does not exist`]);
  }
  for (const [name, path, convert] of ENV_KEYS) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    const [section, key] = path as [string, string];
    const target = (raw[section] ??= {}) as Record<string, unknown>;
    if (typeof target !== 'object') continue;
    target[key] = convert(value);
    origin.set(path.join('.'), `environment variable ${name}`);
  }
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((issue) => {
      const key = issue.path.map(String).join('.');
      const from = origin.get(key) ?? (existsSync(file) ? file : 'defaults');
      return `${key || '(root)'}: ${issue.message} (from ${from})`;
    }));
  }
  const config = result.data;
  config.database.path = config.database.path === ':memory:' ? ':memory:' : resolve(cwd, config.database.path);
  config.models.dir = resolve(cwd, config.models.dir);
  config.nlu.trainedDir = resolve(cwd, config.nlu.trainedDir);
  config.nlu.dataDirs = config.nlu.dataDirs.map((d) => resolve(cwd, d));
  return config;
}
