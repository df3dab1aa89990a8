import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { TwitchChatRules, type RoomState } from '../rules.js';
import { ChatEnforcer } from './enforcement.js';
import { ClientConnection } from './connection.js';
import { channelName, ServerPrefix, splitFrame, type OutLine } from './irc.js';
import { Room } from './rooms.js';
import { handleLine, type ChatHub } from './session.js';
import type { BotRole, LocalTwitchServerOptions, SayOptions, SentMessage, ServerStats, Viewer, Violation, ViolationKind } from './types.js';
import { chatLine, colorFor, numericId } from './viewers.js';
import { ServerObservers } from './observers.js';

export const DefaultLocalTwitchServerOptions = Object.freeze({
  host: '127.0.0.1',
  port: 0,
  rules: TwitchChatRules,
  emotes: ['Kappa', 'PogChamp', 'LUL', '<3'],
  rooms: {},
  botRoles: {},
  maxLineBytes: 8_192,
  pingIntervalMs: 0,
  pongTimeoutMs: 10_000,
  now: Date.now,
}) satisfies Required<Omit<LocalTwitchServerOptions, 'tokens'>>;

/**
 * A local Twitch chat server (IRC over WebSocket) that real tmi.js connects to. It speaks the
 * protocol as Twitch does, enforces Twitch's chat rules, and records every violation in
 * `violations` so tests can prove a bot never breaks them. Channels are named without `#`.
 */
export class LocalTwitchServer extends ServerObservers implements ChatHub {
  readonly sent: SentMessage[] = [];
  readonly violations: Violation[] = [];
  readonly stats: ServerStats = {
    connectionsOpened: 0, connectionsRefused: 0, authenticated: 0, linesReceived: 0, malformedLines: 0, joins: 0, parts: 0,
    privmsgReceived: 0, privmsgAccepted: 0, privmsgDropped: 0, unknownReplyParents: 0, viewerMessages: 0, violations: 0, pongTimeouts: 0,
  };
  readonly enforcer: ChatEnforcer;
  readonly emotes: ReadonlySet<string>;
  answeringPings = true;
  private refusing = false;
  private nextConnectionId = 1;
  private readonly opts: Required<Omit<LocalTwitchServerOptions, 'tokens'>> & Pick<LocalTwitchServerOptions, 'tokens'>;
  private readonly rooms = new Map<string, Room>();
  private readonly conns = new Set<ClientConnection>();
  private readonly maxLive = new Map<string, number>();
  private pingTimer: NodeJS.Timeout | undefined;

  private constructor(private readonly wss: WebSocketServer, options: LocalTwitchServerOptions) {
    super();
    this.opts = { ...DefaultLocalTwitchServerOptions, ...options };
    this.emotes = new Set(this.opts.emotes);
    this.enforcer = new ChatEnforcer(this.opts.rules, this.emotes);
    for (const [channel, state] of Object.entries(this.opts.rooms)) this.room(channel).state = { ...this.room(channel).state, ...state };
    for (const [channel, roles] of Object.entries(this.opts.botRoles)) {
      for (const [login, role] of Object.entries(roles)) this.room(channel).roles.set(login.toLowerCase(), role);
    }
    wss.on('connection', (ws) => this.accept(ws));
    if (this.opts.pingIntervalMs > 0) this.pingTimer = setInterval(() => this.sendPing(), this.opts.pingIntervalMs);
  }

  /** Starts listening (port 0 = a free port). */
  static async start(options: LocalTwitchServerOptions = {}): Promise<LocalTwitchServer> {
    let server: LocalTwitchServer | undefined;
    const wss = new WebSocketServer({
      host: options.host ?? DefaultLocalTwitchServerOptions.host,
      port: options.port ?? DefaultLocalTwitchServerOptions.port,
      maxPayload: 1024 * 1024,
      handleProtocols: (protocols) => (protocols.has('irc') ? 'irc' : false),
      verifyClient: (_info, done) => {
        if (server?.refusing) server.stats.connectionsRefused++;
        done(!server?.refusing, 503, 'Service Unavailable');
      },
    });
    await new Promise<void>((resolve, reject) => {
      wss.once('listening', resolve);
      wss.once('error', reject);
    });
    server = new LocalTwitchServer(wss, options);
    return server;
  }

  get port(): number {
    return (this.wss.address() as AddressInfo).port;
  }

  get url(): string {
    return `ws://${this.opts.host}:${this.port}`;
  }

  now(): number {
    return this.opts.now();
  }

  room(channel: string): Room {
    const name = channelName(channel);
    let room = this.rooms.get(name);
    if (!room) this.rooms.set(name, (room = new Room(name)));
    return room;
  }

  // --- room control -------------------------------------------------------------------------

  /**
   * Changes room modes. Joined clients get one ROOMSTATE per changed mode carrying only that tag
   * (and room-id), as Twitch sends after each mode command; tmi.js reads them one at a time.
   */
  setRoomState(channel: string, change: Partial<RoomState>): void {
    const room = this.room(channel);
    for (const [key, value] of Object.entries(change) as [keyof RoomState, RoomState[keyof RoomState]][]) {
      if (value === undefined || room.state[key] === value) continue;
      room.state = { ...room.state, [key]: value };
      this.broadcast(room, { tags: room.roomStateTags({ [key]: value }), prefix: ServerPrefix, command: 'ROOMSTATE', params: [`#${room.name}`] });
    }
  }

  /** Changes an account's standing in a channel; its joined connections get a fresh USERSTATE. */
  setBotRole(channel: string, login: string, role: BotRole): void {
    const room = this.room(channel);
    const who = login.toLowerCase();
    room.roles.set(who, { ...room.roleOf(who), ...role });
    for (const c of this.conns) {
      if (c.login === who && c.joined.has(room.name)) {
        c.send({ tags: room.userStateTags(who), prefix: ServerPrefix, command: 'USERSTATE', params: [`#${room.name}`] });
      }
    }
  }

