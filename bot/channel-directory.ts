import type { ChannelStore } from '../data/store.js';
import type { ChannelPolicy } from './channel-policy.js';
import type { Platform } from './message.js';

/** A channel from the config file: a name, or a name with its own settings. */
export type ConfiguredChannel = string | ({ name: string } & { [K in keyof ChannelPolicy]?: ChannelPolicy[K] | undefined });

/**
 * The channels the bot is in, per platform, from the config file and from the database
 * (`crossfeed channels add`), with each one's settings. The database wins for a channel in both.
 * `refresh()` picks up changes made while the bot runs.
 */
export class ChannelDirectory {
  private fromDb = new Map<string, Partial<ChannelPolicy>>();
  private readonly fromConfig = new Map<string, Partial<ChannelPolicy>>();

  constructor(private readonly store: ChannelStore, configured: Partial<Record<Platform, readonly ConfiguredChannel[]>>) {
    for (const [platform, list] of Object.entries(configured)) {
      for (const entry of list ?? []) {
        const { name, ...settings } = typeof entry === 'string' ? { name: entry } : entry;
        this.fromConfig.set(key(platform, name), policyFrom(settings));
      }
    }
  }

  async refresh(): Promise<void> {
    const next = new Map<string, Partial<ChannelPolicy>>();
    for (const record of await this.store.list()) next.set(key(record.platform, record.name), policyFrom(record.settings));
    this.fromDb = next;
  }

  /** Channel logins to be in on a platform. */
  channels(platform: Platform): string[] {
    const prefix = `${platform}\u0000`;
    const names = new Set<string>();
    for (const k of [...this.fromConfig.keys(), ...this.fromDb.keys()]) if (k.startsWith(prefix)) names.add(k.slice(prefix.length));
    return [...names].sort();
  }

  /** Overrides of one channel (a ChannelPolicySource). */
  readonly policy = (platform: Platform, channel: string): Partial<ChannelPolicy> | undefined => {
    const k = key(platform, channel);
    const a = this.fromConfig.get(k);
    const b = this.fromDb.get(k);
    return a || b ? { ...a, ...b } : undefined;
  };
}

function key(platform: string, name: string): string {
  return `${platform}\u0000${name.replace(/^#/, '').toLowerCase()}`;
}

/** Only well-typed known settings survive; anything else in the database is ignored. */
export function policyFrom(settings: Record<string, unknown>): Partial<ChannelPolicy> {
  const out: Partial<ChannelPolicy> = {};
  const p = settings['commandPrefix'];
  if (typeof p === 'string' && p.length >= 1 && p.length <= 3) out.commandPrefix = p;
  const a = settings['answerUnaddressed'];
  if (typeof a === 'boolean') out.answerUnaddressed = a;
  const c = settings['unaddressedMinConfidence'];
  if (typeof c === 'number' && c >= 0 && c <= 1) out.unaddressedMinConfidence = c;
  const promotions = settings['promotions'];
  if (typeof promotions === 'boolean') out.promotions = promotions;
  return out;
}
