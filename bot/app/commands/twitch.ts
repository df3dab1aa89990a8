import { TwitchAdapter, type TwitchAdapterOptions } from '../../../adapters/twitch/adapter.js';
import type { LeaseStore } from '../../../data/leases.js';
import { maskingLog } from '../../../data/pii.js';
import { RedisChatBudget } from '../../../data/redis/chat-budget.js';
import type { Bot } from '../../bot.js';
import { ChannelAssignment, type ChannelAssignmentOptions } from '../../channel-assignment.js';
import type { Core } from '../app.js';
import type { Cluster } from '../cluster.js';
import type { Config } from '../../config.js';

/** Connects to Twitch chat when a login and token are configured; keeps channels in step with the database. */
export function startTwitch(config: Config, core: Core, log: (line: string) => void, cluster?: Cluster): { stop(): Promise<void> } | undefined {
  const t = config.twitch;
  if (!t.username || !t.token) return undefined;
  const url = new URL(t.server);
  const secure = url.protocol === 'wss:';
  const twitch = launchTwitch({
    bot: core.bot, channels: () => core.channels.channels('twitch'), log, ...(cluster ? { cluster } : {}),
    adapter: {
      server: { host: url.hostname, port: url.port ? Number(url.port) : secure ? 443 : 80, secure },
      username: t.username, token: t.token,
      maxAnswerAgeMs: t.maxAnswerAgeSeconds * 1000,
      answersPerUserPerMinute: t.answersPerViewerPerMinute,
      maxInHand: t.maxMessagesInHand,
      // Notices and unreadable messages can quote chat text: emails and phone numbers are masked.
      log: maskingLog(log, 'twitch: '),
    },
  });
  twitch.adapter.connection.on('connected', () => log(`twitch: connected to ${t.server} as ${t.username}`));
  twitch.adapter.connection.on('fatal', (reason) => log(`twitch: giving up: ${reason}`));
  let known = new Set(core.channels.channels('twitch'));
  const sync = setInterval(() => {
    void core.channels.refresh().then(() => {
      // With leases, the assignment's next round picks the change up.
      if (twitch.assignment) return;
      const now = new Set(core.channels.channels('twitch'));
      for (const c of now) if (!known.has(c)) { twitch.adapter.join(c); log(`twitch: joining #${c}`); }
      for (const c of known) if (!now.has(c)) { twitch.adapter.part(c); log(`twitch: leaving #${c}`); }
      known = now;
    }, (err: unknown) => log(`twitch: channel sync failed: ${String(err)}`));
  }, t.channelSyncSeconds * 1000);
  sync.unref();
  return {
    async stop() {
      clearInterval(sync);
      await twitch.stop();
    },
  };
}

export interface TwitchLaunch {
  bot: Bot;
  adapter: Omit<TwitchAdapterOptions, 'channels' | 'shared' | 'holds'>;
  /** Every channel the bot is in (all instances together). */
  channels: () => readonly string[];
  /** Several instances sharing Redis: channels by lease, one send budget (docs/cluster-twitch.md). */
  cluster?: Pick<Cluster, 'id' | 'redis' | 'leases' | 'members' | 'prefix'>;
  /** Lease timings (tests scale them down). */
  leaseTimings?: Pick<ChannelAssignmentOptions, 'ttlMs' | 'renewMs' | 'safetyMs'>;
  log: (line: string) => void;
}

/**
 * One Twitch account's adapter. Alone it joins every channel; with a shared Redis it joins the
 * channels whose leases it holds, answers only there, and sends within the account budget that
 * all instances share.
 */
export function launchTwitch(o: TwitchLaunch): { adapter: TwitchAdapter; assignment: ChannelAssignment | undefined; stop(): Promise<void> } {
  const account = o.adapter.username.toLowerCase();
  const redis = o.cluster?.redis;
  let assignment: ChannelAssignment | undefined;
  const adapter = new TwitchAdapter(o.bot, {
    ...o.adapter,
    channels: redis ? [] : o.channels(),
    ...(redis ? { shared: new RedisChatBudget(redis, account, o.cluster!.prefix), holds: (c: string) => assignment?.holds(c) ?? false } : {}),
  });
  adapter.start();
  if (o.cluster && redis) {
    assignment = new ChannelAssignment({
      owner: o.cluster.id, group: `twitch:${account}`, leases: o.cluster.leases,
      members: o.cluster.members,
      channels: o.channels, join: (c) => adapter.join(c), part: (c) => adapter.part(c),
      log: (line) => o.log(`twitch: ${line}`), ...o.leaseTimings,
    });
    assignment.start();
  }
  return {
    adapter, assignment,
    async stop() {
      // Hand the channels over first: the other instances take them at their next round.
      await assignment?.stop();
      const s = adapter.stats();
      o.log(`twitch: sent ${s.sent}, dropped ${Object.entries(s.dropped).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`).join(', ') || 'none'}`);
      await adapter.stop();
    },
  };
}
