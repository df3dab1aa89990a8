import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import tmi from 'tmi.js';
import { WebSocket } from 'ws';
import { escapeTagValue, formatLine, parseLine, unescapeTagValue } from '../../adapters/twitch/local-server/irc.js';
import { LocalTwitchServer } from '../../adapters/twitch/local-server/server.js';
import type { LocalTwitchServerOptions } from '../../adapters/twitch/local-server/types.js';
import { scaleRules, TwitchChatRules } from '../../adapters/twitch/rules.js';

const fast = scaleRules(TwitchChatRules, 0.05);
/** tmi.js keeps the last USERSTATE per channel, untyped in @types/tmi.js. */
const userstate = (client: tmi.Client, channel: string): tmi.ChatUserstate | undefined =>
  (client as unknown as { userstate: Record<string, tmi.ChatUserstate> }).userstate[channel];
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** A bare WebSocket IRC client that keeps every line it receives. */
class RawIrc {
  readonly lines: string[] = [];
  closed: number | undefined;
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => this.lines.push(...data.toString().split('\r\n').filter((l) => l !== '')));
    ws.on('close', (code) => (this.closed = code));
  }
  static async open(server: LocalTwitchServer): Promise<RawIrc> {
    const ws = new WebSocket(server.url, 'irc');
    const raw = new RawIrc(ws);
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    return raw;
  }
  send(...lines: string[]): void {
    this.ws.send(lines.join('\r\n'));
  }
  async login(server: LocalTwitchServer, nick: string): Promise<void> {
    this.send('CAP REQ :twitch.tv/tags twitch.tv/commands twitch.tv/membership', 'PASS oauth:x', `NICK ${nick}`);
    await server.waitFor(() => this.lines.some((l) => l.includes(' 376 ')), 5_000, '376');
  }
  waitLine(server: LocalTwitchServer, re: RegExp): Promise<string> {
    return server.waitFor(() => this.lines.find((l) => re.test(l)), 5_000, String(re));
  }
}

