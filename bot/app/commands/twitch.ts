import { TwitchAdapter } from '../../../adapters/twitch/adapter.js';
import { maskingLog } from '../../../data/pii.js';
import { RedisChatBudget } from '../../../data/redis/chat-budget.js';
import { RedisRoster } from '../../../data/redis/roster.js';
import { ChannelAssignment } from '../../channel-assignment.js';
import type { Core } from '../app.js';
import type { Cluster } from '../cluster.js';
import type { Config } from '../../config.js';

/**
 * Connects to Twitch chat when a login and token are configured; keeps channels in step with the
 * database. With a shared Redis (`cluster.redis`), the instances split the channels through leases
 * and send within one shared account budget (docs/cluster-twitch.md).
 */
export function startTwitch(config: Config, core: Core, log: (line: string) => void, cluster?: Cluster): { stop(): Promise<void> } | undefined {
  const t = config.twitch;
  if (!t.username || !t.token) return undefined;
  const url = new URL(t.server);
  const secure = url.protocol === 'wss:';
  const account = t.username.toLowerCase();
  const redis = cluster?.redis;
  let assignment: ChannelAssignment | undefined;
  const adapter = new TwitchAdapter(core.bot, {
    server: { host: url.hostname, port: url.port ? Number(url.port) : secure ? 443 : 80, secure },
    username: t.username, token: t.token,
    // Several instances: channels come from the leases this one holds, not all at once.
    channels: redis ? [] : core.channels.channels('twitch'),
    maxAnswerAgeMs: t.maxAnswerAgeSeconds * 1000,
    answersPerUserPerMinute: t.answersPerViewerPerMinute,
    // Notices and unreadable messages can quote chat text: emails and phone numbers are masked.
    log: maskingLog(log, 'twitch: '),
    ...(redis ? { shared: new RedisChatBudget(redis, account), holds: (c: string) => assignment?.holds(c) ?? false } : {}),
  });
  adapter.connection.on('connected', () => log(`twitch: connected to ${t.server} as ${t.username}`));
  adapter.connection.on('fatal', (reason) => log(`twitch: giving up: ${reason}`));
  adapter.start();
  if (cluster && redis) {
    assignment = new ChannelAssignment({
      owner: cluster.id, group: `twitch:${account}`, leases: cluster.leases, roster: new RedisRoster(redis),
      channels: () => core.channels.channels('twitch'),
      join: (c) => adapter.join(c), part: (c) => adapter.part(c),
      log: (line) => log(`twitch: ${line}`),
    });
    assignment.start();
  }
  let known = new Set(core.channels.channels('twitch'));
  const sync = setInterval(() => {
    void core.channels.refresh().then(() => {
      // With leases, the assignment's next round picks the change up.
      if (assignment) return;
      const now = new Set(core.channels.channels('twitch'));
      for (const c of now) if (!known.has(c)) { adapter.join(c); log(`twitch: joining #${c}`); }
      for (const c of known) if (!now.has(c)) { adapter.part(c); log(`twitch: leaving #${c}`); }
      known = now;
    }, (err: unknown) => log(`twitch: channel sync failed: ${String(err)}`));
  }, t.channelSyncSeconds * 1000);
  sync.unref();
  return {
    async stop() {
      clearInterval(sync);
      // Hand the channels over first: the other instances take them at their next round.
      await assignment?.stop();
      const s = adapter.stats();
      log(`twitch: sent ${s.sent}, dropped ${Object.entries(s.dropped).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`).join(', ') || 'none'}`);
      await adapter.stop();
    },
  };
}
