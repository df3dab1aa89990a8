import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { defaultModelDir } from '../data/paths.js';
import { DEFAULT_USD_RATES } from '../recommender/currency.js';
import { isTimeZone } from '../data/loyalty-calendar.js';

/**
 * One optional YAML file (crossfeed.config.yaml) plus environment variables. Environment wins
 * over the file; secrets only ever come from the environment. Everything is validated at start
 * and every error names the key, what was expected and where the value came from.
 */

const port = z.coerce.number().int().min(0).max(65535);

const channelName = z.string().regex(/^#?[A-Za-z0-9_]{2,25}$/, 'a channel login (2-25 letters, digits or _)');
/** A channel, by name or with its own settings (see bot/channel-policy.ts). */
const channelEntry = z.union([
  channelName,
  z.object({
    name: channelName,
    commandPrefix: z.string().min(1).max(3).optional(),
    answerUnaddressed: z.boolean().optional(),
    unaddressedMinConfidence: z.number().min(0).max(1).optional(),
    promotions: z.boolean().optional(),
  }).strict(),
]);

const timeZone = z.string().refine(isTimeZone, 'an IANA time zone such as UTC, Asia/Shanghai or America/New_York');
const checkinFields = {
  /** Points for a check-in. */
  points: z.number().int().min(1).max(100_000),
  /** Extra points per consecutive day after the first... */
  streakBonus: z.number().int().min(0).max(100_000),
  /** ...capped at this many. */
  maxStreakBonus: z.number().int().min(0).max(1_000_000),
};
const chatFields = {
  enabled: z.boolean(),
  points: z.number().int().min(1).max(1000),
  perMinute: z.number().int().min(1).max(60),
  minChars: z.number().int().min(0).max(500),
  repeatWindow: z.number().int().min(0).max(100),
};
/** Overrides for one channel, keyed `platform:channel` (e.g. `twitch:mystreamer`). */
const loyaltyChannel = z.object({
  enabled: z.boolean().optional(),
  timeZone: timeZone.optional(),
  checkin: z.object(checkinFields).partial().strict().optional(),
  chat: z.object(chatFields).partial().strict().optional(),
}).strict();

const partnerId = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'a partner id (lowercase letters, digits, _ or -, at most 40)');
/** A partner that reports redemptions and purchases through `POST /postback/<id>`. */
const partnerEntry = z.object({
  /** Only from the environment (CROSSFEED_PARTNER_SECRETS). */
  secret: z.string().min(16, 'a shared secret of at least 16 characters').optional(),
  /** Coupon `partner` names, besides the id itself, whose codes this partner may mark redeemed. */
  couponPartners: z.array(z.string().min(1)).default([]),
}).strict();

/** A token bucket: `burst` at once, then `perSecond`. */
const rate = z.object({ burst: z.number().int().min(1), perSecond: z.number().positive() }).strict();

