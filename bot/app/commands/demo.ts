import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { TwitchAdapter } from '../../../adapters/twitch/adapter.js';
import { LocalTwitchServer } from '../../../adapters/twitch/local-server/server.js';
import { buildCore } from '../app.js';
import { loadConfig } from '../../config.js';
import { demoChat } from '../../demo-viewers.js';

const BOT = 'crossfeed_demo';
/** Three channels showing the three standings: moderator, slow mode, plain viewer. */
const CHANNELS = { democast: 'the bot is a moderator here', cozystream: 'slow mode 3 s, the bot is not a moderator', speedrun: 'plain channel' } as const;

/** Terminal styles; plain text when the output is not a terminal (unless FORCE_COLOR=1) or NO_COLOR is set. */
function styles(tty: boolean) {
  const on = (tty || process.env['FORCE_COLOR'] === '1') && !process.env['NO_COLOR'];
  const wrap = (open: string, close: string) => (s: string) => (on ? `\x1b[${open}m${s}\x1b[${close}m` : s);
  return { dim: wrap('2', '22'), bold: wrap('1', '22'), green: wrap('32', '39'), cyan: wrap('36', '39'), red: wrap('31', '39') };
}

/**
 * `crossfeed demo`: a local Twitch chat server that enforces Twitch's rules, the full bot
 * connected to it through tmi.js, and simulated viewers. Chat the bot ignores is shown dimmed;
 * a message it answers is shown again, bright, with the answer. A summary ends the run.
 */
export async function runDemo(o: { config?: string; seconds: string; rate: string }): Promise<number> {
  const began = performance.now();
  const seconds = Number(o.seconds);
  const perSecond = Number(o.rate);
  if (!(seconds > 0) || !(perSecond > 0 && perSecond <= 200)) {
    process.stderr.write('crossfeed: --seconds must be > 0 and --rate between 0 and 200 messages per second\n');
    return 2;
  }
  const st = styles(process.stdout.isTTY === true);
  const dir = mkdtempSync(join(tmpdir(), 'crossfeed-demo-'));
  const config = loadConfig(o.config ? { file: o.config } : {});
  config.database.path = join(dir, 'demo.db');
  const [server, core] = await Promise.all([
    LocalTwitchServer.start({ botRoles: { democast: { [BOT]: { moderator: true } } }, rooms: { cozystream: { slowSeconds: 3 } } }),
    (say('loading the database and models...'), buildCore(config)),
  ]);
  say(`local Twitch chat server on ${server.url} (Twitch's limits enforced; violations are printed)`);

  /** Every viewer line by message id: who, what, when, and whether the bot answered it. */
  const lines = new Map<string, { channel: string; who: string; text: string; at: number; answered: boolean }>();
  const latencies: number[] = [];
  const answersPerChannel = new Map<string, number>();
  let unthreaded = 0;
  const adapter = new TwitchAdapter(core.bot, {
    server: { host: '127.0.0.1', port: server.port, secure: false }, username: BOT, token: 'oauth:demo',
    channels: Object.keys(CHANNELS), log: (line) => say(st.dim(`twitch: ${line}`)),
  });
  server.onSent((m) => {
    answersPerChannel.set(m.channel, (answersPerChannel.get(m.channel) ?? 0) + 1);
    const q = m.replyParentId ? lines.get(m.replyParentId) : undefined;
    if (!q) {
      unthreaded++;
      say(`${st.cyan(`#${m.channel}`)} ${st.green(`${BOT}: ${m.text}`)}`);
      return;
    }
    if (!q.answered) latencies.push(performance.now() - q.at);
    q.answered = true;
    say(`${st.cyan(`#${m.channel}`)} ${st.bold(`${q.who}: ${q.text}`)}`);
    say(`${' '.repeat(m.channel.length + 2)}${st.green(`↳ ${BOT}: ${m.text}`)}`);
  });
  server.onViolation((v) => say(st.red(`VIOLATION ${v.kind} in #${v.channel ?? '?'}`)));
  adapter.start();
  await server.waitFor(() => Object.keys(CHANNELS).every((c) => server.joinedChannels(BOT).has(c)), 30_000, 'channels joined');
  for (const [c, what] of Object.entries(CHANNELS)) say(`joined #${c}: ${what}`);
  say(`ready in ${((performance.now() - began) / 1000).toFixed(1)} s. Simulating ${perSecond} viewer messages/s for ${seconds} s.`);
  say(`Dimmed lines are chat the bot leaves alone; answered questions are shown bright with the answer.${process.stdin.isTTY ? ' Type a message and press Enter to chat in #democast as "you".' : ''}`);

  const post = (channel: string, viewer: { login: string; displayName: string; userId: string; badges?: { moderator?: boolean; subscriber?: boolean } }, text: string) => {
    const id = server.say(channel, viewer, text);
    lines.set(id, { channel, who: viewer.displayName, text, at: performance.now(), answered: false });
    const badge = viewer.badges?.moderator ? '⚔ ' : viewer.badges?.subscriber ? '★ ' : '';
    say(st.dim(`#${channel} ${badge}${viewer.displayName}: ${text}`));
  };
  const rl = process.stdin.isTTY ? createInterface({ input: process.stdin }) : undefined;
  rl?.on('line', (line) => {
    if (line.trim()) post('democast', { login: 'you', displayName: 'you', userId: '1' }, line.trim());
  });
  const next = demoChat();
  const channels = Object.keys(CHANNELS);
  let n = 0;
  const timer = setInterval(() => {
    const { viewer, text } = next();
    post(channels[n % channels.length] ?? 'democast', viewer, text);
    n++;
  }, 1000 / perSecond);
  const interrupted = await new Promise<boolean>((resolve) => {
    const end = setTimeout(() => resolve(false), seconds * 1000);
    process.once('SIGINT', () => { clearTimeout(end); resolve(true); });
  });
  clearInterval(timer);
  rl?.close();
  // Answers still in Twitch's queues get a moment to go out before the summary.
  if (!interrupted) await new Promise((r) => setTimeout(r, 1500));
  const s = adapter.stats();
  await adapter.stop();
  const all = [...lines.values()];
  const answered = all.filter((l) => l.answered).length;
  const viewers = new Set(all.map((l) => l.who)).size;
  const dropped = Object.entries(s.dropped).filter(([, v]) => v > 0).map(([k, v]) => `${k} ${v}`).join(', ') || 'none';
  const median = latencies.length ? [...latencies].sort((a, b) => a - b)[Math.floor(latencies.length / 2)]! : NaN;
  say('');
  say(st.bold('summary'));
  say(`  ${all.length} messages from ${viewers} viewers in ${channels.length} channels`);
  say(`  ${answered} answered (median ${Number.isNaN(median) ? '-' : median < 1000 ? `${Math.round(median)} ms` : `${(median / 1000).toFixed(1)} s`} from question to answer), ${all.length - answered} left alone as chat noise or not for the bot`);
  say(`  answers sent per channel: ${channels.map((c) => `#${c} ${answersPerChannel.get(c) ?? 0}`).join(', ')}${unthreaded ? ` (${unthreaded} not threaded to a question)` : ''}`);
  say(`  answers dropped to stay within Twitch's limits: ${dropped}`);
  say(`  Twitch rule violations: ${server.violations.length}`);
  await server.close();
  await core.close();
  rmSync(dir, { recursive: true, force: true });
  return server.violations.length === 0 ? 0 : 1;
}

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}
