import { openStore } from '../store.js';
import { policyFrom } from '../../channel-directory.js';
import { loadConfig } from '../../config.js';

const PLATFORMS = ['twitch', 'discord'] as const;
const NAME = /^#?[A-Za-z0-9_]{2,25}$/;

export interface ChannelAddOptions { config?: string; prefix?: string; questions?: boolean; minConfidence?: string; promotions?: boolean }

/** `crossfeed channels add twitch <name>`: a running bot joins within `twitch.channelSyncSeconds`. */
export async function runChannelsAdd(o: ChannelAddOptions, platform: string, name: string): Promise<number> {
  const problem = check(platform, name);
  if (problem) return fail(problem);
  const settings: Record<string, unknown> = {};
  if (o.prefix !== undefined) settings['commandPrefix'] = o.prefix;
  if (o.questions !== undefined) settings['answerUnaddressed'] = o.questions;
  if (o.minConfidence !== undefined) settings['unaddressedMinConfidence'] = Number(o.minConfidence);
  // commander defaults a lone --no-x flag to true: only an explicit --no-promotions is a setting.
  if (o.promotions === false) settings['promotions'] = false;
  const accepted = policyFrom(settings);
  const rejected = Object.keys(settings).filter((k) => !(k in accepted));
  if (rejected.length) return fail(`invalid setting ${rejected.join(', ')} (prefix: 1-3 characters; min confidence: 0..1)`);
  const config = loadConfig(o.config ? { file: o.config } : {});
  const store = await openStore(config.database);
  try {
    await store.channels.put(platform, canonical(name), accepted);
  } finally {
    await store.close();
  }
  process.stdout.write(`added ${platform} channel #${canonical(name)} ${JSON.stringify(accepted)}\n`);
  return 0;
}

export async function runChannelsRemove(o: { config?: string }, platform: string, name: string): Promise<number> {
  const problem = check(platform, name);
  if (problem) return fail(problem);
  const config = loadConfig(o.config ? { file: o.config } : {});
  const store = await openStore(config.database);
  try {
    const removed = await store.channels.remove(platform, canonical(name));
    if (!removed) return fail(`no ${platform} channel #${canonical(name)} in ${config.database.path}`);
  } finally {
    await store.close();
  }
  process.stdout.write(`removed ${platform} channel #${canonical(name)}\n`);
  return 0;
}

export async function runChannelsList(o: { config?: string }): Promise<number> {
  const config = loadConfig(o.config ? { file: o.config } : {});
  const store = await openStore(config.database);
  try {
    const fromFile = config.twitch.channels.map((c) => (typeof c === 'string' ? c : c.name));
    for (const c of fromFile) process.stdout.write(`twitch\t#${canonical(c)}\t(config file)\n`);
    for (const r of await store.channels.list()) process.stdout.write(`${r.platform}\t#${r.name}\t${JSON.stringify(r.settings)}\n`);
  } finally {
    await store.close();
  }
  return 0;
}

function check(platform: string, name: string): string | undefined {
  if (!(PLATFORMS as readonly string[]).includes(platform)) return `unknown platform "${platform}" (one of ${PLATFORMS.join(', ')})`;
  if (!NAME.test(name)) return `"${name}" is not a channel login (2-25 letters, digits or _)`;
  return undefined;
}

function canonical(name: string): string {
  return name.replace(/^#/, '').toLowerCase();
}

function fail(message: string): number {
  process.stderr.write(`crossfeed: ${message}\n`);
  return 2;
}