export const configSchema = z.object({
  web: z.object({
    enabled: z.boolean().default(true),
    port: port.default(8080),
    host: z.string().min(1).default('127.0.0.1'),
    /** Origins allowed to open the chat socket from an embedded widget; empty = same origin and localhost only. */
    allowedOrigins: z.array(z.string().url()).default([]),
    maxConnectionsPerIp: z.number().int().min(1).default(20),
    /** Take the client address from X-Forwarded-For: true = any proxy, a number = that many hops, a list = those proxy addresses/CIDRs. */
    trustProxy: z.union([z.boolean(), z.number().int().min(1), z.array(z.string().min(1)).min(1)]).default(false),
    /** Chat messages per client address, all its sockets together. */
    messagesPerIp: rate.prefault({ burst: 40, perSecond: 4 }),
    /** New chat sockets per client address. */
    connectionsPerIp: rate.prefault({ burst: 30, perSecond: 0.5 }),
    /** The bounded, fair queue of chat messages in front of the bot. */
    intake: z.object({
      concurrency: z.number().int().min(1).max(1000).default(4),
      maxQueued: z.number().int().min(1).default(256),
      maxQueuedPerIp: z.number().int().min(1).default(32),
      degradedQueued: z.number().int().min(1).default(128),
      lateAnswerMs: z.number().int().min(1).default(3000),
    }).strict().prefault({}),
    /** Waiting handoff requests ("talk to a person") opened from one client address; more are dismissed. */
    maxOpenHandoffsPerIp: z.number().int().min(1).default(5),
    /** A request's headers and body must arrive within this (a trickled body is cut off). */
    requestTimeoutMs: z.number().int().min(100).default(30_000),
    /** Address people reach this server at (behind a proxy); suggestion links go through `<publicUrl>/r/<token>`. Default: the listen address. */
    publicUrl: z.string().url().optional(),
    /** How the chat page and the embeddable widget look and greet; a <script> tag's data-* attributes win. */
    widget: z.object({
      title: z.string().min(1).max(80).optional(),
      accent: z.string().regex(/^#(?:[0-9a-fA-F]{3,4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$/, 'a colour such as #3558e0').optional(),
      greeting: z.string().min(1).max(500).optional(),
      /** The page's own words (not the bot's replies): auto follows the browser. */
      language: z.enum(['auto', 'en', 'zh']).default('auto'),
    }).strict().prefault({}),
  }).strict().prefault({}),
  database: z.object({
    path: z.string().min(1).default('var/crossfeed.db'),
    /** A server database shared by several instances (postgres://...); when set, `path` is unused. */
    url: z.string().regex(/^postgres(ql)?:\/\//, 'a postgres:// or postgresql:// URL').optional(),
  }).strict().prefault({}),
  redis: z.object({
    /** What several instances share (limits, channel leases, events, elected jobs): redis://... */
    url: z.string().regex(/^rediss?:\/\//, 'a redis:// or rediss:// URL').optional(),
    /** Start of every key and pub/sub channel: two deployments sharing one Redis need different ones. */
    prefix: z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, '1-64 letters, digits or _ . : -').default('crossfeed:'),
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
    /**
     * Run the entity models in a worker thread so a busy bot uses a second core for the NLU
     * (about 1.5x the messages/s, about 60 MiB more memory: README, Benchmarks).
     */
    batchWorker: z.boolean().default(false),
    /** NLU results kept for repeated chat lines (exact text), least recently used dropped first; 0 turns it off. */
    resultCache: z.number().int().min(0).max(100_000).default(2048),
  }).strict().prefault({}),
  bot: z.object({
    names: z.array(z.string().min(1)).min(1).default(['crossfeed']),
    commandPrefix: z.string().min(1).max(3).default('!'),
    answerUnaddressed: z.boolean().default(true),
    unaddressedMinConfidence: z.number().min(0).max(1).default(0.85),
    /** How often a running bot checks the catalog for edits made by any process (dashboard, `crossfeed catalog import`). */
    catalogRefreshSeconds: z.number().min(0.1).max(3600).default(2),
    /** Sponsored items shown at most this often; past a cap answers use unsponsored items only. */
    promotionCaps: z.object({
      perUserPerDay: z.number().int().min(0).default(6),
      perConversationPerHour: z.number().int().min(0).default(4),
      perChannelPerHour: z.number().int().min(0).default(30),
    }).strict().prefault({}),
  }).strict().prefault({}),
  twitch: z.object({
    /** Chat server; point it at the local server (npm run demo) to try the bot without Twitch. */
    server: z.string().regex(/^wss?:\/\/[^/:\s]+(:\d{1,5})?\/?$/, 'a ws:// or wss:// address such as wss://irc-ws.chat.twitch.tv:443').default('wss://irc-ws.chat.twitch.tv:443'),
    username: z.string().regex(/^[A-Za-z0-9_]{3,25}$/, 'a Twitch login (3-25 letters, digits or _)').optional(),
    /** Only from the environment (TWITCH_OAUTH_TOKEN). */
    token: z.string().min(1).optional(),
    channels: z.array(channelEntry).default([]),
    /** An answer that could not be sent within this time is dropped, not sent late. */
    maxAnswerAgeSeconds: z.number().min(1).max(600).default(20),
    answersPerViewerPerMinute: z.number().int().min(1).max(60).default(4),
    /** Messages read but not yet answered or let go; at this many the bot stops reading chat until half are done (floods wait at the server, not in memory). */
    maxMessagesInHand: z.number().int().min(1).max(100_000).default(256),
    /** How often channels added with `crossfeed channels add` are picked up. */
    channelSyncSeconds: z.number().min(1).max(3600).default(15),
  }).strict().prefault({}),
  discord: z.object({
    /** Only from the environment (DISCORD_TOKEN): the bot token from the developer portal. */
    token: z.string().min(1).optional(),
    /** Only from the environment (DISCORD_APP_ID): the application id. */
    appId: z.string().regex(/^\d{17,20}$/, 'an application id (a snowflake: 17-20 digits)').optional(),
    /** REST base; the gateway address comes from GET /gateway/bot there. A local server for tests and trials. */
    api: z.string().url().default('https://discord.com/api'),
    /** Register slash commands in this guild only (they appear at once; for development). Global otherwise. */
    guildId: z.string().regex(/^\d{17,20}$/, 'a guild id (a snowflake: 17-20 digits)').optional(),
    /** The privileged Message Content intent; enable it in the developer portal first. */
    messageContent: z.boolean().default(false),
    /** An answer that could not be sent within this time is dropped, not sent late. */
    maxAnswerAgeSeconds: z.number().min(1).max(600).default(20),
    /** Gateway shards in all (Discord requires more past 2,500 servers); with redis.url they are spread over the instances. */
    shards: z.number().int().min(1).max(1024).default(1),
  }).strict().prefault({}),
  support: z.object({
    /** Messages (and closed queue entries with their contact details) older than this are deleted, at start and daily. */
    retentionDays: z.number().int().min(1).max(3650).default(90),
    /** Consecutive messages the bot did not understand before it offers a person (0 = never). */
    handoffAfterMisses: z.number().int().min(0).max(20).default(3),
    /** Support page Twitch and Discord users are sent to for a person. Default: web.publicUrl, else the web server's address. */
    webUrl: z.string().url().optional(),
    /** How often a running bot checks the FAQ for edits. */
    faqRefreshSeconds: z.number().min(0.1).max(3600).default(2),
  }).strict().prefault({}),
  loyalty: z.object({
    enabled: z.boolean().default(true),
    /** The calendar day of a check-in is taken in this zone (per channel: channels.<key>.timeZone). */
    timeZone: timeZone.default('UTC'),
    checkin: z.object({
      points: checkinFields.points.default(10),
      streakBonus: checkinFields.streakBonus.default(5),
      maxStreakBonus: checkinFields.maxStreakBonus.default(50),
    }).strict().prefault({}),
    chat: z.object({
      enabled: chatFields.enabled.default(false),
      points: chatFields.points.default(1),
      perMinute: chatFields.perMinute.default(1),
      minChars: chatFields.minChars.default(10),
      repeatWindow: chatFields.repeatWindow.default(5),
    }).strict().prefault({}),
    channels: z.record(z.string().regex(/^(twitch|discord|web|cli):[^\s]+$/, 'platform:channel, e.g. twitch:mystreamer'), loyaltyChannel).default({}),
  }).strict().prefault({}),
  partners: z.record(partnerId, partnerEntry).default({}),
  log: z.object({
    /** `json`: one JSON object per line (pino); `text`: plain lines for a person; `auto`: text on a terminal, json otherwise. */
    format: z.enum(['auto', 'json', 'text']).default('auto'),
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
  ['DATABASE_URL', ['database', 'url'], (v) => v],
  ['REDIS_URL', ['redis', 'url'], (v) => v],
  ['CROSSFEED_REDIS_PREFIX', ['redis', 'prefix'], (v) => v],
  ['CROSSFEED_MODEL_DIR', ['models', 'dir'], (v) => v],
  ['CROSSFEED_MODEL_THREADS', ['models', 'threads'], (v) => Number(v)],
  ['CROSSFEED_NLU_DIR', ['nlu', 'trainedDir'], (v) => v],
  ['CROSSFEED_NLU_CACHE', ['nlu', 'resultCache'], (v) => Number(v)],
  ['CROSSFEED_NLU_WORKER', ['nlu', 'batchWorker'], (v) => (/^(1|true|yes|on)$/i.test(v) ? true : /^(0|false|no|off)$/i.test(v) ? false : v)],
  ['TWITCH_USERNAME', ['twitch', 'username'], (v) => v],
  ['TWITCH_OAUTH_TOKEN', ['twitch', 'token'], (v) => v],
  ['TWITCH_CHANNELS', ['twitch', 'channels'], (v) => v.split(',').map((s) => s.trim()).filter(Boolean)],
  ['CROSSFEED_TWITCH_SERVER', ['twitch', 'server'], (v) => v],
  ['DISCORD_TOKEN', ['discord', 'token'], (v) => v],
  ['DISCORD_APP_ID', ['discord', 'appId'], (v) => v],
  ['CROSSFEED_DISCORD_API', ['discord', 'api'], (v) => v],
  ['DISCORD_GUILD_ID', ['discord', 'guildId'], (v) => v],
  ['DISCORD_SHARDS', ['discord', 'shards'], (v) => Number(v)],
  ['CROSSFEED_PUBLIC_URL', ['web', 'publicUrl'], (v) => v],
  ['CROSSFEED_SUPPORT_URL', ['support', 'webUrl'], (v) => v],
  ['CROSSFEED_LOG_FORMAT', ['log', 'format'], (v) => v],
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
  const explicit = o.file ?? (env.CROSSFEED_CONFIG || undefined);
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
  const fileTwitch = raw['twitch'];
  if (typeof fileTwitch === 'object' && fileTwitch !== null && 'token' in fileTwitch) {
    throw new ConfigError([`twitch.token: secrets never go in the config file; set TWITCH_OAUTH_TOKEN instead (from ${file})`]);
  }
  const fileDiscord = raw['discord'];
  if (typeof fileDiscord === 'object' && fileDiscord !== null && ('token' in fileDiscord || 'appId' in fileDiscord)) {
    throw new ConfigError([`discord.token / discord.appId: set DISCORD_TOKEN and DISCORD_APP_ID in the environment instead of the config file (from ${file})`]);
  }
  const fileSecrets = partnersWithSecretInFile(raw['partners']);
  if (fileSecrets.length) {
    throw new ConfigError(fileSecrets.map((id) => `partners.${id}.secret: secrets never go in the config file; set CROSSFEED_PARTNER_SECRETS instead (from ${file})`));
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
  mergePartnerSecrets(raw, env['CROSSFEED_PARTNER_SECRETS'], origin);
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((issue) => {
      const parts = issue.path.map(String);
      const key = parts.join('.');
      // An issue inside a list set from the environment (twitch.channels.1) came from that variable too.
      let from: string | undefined;
      for (let n = parts.length; n > 0 && from === undefined; n--) from = origin.get(parts.slice(0, n).join('.'));
      from ??= existsSync(file) ? file : 'defaults';
      return `${key || '(root)'}: ${issue.message} (from ${from})`;
    }));
  }
  const config = result.data;
  if ((config.twitch.username === undefined) !== (config.twitch.token === undefined)) {
    const missing = config.twitch.username === undefined ? 'twitch.username: TWITCH_USERNAME' : 'twitch.token: TWITCH_OAUTH_TOKEN';
    throw new ConfigError([`${missing} is not set; Twitch needs both the bot's login and its OAuth token (or neither, to stay off)`]);
  }
  const unkeyed = Object.entries(config.partners).filter(([, p]) => p.secret === undefined).map(([id]) => id);
  if (unkeyed.length) {
    throw new ConfigError(unkeyed.map((id) => `partners.${id}.secret: not set; add ${id}:<secret> to CROSSFEED_PARTNER_SECRETS (or remove the partner)`));
  }
  config.database.path = config.database.path === ':memory:' ? ':memory:' : resolve(cwd, config.database.path);
  config.models.dir = resolve(cwd, config.models.dir);
  config.nlu.trainedDir = resolve(cwd, config.nlu.trainedDir);
  config.nlu.dataDirs = config.nlu.dataDirs.map((d) => resolve(cwd, d));
  return config;
}

function partnersWithSecretInFile(partners: unknown): string[] {
  if (typeof partners !== 'object' || partners === null) return [];
  return Object.entries(partners).filter(([, p]) => typeof p === 'object' && p !== null && 'secret' in p).map(([id]) => id);
}

/**
 * CROSSFEED_PARTNER_SECRETS=partnerA:secret1,partnerB:secret2 sets partners.<id>.secret, adding
 * partners the file does not list. A secret is everything after the first colon (no commas).
 */
function mergePartnerSecrets(raw: Record<string, unknown>, value: string | undefined, origin: Map<string, string>): void {
  if (value === undefined || value.trim() === '') return;
  const problems: string[] = [];
  const section = raw['partners'] ?? {};
  if (typeof section !== 'object' || section === null || Array.isArray(section)) return; // the schema reports it
  const partners = section as Record<string, unknown>;
  raw['partners'] = partners;
  for (const [n, entry] of value.split(',').map((s) => s.trim()).filter(Boolean).entries()) {
    const colon = entry.indexOf(':');
    const id = colon > 0 ? entry.slice(0, colon).trim() : '';
    if (colon <= 0 || colon === entry.length - 1) {
      problems.push(`partners: entry ${n + 1} of CROSSFEED_PARTNER_SECRETS is not <partner>:<secret> (from environment variable CROSSFEED_PARTNER_SECRETS)`);
      continue;
    }
    const existing = partners[id];
    const target = (typeof existing === 'object' && existing !== null ? existing : (partners[id] = {})) as Record<string, unknown>;
    target['secret'] = entry.slice(colon + 1);
    origin.set(`partners.${id}`, 'environment variable CROSSFEED_PARTNER_SECRETS');
  }
  if (problems.length) throw new ConfigError(problems);
}

/** True for addresses only this machine can open (127.0.0.0/8, localhost, ::1, 0.0.0.0). */
export function isLoopbackUrl(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname.replace(/^\[|\]$/g, '').toLowerCase();
  } catch {
    return false;
  }
  return host === 'localhost' || host.endsWith('.localhost') || /^127\./.test(host) || host === '::1' || host === '0.0.0.0';
}

/**
 * The start-up warning when Twitch or Discord is on and `web.publicUrl` is unset or a loopback
 * address: their users cannot open such links, so card links and the support page are left out
 * of their answers until it is set.
 */
export function publicUrlWarning(config: Pick<Config, 'web' | 'twitch' | 'discord'>): string | undefined {
  const on = [config.twitch.username && config.twitch.token ? 'Twitch' : '', config.discord.token && config.discord.appId ? 'Discord' : ''].filter(Boolean);
  if (!on.length) return undefined;
  const url = config.web.publicUrl;
  if (url && !isLoopbackUrl(url)) return undefined;
  return `warning: ${on.join(' and ')} ${on.length > 1 ? 'are' : 'is'} on but web.publicUrl (CROSSFEED_PUBLIC_URL) is ${url ? `a loopback address (${url})` : 'not set'}; `
    + `viewers there cannot open links to this server, so their answers leave tracked links and the support page out. Set it to the address people reach this server at, e.g. https://chat.example.com.`;
}
