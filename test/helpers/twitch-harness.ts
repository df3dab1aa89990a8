import { TwitchAdapter, type TwitchAdapterOptions } from '../../adapters/twitch/adapter.js';
import { LocalTwitchServer } from '../../adapters/twitch/local-server/server.js';
import type { LocalTwitchServerOptions } from '../../adapters/twitch/local-server/types.js';
import { scaleRules, TwitchChatRules, type TwitchRules } from '../../adapters/twitch/rules.js';
import { testBot } from './test-bot.js';

export const BOT_LOGIN = 'crossfeed';

/** Every duration a twentieth of Twitch's (30 s window -> 1.5 s), limits and lengths unchanged. */
export const FAST_RULES: TwitchRules = scaleRules(TwitchChatRules, 0.05);

/** The real tmi.js, through the adapter, against the local server that enforces the rules. */
export async function twitchHarness(o: {
  channels: string[];
  server?: Omit<LocalTwitchServerOptions, 'rules'>;
  adapter?: Partial<TwitchAdapterOptions>;
  rules?: TwitchRules;
  links?: { trackingBaseUrl?: string; supportWebUrl?: string };
}) {
  const rules = o.rules ?? FAST_RULES;
  const server = await LocalTwitchServer.start({ ...o.server, rules });
  const errors: unknown[] = [];
  const { bot, store } = await testBot({ platform: 'twitch', errors, ...(o.links ? { links: o.links } : {}) });
  const logs: string[] = [];
  const adapter = new TwitchAdapter(bot, {
    server: { host: '127.0.0.1', port: server.port, secure: false },
    username: BOT_LOGIN, token: 'oauth:test', channels: o.channels, rules,
    maxAnswerAgeMs: 3_000, answersPerUserPerMinute: 100, inboundPerUserPerMinute: 1_000,
    connection: { reconnectInitialMs: 50, reconnectMaxMs: 400, pingIntervalMs: 60_000, pingTimeoutMs: 500, joinTimeoutMs: 1_000 },
    log: (line) => void logs.push(line),
    ...o.adapter,
  });
  adapter.start();
  const allJoined = () => server.waitFor(() => o.channels.every((c) => server.joinedChannels(BOT_LOGIN).has(c)), 15_000, 'all channels joined');
  await allJoined();
  return {
    server, adapter, bot, store, errors, logs, rules, allJoined,
    /** Bot messages the server accepted that answer `parentId`. */
    answersTo: (parentId: string) => server.sent.filter((s) => s.replyParentId === parentId),
    async close() {
      await adapter.stop();
      await server.close();
      await store.close();
    },
  };
}

let viewerSeq = 0;
export function viewer(name?: string, badges: { moderator?: boolean; subscriber?: boolean } = {}) {
  const n = ++viewerSeq;
  const login = name ?? `viewer${n}`;
  return { login, displayName: login, userId: String(100_000 + n), badges };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
