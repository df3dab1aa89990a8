import { WebSocketServer } from 'ws';
import { TwitchChatRules, type RoomState } from '../rules.js';
import type { ClientConnection } from './connection.js';
import { ChatEnforcer } from './enforcement.js';
import { channelName, ServerPrefix, type OutLine } from './irc.js';
import { ClientPool } from './pool.js';
import { Room } from './rooms.js';
import { handleLine, type ChatHub } from './session.js';
import type { BotRole, LocalTwitchServerOptions, SayOptions, SentMessage, Viewer, Violation, ViolationKind } from './types.js';
import { chatLine, colorFor, numericId } from './viewers.js';

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

type ResolvedOptions = Required<Omit<LocalTwitchServerOptions, 'tokens'>> & Pick<LocalTwitchServerOptions, 'tokens'>;

/**
 * A local Twitch chat server (IRC over WebSocket) that real tmi.js connects to. It speaks the
 * protocol as Twitch does, enforces Twitch's chat rules, and records every violation in
 * `violations` so tests can prove a bot never breaks them. Channels are named without `#`.
 */
export class LocalTwitchServer extends ClientPool implements ChatHub {
  readonly sent: SentMessage[] = [];
  readonly violations: Violation[] = [];
  readonly enforcer: ChatEnforcer;
  readonly emotes: ReadonlySet<string>;
  private readonly rooms = new Map<string, Room>();
  private readonly pingTimer: NodeJS.Timeout | undefined;

  private constructor(wss: WebSocketServer, private readonly opts: ResolvedOptions) {
    super(wss, opts);
    this.emotes = new Set(opts.emotes);
    this.enforcer = new ChatEnforcer(opts.rules, this.emotes);
    for (const [channel, state] of Object.entries(opts.rooms)) this.room(channel).state = { ...this.room(channel).state, ...state };
    for (const [channel, roles] of Object.entries(opts.botRoles)) {
      for (const [login, role] of Object.entries(roles)) this.room(channel).roles.set(login.toLowerCase(), role);
    }
    if (opts.pingIntervalMs > 0) this.pingTimer = setInterval(() => this.sendPing(), opts.pingIntervalMs);
  }

  /** Starts listening (port 0 = a free port). */
  static async start(options: LocalTwitchServerOptions = {}): Promise<LocalTwitchServer> {
    const opts: ResolvedOptions = { ...DefaultLocalTwitchServerOptions, ...options };
    let server: LocalTwitchServer | undefined;
    const wss = new WebSocketServer({
      host: opts.host,
      port: opts.port,
      maxPayload: 1024 * 1024,
      handleProtocols: (protocols) => (protocols.has('irc') ? 'irc' : false),
      verifyClient: (_info, done) => done(server?.admitHandshake() ?? false, 503, 'Service Unavailable'),
    });
    await new Promise<void>((resolve, reject) => {
      wss.once('listening', resolve);
      wss.once('error', reject);
    });
    server = new LocalTwitchServer(wss, opts);
    return server;
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
    const parent = options.replyParent;
    const known = parent ? room.message(parent.msgId) : undefined;
    const { line, entry } = chatLine({
      room, text, emotes: this.emotes, at: this.now(),
      chatter: {
        login, displayName: viewer.displayName ?? viewer.login, userId: viewer.userId ?? numericId(login),
        badges: viewer.badges ?? {}, color: viewer.color ?? colorFor(login),
      },
      ...(options.id === undefined ? {} : { id: options.id }),
      ...(parent ? { parent: { ...parent, ...(known ? { threadId: known.threadId, threadLogin: known.threadLogin } : {}) } } : {}),
    });
    room.remember(entry);
    this.stats.viewerMessages++;
    this.broadcast(room, line);
    return entry.id;
  }

  async close(): Promise<void> {
    clearInterval(this.pingTimer);
    await this.closePool();
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

  broadcast(room: Room, line: OutLine, except?: ClientConnection): void {
    for (const c of this.conns) if (c !== except && c.joined.has(room.name)) c.send(line);
  }

  recordSent(entry: SentMessage): void {
    this.sent.push(entry);
    this.emitSent(entry);
  }

  protected handleLine(conn: ClientConnection, line: string): void {
    handleLine(this, conn, line);
  }
}
