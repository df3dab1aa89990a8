import { createServer } from 'node:net';
import { connectRedis, redactRedisUrl } from '../../data/redis/connection.js';
import { publicUrlWarning, type Config } from '../config.js';
import { loadNlu } from './app.js';
import { describeDatabase, openStore } from './store.js';

/** One line of `crossfeed doctor`: ok, a warning (runs, but probably not as meant) or a failure. */
export interface CheckResult {
  name: string;
  status: 'ok' | 'warn' | 'fail';
  detail: string;
}

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));

export async function checkDatabase(config: Config): Promise<CheckResult> {
  const where = describeDatabase(config.database);
  const engine = config.database.url ? 'PostgreSQL' : 'SQLite';
  try {
    const store = await openStore(config.database);
    try {
      const [items, faq] = await Promise.all([store.catalog.count(), store.faq.list()]);
      return { name: 'database', status: 'ok', detail: `${engine} ${where}: migrations applied, ${items} catalog items, ${faq.length} FAQ entries` };
    } finally {
      await store.close();
    }
  } catch (err) {
    // The store's own errors name the URL without its password; make sure nothing else leaks it.
    return { name: 'database', status: 'fail', detail: `${engine} ${where}: ${redactSecrets(errorText(err), config)}` };
  }
}

export async function checkRedis(config: Config): Promise<CheckResult> {
  const url = config.redis.url;
  if (!url) {
    return config.database.url
      ? { name: 'redis', status: 'warn', detail: 'database.url is set but redis.url is not: fine for one instance; several instances need Redis to share limits, channels and events' }
      : { name: 'redis', status: 'ok', detail: 'not configured (one instance: limits, channels and events stay in this process)' };
  }
  try {
    const redis = await connectRedis(url, { connectTimeoutMs: 3_000 });
    try {
      const info = await redis.info('server');
      const version = /redis_version:([^\r\n]+)/.exec(info)?.[1] ?? '?';
      return { name: 'redis', status: 'ok', detail: `${redactRedisUrl(url)}: Redis ${version} answers` };
    } finally {
      redis.disconnect();
    }
  } catch (err) {
    return { name: 'redis', status: 'fail', detail: errorText(err) };
  }
}

/** Loads the models the way `start` does (a missing or damaged file is named). */
export async function checkModels(config: Config): Promise<CheckResult> {
  const t0 = performance.now();
  try {
    const nlu = await loadNlu(config, []);
    try {
      const parsed = await nlu.parse('recommend a python course for beginners');
      return { name: 'models', status: 'ok', detail: `${config.models.dir}: loaded in ${Math.round(performance.now() - t0)} ms; a test sentence reads as "${parsed.intent}"` };
    } finally {
      await nlu.close();
    }
  } catch (err) {
    return { name: 'models', status: 'fail', detail: errorText(err) };
  }
}

export function checkPlatforms(config: Config): CheckResult[] {
  const out: CheckResult[] = [];
  // Half-configured Twitch (login without token) is already a configuration error (bot/config.ts).
  const t = config.twitch;
  if (t.username) {
    out.push(t.channels.length
      ? { name: 'twitch', status: 'ok', detail: `on as ${t.username}, ${t.channels.length} configured channels (plus any added with \`crossfeed channels add\`)` }
      : { name: 'twitch', status: 'warn', detail: `on as ${t.username} but twitch.channels is empty: add channels with \`crossfeed channels add twitch <name>\`` });
  } else out.push({ name: 'twitch', status: 'ok', detail: 'off (set TWITCH_USERNAME and TWITCH_OAUTH_TOKEN to switch it on)' });
  const d = config.discord;
  if (d.token && !d.appId) out.push({ name: 'discord', status: 'fail', detail: 'discord.token is set but discord.appId (DISCORD_APP_ID) is not: slash commands cannot be registered' });
  else if (d.token) {
    const spread = d.shards > 1 ? (config.redis.url ? ', shared over the instances through Redis' : ', all in this process') : '';
    out.push({ name: 'discord', status: 'ok', detail: `on (application ${d.appId}, ${d.shards} shard${d.shards > 1 ? 's' : ''}${spread})` });
  }
  else out.push({ name: 'discord', status: 'ok', detail: 'off (set DISCORD_TOKEN and DISCORD_APP_ID to switch it on)' });
  const warning = publicUrlWarning(config);
  if (warning) out.push({ name: 'web.publicUrl', status: 'warn', detail: warning.replace(/^warning: /, '') });
  return out;
}

/** Is the web port free? A running instance on it is the usual reason it is not. */
export function checkPort(config: Config): Promise<CheckResult> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (err: NodeJS.ErrnoException) => resolve({
      name: 'web', status: 'warn',
      detail: `${config.web.host}:${config.web.port} is ${err.code === 'EADDRINUSE' ? 'in use (another crossfeed running? set PORT)' : `not available (${err.code ?? err.message})`}`,
    }));
    server.listen(config.web.port, config.web.host, () => server.close(() => resolve({ name: 'web', status: 'ok', detail: `${config.web.host}:${config.web.port} is free` })));
  });
}

function redactSecrets(text: string, config: Config): string {
  const password = config.database.url ? safePassword(config.database.url) : '';
  return password ? text.split(password).join('***') : text;
}

function safePassword(url: string): string {
  try {
    return decodeURIComponent(new URL(url).password);
  } catch {
    return '';
  }
}
