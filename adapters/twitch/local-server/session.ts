import { Caps, type ClientConnection } from './connection.js';
import { channelName, parseLine, ServerPrefix, userPrefix, type IrcLine, type OutLine } from './irc.js';
import type { Room } from './rooms.js';
import type { SentMessage, ServerStats, ViolationKind } from './types.js';
import type { ChatEnforcer } from './enforcement.js';
import { handlePrivmsg } from './privmsg.js';
import { numericId } from './viewers.js';

/** What a client session needs from the server that hosts it. */
export interface ChatHub {
  readonly enforcer: ChatEnforcer;
  readonly stats: ServerStats;
  readonly emotes: ReadonlySet<string>;
  readonly answeringPings: boolean;
  now(): number;
  room(channel: string): Room;
  tokenValid(login: string, pass: string | undefined): boolean;
  violation(conn: ClientConnection, kind: ViolationKind, channel?: string, text?: string): void;
  onAuthenticated(conn: ClientConnection): void;
  /** Sends to every connection joined to the room except `except`. */
  broadcast(room: Room, line: OutLine, except?: ClientConnection): void;
  recordSent(entry: SentMessage): void;
}

const Anonymous = /^justinfan\d+$/;

function reply(conn: ClientConnection, command: string, ...params: string[]): OutLine {
  const trailing = params.pop();
  return { prefix: ServerPrefix, command, params: [conn.nick, ...params], ...(trailing === undefined ? {} : { trailing }) };
}

/** Handles one client line; anything that is not understood is answered or ignored, never thrown. */
export function handleLine(hub: ChatHub, conn: ClientConnection, raw: string): void {
  hub.stats.linesReceived++;
  const line = parseLine(raw);
  if (!line) {
    hub.stats.malformedLines++;
    return;
  }
  switch (line.command) {
    case 'CAP': return handleCap(conn, line);
    case 'PASS': conn.pass = line.params[0]; return;
    case 'NICK': return handleNick(hub, conn, line);
    case 'PING': if (hub.answeringPings) conn.send({ command: 'PONG', trailing: line.params[0] ?? ServerPrefix }); return;
    case 'PONG': conn.pingSentAt = undefined; return;
    case 'USER': return;
    case 'QUIT': conn.ws.close(1000); return;
  }
  if (!conn.authenticated) return; // Twitch ignores everything else before login.
  switch (line.command) {
    case 'JOIN': return handleJoin(hub, conn, line);
    case 'PART': return handlePart(hub, conn, line);
    case 'PRIVMSG': return handlePrivmsg(hub, conn, line);
    default: conn.send(reply(conn, '421', line.command, 'Unknown command'));
  }
}

function handleCap(conn: ClientConnection, line: IrcLine): void {
  const sub = (line.params[0] ?? '').toUpperCase();
  if (sub === 'LS') conn.send({ prefix: ServerPrefix, command: 'CAP', params: ['*', 'LS'], trailing: Caps.join(' ') });
  if (sub !== 'REQ') return;
  const wanted = (line.params[1] ?? '').split(' ').filter((c) => c !== '');
  const known = wanted.every((c) => (Caps as readonly string[]).includes(c));
  if (known) wanted.forEach((c) => conn.caps.add(c));
  conn.send({ prefix: ServerPrefix, command: 'CAP', params: ['*', known ? 'ACK' : 'NAK'], trailing: wanted.join(' ') });
}

function refuseLogin(hub: ChatHub, conn: ClientConnection, text: string, record: boolean): void {
  if (record) hub.violation(conn, 'auth_failed');
  conn.send({ prefix: ServerPrefix, command: 'NOTICE', params: ['*'], trailing: text });
  conn.ws.close(1000);
}

function handleNick(hub: ChatHub, conn: ClientConnection, line: IrcLine): void {
  if (conn.authenticated) return;
  const nick = (line.params[0] ?? '').toLowerCase();
  conn.nick = nick === '' ? '*' : nick;
  if (!/^[a-z0-9_]{1,25}$/.test(nick)) return refuseLogin(hub, conn, 'Invalid NICK', false);
  if (Anonymous.test(nick)) conn.anonymous = true;
  else if (conn.pass === undefined || !conn.pass.startsWith('oauth:')) return refuseLogin(hub, conn, 'Improperly formatted auth', true);
  else if (!hub.tokenValid(nick, conn.pass)) return refuseLogin(hub, conn, 'Login authentication failed', true);
  conn.login = nick;
  const welcome: [string, string][] = [
    ['001', 'Welcome, GLHF!'], ['002', `Your host is ${ServerPrefix}`], ['003', 'This server is rather new'],
    ['004', '-'], ['375', '-'], ['372', 'You are in a maze of twisty passages, all alike.'], ['376', '>'],
  ];
  const lines: OutLine[] = welcome.map(([code, text]) => reply(conn, code, text));
  if (!conn.anonymous) {
    lines.push({
      tags: { 'badge-info': '', badges: '', color: '', 'display-name': nick, 'emote-sets': '0', 'user-id': numericId(nick), 'user-type': '' },
      prefix: ServerPrefix, command: 'GLOBALUSERSTATE',
    });
  }
  conn.send(...lines);
  hub.onAuthenticated(conn);
}

function channelsOf(line: IrcLine): string[] {
  return (line.params[0] ?? '').split(',').filter((c) => /^#[^\s,]+$/.test(c)).map(channelName);
}

function handleJoin(hub: ChatHub, conn: ClientConnection, line: IrcLine): void {
  const nick = conn.nick;
  for (const channel of channelsOf(line)) {
    if (!hub.enforcer.admitJoin(nick, hub.now())) {
      hub.violation(conn, 'join_limit', channel); // Twitch drops it without a word.
      continue;
    }
    hub.stats.joins++;
    const room = hub.room(channel);
    conn.joined.add(channel);
    const lines: OutLine[] = [
      { prefix: userPrefix(nick), command: 'JOIN', params: [`#${channel}`] },
      { prefix: `${nick}.tmi.twitch.tv`, command: '353', params: [nick, '=', `#${channel}`], trailing: nick },
      { prefix: `${nick}.tmi.twitch.tv`, command: '366', params: [nick, `#${channel}`], trailing: 'End of /NAMES list' },
    ];
    if (!conn.anonymous) lines.push({ tags: room.userStateTags(nick), prefix: ServerPrefix, command: 'USERSTATE', params: [`#${channel}`] });
    lines.push({ tags: room.roomStateTags(), prefix: ServerPrefix, command: 'ROOMSTATE', params: [`#${channel}`] });
    conn.send(...lines);
  }
}

function handlePart(hub: ChatHub, conn: ClientConnection, line: IrcLine): void {
  for (const channel of channelsOf(line)) {
    hub.stats.parts++;
    conn.joined.delete(channel);
    conn.send({ prefix: userPrefix(conn.nick), command: 'PART', params: [`#${channel}`] });
  }
}