describe('adapters/twitch local chat server', () => {
  let server: LocalTwitchServer;
  let started: LocalTwitchServer | undefined;
  let clock: number;
  const clients: tmi.Client[] = [];
  const raws: RawIrc[] = [];

  async function start(options: LocalTwitchServerOptions = {}): Promise<void> {
    clock = 1_000_000;
    server = started = await LocalTwitchServer.start({ rules: fast, now: () => clock, ...options });
  }

  async function connect(username: string, password = 'oauth:abc123'): Promise<tmi.Client> {
    const client = new tmi.Client({
      options: { skipUpdatingEmotesets: true },
      connection: { server: '127.0.0.1', port: server.port, secure: false, reconnect: false },
      identity: { username, password },
      channels: [],
      logger: quiet,
    });
    clients.push(client);
    await client.connect();
    return client;
  }

  /** Sends through tmi.js and waits until the server has handled that PRIVMSG. */
  async function say(client: tmi.Client, channel: string, text: string): Promise<void> {
    const before = server.stats.privmsgReceived;
    await client.say(channel, text);
    await server.waitFor(() => server.stats.privmsgReceived > before, 5_000, `PRIVMSG ${text.slice(0, 20)}`);
  }

  async function raw(client: tmi.Client, line: string): Promise<void> {
    const before = server.stats.linesReceived;
    await client.raw(line);
    await server.waitFor(() => server.stats.linesReceived > before, 5_000, line.slice(0, 30));
  }

  const kinds = (): string[] => server.violations.map((v) => v.kind);

  afterEach(async () => {
    for (const c of clients.splice(0)) if (c.readyState() === 'OPEN') await c.disconnect().catch(() => undefined);
    for (const r of raws.splice(0)) r.ws.terminate();
    await started?.close();
    started = undefined;
  });

  it('escapes and parses IRC tags the way Twitch writes them', () => {
    const value = 'a b;c\\d\r\ne \u{E0000} 🎉';
    assert.equal(escapeTagValue(value), 'a\\sb\\:c\\\\d\\r\\ne\\s\u{E0000}\\s🎉');
    assert.equal(unescapeTagValue(escapeTagValue(value)), value);
    assert.equal(unescapeTagValue('x\\'), 'x');
    const line = parseLine('@reply-parent-msg-id=abc;client-nonce=n\\s1 PRIVMSG #chan :hi there :)');
    assert.deepEqual(line, { tags: { 'reply-parent-msg-id': 'abc', 'client-nonce': 'n 1' }, prefix: null, command: 'PRIVMSG', params: ['#chan', 'hi there :)'] });
    assert.equal(formatLine({ tags: { b: '1', a: 'x y' }, prefix: 'tmi.twitch.tv', command: 'NOTICE', params: ['#c'], trailing: 'hi' }), '@a=x\\sy;b=1 :tmi.twitch.tv NOTICE #c :hi');
    for (const garbage of ['', '@', '@a=b', ':prefix', ':: ::', '\u0000\u0001', '12 x', '@a=b :p']) assert.equal(parseLine(garbage), null, JSON.stringify(garbage));
  });

  it('logs tmi.js in, joins, and delivers a viewer message with faithful tags, replies included', async () => {
    await start({ botRoles: { shop: { crossbot: { moderator: true } } } });
    const bot = await connect('crossbot');
    await bot.join('#shop');
    assert.deepEqual(server.joinedChannels('crossbot'), new Set(['shop']));
    assert.equal(typeof (await bot.ping())[0], 'number'); // tmi.js only reads an unprefixed `PONG :tmi.twitch.tv`
    assert.equal(bot.isMod('#shop', 'crossbot'), true);
    assert.equal(userstate(bot, '#shop')?.mod, true);
    assert.deepEqual(userstate(bot, '#shop')?.badges, { moderator: '1' });

    const received: { tags: tmi.ChatUserstate; text: string }[] = [];
    bot.on('message', (_channel, tags, text, self) => { if (!self) received.push({ tags, text }); });
    const text = 'price? 🎉 Kappa \u{E0000}';
    const first = server.say('shop', { login: 'ana', displayName: 'Ana', userId: '4242', badges: { moderator: true, subscriber: 12 } }, text);
    const reply = server.say('#shop', { login: 'ben' }, 'me too', {
      replyParent: { msgId: first, userLogin: 'ana', userId: '4242', displayName: 'Ana', body: 'price?; really \\ sure' },
    });
    await server.waitFor(() => received.length === 2);
    const [a, b] = received;
    assert.equal(a?.text, text);
    assert.equal(a?.tags.id, first);
    assert.equal(a?.tags['user-id'], '4242');
    assert.equal(a?.tags['display-name'], 'Ana');
    assert.deepEqual(a?.tags.badges, { moderator: '1', subscriber: '12' });
    assert.equal(a?.tags.mod, true);
    assert.equal(a?.tags['emotes-raw'], '25:9-13');
    assert.equal(b?.tags.id, reply);
    assert.equal(b?.tags['reply-parent-msg-id'], first);
    assert.equal(b?.tags['reply-parent-msg-body'], 'price?; really \\ sure');
    assert.equal(b?.tags['reply-thread-parent-msg-id'], first);
  });

  it("delivers the bot's accepted message to other connections only, with its reply parent", async () => {
    await start();
    const bot = await connect('crossbot');
    const viewer = await connect('viewer1');
    await bot.join('#shop');
    await viewer.join('#shop');
    const seenByViewer: tmi.ChatUserstate[] = [];
    const seenByBot: string[] = [];
    viewer.on('message', (_c, tags, _t, self) => { if (!self && tags.username === 'crossbot') seenByViewer.push(tags); });
    bot.on('message', (_c, _tags, t, self) => { if (!self) seenByBot.push(t); });
    const parent = server.say('shop', { login: 'ana' }, 'which course?');
    await raw(bot, `@reply-parent-msg-id=${parent} PRIVMSG #shop :@ana try Python 101`);
    await server.waitFor(() => seenByViewer.length === 1);
    assert.equal(seenByViewer[0]?.['reply-parent-user-login'], 'ana');
    assert.equal(server.sent[0]?.replyParentId, parent);
    assert.equal(server.sent[0]?.text, '@ana try Python 101');
    assert.deepEqual(seenByBot, ['which course?']);
    assert.deepEqual(server.violations, []);
  });

  it('catches the account-wide message limit across channels, then keeps the account locked out', async () => {
    await start();
    const bot = await connect('crossbot');
    const channels = Array.from({ length: 21 }, (_, i) => `c${i}`);
    await raw(bot, `JOIN ${channels.slice(0, 20).map((c) => `#${c}`).join(',')}`);
    clock += fast.joinWindowMs;
    await bot.join('#c20');
    assert.equal(server.joinedChannels('crossbot').size, 21);
    for (const c of channels) await say(bot, c, `hello ${c}`);
    assert.equal(server.sent.length, 20);
    assert.deepEqual(kinds(), ['rate_limit']);
    assert.equal(server.violations[0]?.channel, 'c20');
    clock += fast.messageWindowMs;
    await say(bot, 'c0', 'after the window');
    assert.deepEqual(kinds(), ['rate_limit', 'locked_out']);
  });

  it('gives a moderator 100 per window in its channel, chosen per message', async () => {
    await start({ botRoles: { shop: { crossbot: { moderator: true } } } });
    const bot = await connect('crossbot');
    await bot.join('#shop');
    await bot.join('#other');
    for (let i = 0; i < 25; i++) await say(bot, 'shop', `same text`);
    assert.equal(server.sent.length, 25);
    assert.deepEqual(server.violations, []);
    await say(bot, 'other', 'not a mod here');
    assert.deepEqual(kinds(), ['rate_limit']);
  });

  it('enforces per-channel pacing, duplicates, slow mode and length for a non-privileged bot', async () => {
    await start();
    const bot = await connect('crossbot');
    const notices: string[] = [];
    bot.on('notice', (_c, msgid) => notices.push(msgid));
    await bot.join('#shop');
    await say(bot, 'shop', 'one');
    await say(bot, 'shop', 'two');
    clock += fast.channelGapMs;
    await say(bot, 'shop', 'one');
    clock += fast.duplicateWindowMs;
    await say(bot, 'shop', 'one');
    server.setRoomState('shop', { slowSeconds: 3 });
    clock += fast.channelGapMs;
    await say(bot, 'shop', 'three');
    clock += 3_000;
    await raw(bot, `PRIVMSG #shop :${'x'.repeat(501)}`);
    await raw(bot, `PRIVMSG #shop :${'🎉'.repeat(500)}`);
    await raw(bot, 'PRIVMSG #elsewhere :hi');
    assert.deepEqual(kinds(), ['msg_ratelimit', 'msg_duplicate', 'msg_slowmode', 'too_long', 'not_joined']);
    assert.deepEqual(server.sent.map((m) => [...m.text].slice(0, 3).join('')), ['one', 'one', '🎉🎉🎉']);
    await server.waitFor(() => notices.length === 3);
    assert.deepEqual(notices, ['msg_ratelimit', 'msg_duplicate', 'msg_slowmode']);
  });

  it('enforces emote-only, followers-only, subscribers-only and unique chat, and tells tmi.js of mode changes', async () => {
    await start();
    const bot = await connect('crossbot');
    await bot.join('#shop');
    const slow: number[] = [];
    bot.on('slowmode', (_c, enabled, seconds) => slow.push(enabled ? seconds : 0));
    const step = async (text: string): Promise<void> => {
      clock += fast.duplicateWindowMs;
      await say(bot, 'shop', text);
    };
    server.setRoomState('shop', { emoteOnly: true });
    await step('hello');
    await step('Kappa LUL');
    server.setRoomState('shop', { emoteOnly: false, followersOnlyMinutes: 10 });
    await step('follow me');
    server.setBotRole('shop', 'crossbot', { followedMinutes: 5 });
    await step('followed a bit');
    server.setBotRole('shop', 'crossbot', { followedMinutes: 60 });
    await step('followed long');
    server.setRoomState('shop', { followersOnlyMinutes: -1, subsOnly: true });
    await step('subs?');
    server.setRoomState('shop', { subsOnly: false, uniqueChat: true, slowSeconds: 1 });
    server.say('shop', { login: 'ana' }, 'Great Stream');
    await step('great stream');
    await step('something new');
    assert.deepEqual(kinds(), ['msg_emoteonly', 'msg_followersonly', 'msg_followersonly', 'msg_subsonly', 'msg_r9k']);
    assert.deepEqual(server.sent.map((m) => m.text), ['Kappa LUL', 'followed long', 'something new']);
    await server.waitFor(() => slow.length === 1);
    assert.deepEqual(slow, [1]);
    server.setBotRole('shop', 'crossbot', { vip: true });
    await server.waitFor(() => userstate(bot, '#shop')?.badges?.vip === '1');
  });

  it('drops JOINs over the join limit, comma lists included', async () => {
    await start();
    const bot = await connect('crossbot');
    await raw(bot, `JOIN ${Array.from({ length: 21 }, (_, i) => `#j${i}`).join(',')}`);
    assert.deepEqual(kinds(), ['join_limit']);
    assert.equal(server.violations[0]?.channel, 'j20');
    assert.equal(server.joinedChannels('crossbot').size, 20);
    clock += fast.joinWindowMs;
    await bot.join('#j20');
    assert.equal(server.joinedChannels('crossbot').size, 21);
  });

  it('counts concurrent sockets per login and drops them abruptly', async () => {
    await start();
    const one = await connect('crossbot');
    const two = await connect('crossbot');
    await connect('someone');
    assert.equal(server.maxConcurrentConnections('crossbot'), 2);
    assert.equal(server.maxConcurrentConnections('someone'), 1);
    assert.equal(server.connectionCount(), 3);
    const reasons: string[] = [];
    one.on('disconnected', (r) => reasons.push(r));
    two.on('disconnected', (r) => reasons.push(r));
    server.dropConnections();
    await server.waitFor(() => reasons.length === 2 && server.connectionCount() === 0);
    server.refuseConnections(true);
    await assert.rejects(connect('crossbot'));
    server.refuseConnections(false);
    await connect('crossbot');
    assert.equal(server.maxConcurrentConnections('crossbot'), 2);
  });

  it('refuses bad tokens and survives malformed, unknown and oversized client lines', async () => {
    await start({ tokens: new Map([['crossbot', 'oauth:good'], ['viewer1', 'good']]) });
    await assert.rejects(connect('crossbot', 'oauth:bad'), /Login authentication failed/);
    assert.deepEqual(kinds(), ['auth_failed']);
    const irc = await RawIrc.open(server);
    raws.push(irc);
    irc.send('CAP REQ :twitch.tv/commands', 'PASS oauth:good', 'NICK viewer1');
    await irc.waitLine(server, / 376 viewer1 /);
    irc.send('@', ':', ':only-prefix', '@a=b', '\u0000\u0001garbage', 'WHO #x', 'PRIVMSG', 'PRIVMSG nochan :x', 'JOIN', 'JOIN nochan,,#ok');
    irc.ws.send(Buffer.from([0xff, 0x00]), { binary: true });
    irc.send('PING :tmi.twitch.tv');
    await irc.waitLine(server, /^PONG :tmi.twitch.tv$/);
    assert.ok(irc.lines.includes(':tmi.twitch.tv 421 viewer1 WHO :Unknown command'));
    assert.deepEqual(server.joinedChannels('viewer1'), new Set(['ok']));

    server.ignorePings(true);
    const before = server.stats.linesReceived;
    irc.send('PING :first');
    await server.waitFor(() => server.stats.linesReceived > before);
    server.ignorePings(false);
    irc.send('PING :second');
    await irc.waitLine(server, /^PONG :second$/);
    assert.equal(irc.lines.filter((l) => l.startsWith('PONG')).length, 2);

    server.sendRaw('@@@ garbage :\u0000');
    server.sendReconnect();
    await irc.waitLine(server, /RECONNECT/);
    irc.send(`PRIVMSG #ok :${'y'.repeat(9_000)}`);
    await server.waitFor(() => irc.closed !== undefined);
    assert.equal(irc.closed, 1009);
    assert.deepEqual(kinds(), ['auth_failed', 'line_too_long']);
    const bot = await connect('crossbot', 'oauth:good');
    await bot.join('#ok');
  });

  it('PINGs clients and drops the ones that stop answering', async () => {
    await start({ pongTimeoutMs: 10_000 });
    const bot = await connect('crossbot');
    const silent = await RawIrc.open(server);
    raws.push(silent);
    await silent.login(server, 'silent');
    const pinged: number[] = [];
    bot.on('ping', () => pinged.push(clock));
    server.sendPing();
    await silent.waitLine(server, /^PING :tmi.twitch.tv$/);
    await server.waitFor(() => pinged.length === 1);
    await server.waitFor(() => server.stats.linesReceived >= 7, 5_000, "tmi.js's PONG"); // CAP PASS NICK, CAP PASS NICK, PONG
    clock += 10_000;
    server.sendPing();
    await server.waitFor(() => silent.closed !== undefined && pinged.length === 2);
    assert.equal(server.stats.pongTimeouts, 1);
    assert.equal(bot.readyState(), 'OPEN');
  });

  it('runs standalone and prints its ws URL', async () => {
    server = started = await LocalTwitchServer.start(); // only so afterEach has a server to close
    const child = spawn(process.execPath, ['dist/adapters/twitch/local-server/main.js', '--port', '0', '--scale', '0.05'], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const [chunk] = (await once(child.stdout, 'data')) as [Buffer];
      const url = chunk.toString().trim();
      assert.match(url, /^ws:\/\/127\.0\.0\.1:\d+$/);
      const irc = new WebSocket(url, 'irc');
      await once(irc, 'open');
      irc.close();
    } finally {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  });
});
