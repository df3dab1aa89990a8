/**
 * Standalone local Discord server for demos:
 *   node dist/adapters/discord/local-server/main.js [--port 8790] [--host 127.0.0.1] [--guild "Demo Guild"]
 * Prints the REST base (discord.js `rest.api`), the bot token and the ids as JSON on stdout,
 * then every violation as one JSON line on stderr.
 */
import { parseArgs } from 'node:util';
import { LocalDiscordServer } from './server.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8790' },
    host: { type: 'string', default: '127.0.0.1' },
    guild: { type: 'string', default: 'Crossfeed Demo' },
  },
});

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`--port must be 0-65535, got ${values.port}`);

const server = await LocalDiscordServer.start({ host: values.host, port });
const guild = server.addGuild({ name: values.guild, channels: [{ name: 'general' }, { name: 'courses' }], members: [{ username: 'viewer' }] });
server.onViolation((v) => process.stderr.write(`${JSON.stringify({ violation: v })}\n`));
process.stdout.write(`${JSON.stringify({
  api: server.apiBase, gateway: server.gatewayUrl, token: server.botToken, appId: server.appId, guildId: guild.id, channelIds: guild.channelIds,
})}\n`);

const stop = (): void => {
  void server.close().then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