  /** A viewer's chat message, with the full tags Twitch sends, to every connection in the channel. Returns its id. */
  say(channel: string, viewer: Viewer, text: string, options: SayOptions = {}): string {
    if (/[\r\n]/.test(text)) throw new TypeError('chat text cannot contain CR or LF');
    const room = this.room(channel);
    const login = viewer.login.toLowerCase();
    const parent = options.replyParent ?? undefined;
    const { line, entry } = chatLine({
      room, text, emotes: this.emotes, at: this.now(),
      chatter: {
        login, displayName: viewer.displayName ?? viewer.login, userId: viewer.userId ?? numericId(login),
        badges: viewer.badges ?? {}, color: viewer.color ?? colorFor(login),
      },
      ...(options.id === undefined ? {} : { id: options.id }),
      ...(parent ? { parent: { ...parent, ...threadOf(room, parent.msgId) } } : {}),
    });
    room.remember(entry);
    this.stats.viewerMessages++;
    this.broadcast(room, line);
    return entry.id;
  }

  // --- faults -------------------------------------------------------------------------------

  /** Kills every socket abruptly, without a close frame, as a network failure would. */
  dropConnections(): void {
    for (const c of this.conns) c.ws.terminate();
  }

  /** Twitch's "please reconnect" before maintenance; new connections are still accepted. */
  sendReconnect(): void {
    for (const c of this.conns) c.send({ prefix: ServerPrefix, command: 'RECONNECT' });
  }

  ignorePings(ignore: boolean): void {
    this.answeringPings = !ignore;
  }

  /** Writes a raw (possibly malformed) line to every open connection. */
  sendRaw(line: string): void {
    for (const c of this.conns) c.sendRaw(line.endsWith('\r\n') ? line : `${line}\r\n`);
  }

  refuseConnections(refuse: boolean): void {
    this.refusing = refuse;
  }

  /** Sends `PING :tmi.twitch.tv`; connections that have not answered the previous one are closed. */
  sendPing(): void {
    const now = this.now();
    for (const c of this.conns) {
      if (!c.authenticated) continue;
      if (c.pingSentAt !== undefined && now - c.pingSentAt >= this.opts.pongTimeoutMs) {
        this.stats.pongTimeouts++;
        c.ws.terminate();
        continue;
      }
      c.pingSentAt ??= now;
      c.send({ command: 'PING', trailing: ServerPrefix });
    }
  }

  // --- observability ------------------------------------------------------------------------

  connectionCount(): number {
    return this.conns.size;
  }

  /** The most authenticated sockets `login` ever had open at once: 2+ means a duplicate-socket bug. */
  maxConcurrentConnections(login: string): number {
    return this.maxLive.get(login.toLowerCase()) ?? 0;
  }

  /** Channels joined by the live connections of `login`. */
  joinedChannels(login: string): Set<string> {
    const who = login.toLowerCase();
    return new Set([...this.conns].filter((c) => c.login === who).flatMap((c) => [...c.joined]));
  }

  async close(): Promise<void> {
    clearInterval(this.pingTimer);
    for (const c of this.conns) c.ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  // --- ChatHub ------------------------------------------------------------------------------

  tokenValid(login: string, pass: string | undefined): boolean {
    if (!this.opts.tokens) return true;
    const expected = this.opts.tokens.get(login);
    const bare = (t: string): string => t.replace(/^oauth:/, '');
    return expected !== undefined && pass !== undefined && bare(expected) === bare(pass);
  }

  violation(conn: ClientConnection, kind: ViolationKind, channel?: string, text?: string): void {
    const v: Violation = {
      kind, at: this.now(), connectionId: conn.id, login: conn.login ?? conn.nick,
      ...(channel === undefined ? {} : { channel }), ...(text === undefined ? {} : { text }),
    };
    this.violations.push(v);
    this.stats.violations++;
    this.emitViolation(v);
  }

  onAuthenticated(conn: ClientConnection): void {
    this.stats.authenticated++;
    const live = [...this.conns].filter((c) => c.open && c.login === conn.login).length;
    const login = conn.login ?? conn.nick;
    this.maxLive.set(login, Math.max(this.maxLive.get(login) ?? 0, live));
  }

  broadcast(room: Room, line: OutLine, except?: ClientConnection): void {
    for (const c of this.conns) if (c !== except && c.joined.has(room.name)) c.send(line);
  }

  recordSent(entry: SentMessage): void {
    this.sent.push(entry);
    this.emitSent(entry);
  }

  private accept(ws: WebSocket): void {
    const conn = new ClientConnection(this.nextConnectionId++, ws);
    this.conns.add(conn);
    this.stats.connectionsOpened++;
    ws.on('message', (data, isBinary) => {
      const frame = isBinary ? '' : data.toString();
      for (const line of splitFrame(frame)) {
        if (!conn.open) return;
        if (Buffer.byteLength(line) > this.opts.maxLineBytes) {
          this.violation(conn, 'line_too_long', undefined, line.slice(0, 200));
          conn.ws.close(1009, 'line too long');
          return;
        }
        handleLine(this, conn, line);
      }
    });
    // ws closes the socket itself after a protocol error; an oversized frame is a huge line.
    ws.on('error', (err: Error & { code?: string }) => {
      if (err.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') this.violation(conn, 'line_too_long');
    });
    ws.on('close', () => this.conns.delete(conn));
  }
}

function threadOf(room: Room, parentId: string): { threadId?: string; threadLogin?: string } {
  const known = room.message(parentId);
  return known ? { threadId: known.threadId, threadLogin: known.threadLogin } : {};
}
