/**
 * Standalone local Twitch chat server for demos:
 *   node dist/adapters/twitch/local-server/main.js --port 6667 [--host 127.0.0.1] [--scale 1] [--mod channel:login]
 * Prints its ws:// URL, then every violation as one JSON line on stderr.
 */
import { parseArgs } from 'node:util';
import { scaleRules, TwitchChatRules } from '../rules.js';
import { LocalTwitchServer } from './server.js';
import type { BotRole } from './types.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '6667' },
    host: { type: 'string', default: '127.0.0.1' },
    scale: { type: 'string', default: '1' },
    mod: { type: 'string', multiple: true, default: [] },
  },
});

const port = Number(values.port);
const scale = Number(values.scale);
if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`--port must be 0-65535, got ${values.port}`);
if (!(scale > 0)) throw new Error(`--scale must be a positive number, got ${values.scale}`);

const botRoles: Record<string, Record<string, BotRole>> = {};
for (const pair of values.mod) {
  const [channel, login] = pair.replace(/^#/, '').toLowerCase().split(':');
  if (!channel || !login) throw new Error(`--mod takes channel:login, got ${pair}`);
  botRoles[channel] = { ...botRoles[channel], [login]: { moderator: true } };
}

const server = await LocalTwitchServer.start({ host: values.host, port, rules: scaleRules(TwitchChatRules, scale), botRoles });
server.onViolation((v) => process.stderr.write(`${JSON.stringify({ violation: v })}\n`));
process.stdout.write(`${server.url}\n`);

const stop = (): void => {
  void server.close().then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
