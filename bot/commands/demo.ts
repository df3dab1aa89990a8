import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { TwitchAdapter } from '../../adapters/twitch/adapter.js';
import { LocalTwitchServer } from '../../adapters/twitch/local-server/server.js';
import { buildCore } from '../app.js';
import { loadConfig } from '../config.js';

const BOT = 'crossfeed_demo';
/** Three channels showing the three standings: moderator, slow mode, plain viewer. */
const CHANNELS = { democast: 'the bot is a moderator here', cozystream: 'slow mode 3 s, the bot is not a moderator', speedrun: 'plain channel' } as const;

const SCRIPT = [
  'gg', 'LUL', 'that jump was insane', 'Pog', 'first time here, hi chat', 'what keyboard is that?', 'KEKW',
  '!course python', '@crossfeed_demo any coupon for pizza in Brooklyn?', 'anyone know a good course to learn javascript?',
  '哈哈哈哈', '有没有python入门课', '!help', 'is this speedrun any%?', 'lmao', '@crossfeed_demo something cheaper?',
  'how long have you been streaming?', '!coupon ramen', 'gg wp', 'any beginner data science course under $50?',
];

/**
 * `crossfeed demo`: a local Twitch chat server that enforces Twitch's rules, the full bot
 * connected to it through tmi.js, and simulated viewers; type a line to chat as a viewer.
 */
export async function runDemo(o: { config?: string; seconds: string; rate: string }): Promise<number> {
  const seconds = Number(o.seconds);
  const perSecond = Number(o.rate);
  if (!(seconds > 0) || !(perSecond > 0 && perSecond <= 200)) {
    process.stderr.write('crossfeed: --seconds must be > 0 and --rate between 0 and 200 messages per second\n');
    return 2;
  }
  const dir = mkdtempSync(join(tmpdir(), 'crossfeed-demo-'));
  const config = loadConfig(o.config ? { file: o.config } : {});
  config.database.path = join(dir, 'demo.db');
  const server = await LocalTwitchServer.start({ botRoles: { democast: { [BOT]: { moderator: true } } }, rooms: { cozystream: { slowSeconds: 3 } } });
  say(`local Twitch chat server on ${server.url} (Twitch's limits enforced; violations are printed)`);
  say('loading models...');
  const core = await buildCore(config);
  const adapter = new TwitchAdapter(core.bot, {
    server: { host: '127.0.0.1', port: server.port, secure: false }, username: BOT, token: 'oauth:demo',
    channels: Object.keys(CHANNELS), log: (line) => say(`twitch: ${line}`),
    onMessage: (m) => { if (m.user.displayName === 'you') return; if (m.text.includes(BOT) || m.text.startsWith('!') || /course|coupon|课/.test(m.text)) say(`[#${m.channel}] ${m.user.displayName}: ${m.text}`); },
  });
  server.onSent((m) => say(`[#${m.channel}] ${BOT}: ${m.text}`));
  server.onViolation((v) => say(`VIOLATION ${v.kind} in #${v.channel ?? '?'}`));
  adapter.start();
  await server.waitFor(() => Object.keys(CHANNELS).every((c) => server.joinedChannels(BOT).has(c)), 30_000, 'channels joined');
  for (const [c, what] of Object.entries(CHANNELS)) say(`joined #${c}: ${what}`);
  say(`simulating ${perSecond} viewer messages/s for ${seconds} s; type a message and press Enter to chat in #democast as "you"`);

  const rl = process.stdin.isTTY ? createInterface({ input: process.stdin }) : undefined;
  rl?.on('line', (line) => {
    if (line.trim()) server.say('democast', { login: 'you', displayName: 'you', userId: '1' }, line.trim());
  });
  let n = 0;
  const channels = Object.keys(CHANNELS);
  const timer = setInterval(() => {
    const text = SCRIPT[n % SCRIPT.length] ?? 'gg';
    const channel = channels[n % channels.length] ?? 'democast';
    server.say(channel, { login: `viewer${n % 37}`, displayName: `viewer${n % 37}`, userId: String(1000 + (n % 37)) }, text);
    n++;
  }, 1000 / perSecond);
  await new Promise<void>((resolve) => {
    const end = setTimeout(resolve, seconds * 1000);
    process.once('SIGINT', () => { clearTimeout(end); resolve(); });
  });
  clearInterval(timer);
  rl?.close();
  const s = adapter.stats();
  await adapter.stop();
  say(`viewer messages ${n}; answers sent ${s.sent}; dropped ${JSON.stringify(s.dropped)}; Twitch rule violations ${server.violations.length}`);
  await server.close();
  await core.close();
  rmSync(dir, { recursive: true, force: true });
  return server.violations.length === 0 ? 0 : 1;
}

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}
