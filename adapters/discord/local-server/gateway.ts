import type { IncomingMessage } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { WebSocket, WebSocketServer } from 'ws';
import { payloadZlibEncoder, plainEncoder, zlibStreamEncoder } from './compression.js';
import { Close, GatewayConnection, GatewaySession, Intent, KnownIntents, Op } from './session.js';
import type { ServerStats, ViolationKind } from './types.js';

/** What the gateway needs from the server around it. */
export interface GatewayHost {
  readonly stats: ServerStats;
  readonly heartbeatIntervalMs: number;
  readonly privilegedIntents: number;
  readonly resumeWindowMs: number;
  readonly gatewayUrl: string;
  now(): number;
  tokenValid(token: unknown): boolean;
  violation(kind: ViolationKind, where: string, detail?: string): void;
  /** READY's `d` for a new session, less the session fields. */
  readyData(session: GatewaySession): Record<string, unknown>;
  /** Sends what follows READY: GUILD_CREATE for the session's guilds. */
  afterReady(session: GatewaySession): void;
}

/** Gateway sends allowed per connection per window (Discord: 120 per 60 s). */
const SendLimit = { limit: 120, windowMs: 60_000 };

/**
 * The gateway side: HELLO, IDENTIFY, READY, heartbeats, RESUME with replay, and the faults
 * tests pull (drops, RECONNECT, INVALID_SESSION, withheld heartbeat ACKs).
 */
export class Gateway {
  readonly sessions = new Map<string, GatewaySession>();
  readonly connections = new Set<GatewayConnection>();
  ackHeartbeats = true;
  private nextConnectionId = 1;

  constructor(wss: WebSocketServer, private readonly host: GatewayHost) {
    wss.on('connection', (ws, req) => this.accept(ws, req));
  }

  /** Sessions that receive dispatches: identified and not invalidated (connected or resumable). */
  live(): GatewaySession[] {
    return [...this.sessions.values()].filter((s) => !s.invalid);
  }

  /** Kills every socket without a close frame, as a network failure would; sessions stay resumable. */
  dropConnections(): void {
    for (const c of this.connections) c.ws.terminate();
  }

  /** Op 7: asks every client to reconnect and resume. */
  sendReconnect(): void {
    for (const c of this.connections) c.send({ op: Op.Reconnect, d: null, s: null, t: null });
  }

  /** Op 9 to every identified connection; non-resumable sessions are forgotten. */
  invalidateSessions(resumable: boolean): void {
    for (const c of this.connections) {
      if (!c.session) continue;
      if (!resumable) {
        c.session.invalid = true;
        c.session = undefined;
      }
      c.send({ op: Op.InvalidSession, d: resumable, s: null, t: null });
    }
  }

  close(): void {
    for (const c of this.connections) {
      c.encoder.close();
      c.ws.terminate();
    }
  }

  private accept(ws: WebSocket, req: IncomingMessage): void {
    const h = this.host;
    h.stats.gatewayConnections++;
    const query = new URL(req.url ?? '/', 'ws://localhost').searchParams;
    const compress = query.get('compress');
    const zlibStream = compress === 'zlib-stream';
    const conn = new GatewayConnection(this.nextConnectionId++, ws, zlibStream ? zlibStreamEncoder() : plainEncoder(), zlibStream);
    this.connections.add(conn);
    ws.on('close', (code) => this.closed(conn, code));
    ws.on('error', () => undefined);
    ws.on('message', (data, isBinary) => this.receive(conn, isBinary ? null : data.toString()));
    if (query.get('v') !== '10') return void ws.close(Close.InvalidApiVersion, 'Invalid API version');
    if ((query.get('encoding') ?? 'json') !== 'json' || (compress !== null && compress !== 'zlib-stream')) {
      return void ws.close(Close.DecodeError, 'Unsupported encoding');
    }
    conn.send({ op: Op.Hello, d: { heartbeat_interval: h.heartbeatIntervalMs, _trace: ['["crossfeed-local-gateway",{}]'] }, s: null, t: null });
  }

  private closed(conn: GatewayConnection, code: number): void {
    this.connections.delete(conn);
    conn.encoder.close();
    const s = conn.session;
    if (!s || s.connection !== conn) return;
    s.connection = undefined;
    s.disconnectedAt = this.host.now();
    // A client closing with 1000/1001 ends its session, as on Discord; anything else may resume.
    if (code === 1000 || code === 1001) s.invalid = true;
  }

  private refuse(conn: GatewayConnection, code: number, reason: string, violation?: string): void {
    if (violation) this.host.violation('gateway_protocol', 'gateway', violation);
    conn.ws.close(code, reason);
  }

  private receive(conn: GatewayConnection, text: string | null): void {
    const h = this.host;
    if (!conn.countSend(h.now(), SendLimit.limit, SendLimit.windowMs)) {
      h.violation('gateway_rate_limit', 'gateway', `more than ${SendLimit.limit} sends in ${SendLimit.windowMs} ms`);
      return void conn.ws.close(Close.RateLimited, 'Rate limited.');
    }
    let payload: { op?: unknown; d?: unknown };
    try {
      payload = JSON.parse(text ?? '') as { op?: unknown; d?: unknown };
    } catch {
      return this.refuse(conn, Close.DecodeError, 'Error while decoding payload.');
    }
    const d = (typeof payload.d === 'object' && payload.d !== null ? payload.d : {}) as Record<string, unknown>;
    switch (payload.op) {
      case Op.Heartbeat:
        h.stats.heartbeats++;
        if (this.ackHeartbeats) {
          h.stats.heartbeatAcks++;
          conn.send({ op: Op.HeartbeatAck, d: null, s: null, t: null });
        }
        return;
      case Op.Identify:
        return this.identify(conn, d);
      case Op.Resume:
        return this.resume(conn, d);
      case Op.PresenceUpdate: case Op.VoiceStateUpdate: case Op.RequestGuildMembers: case Op.RequestSoundboardSounds:
        if (!conn.session) return this.refuse(conn, Close.NotAuthenticated, 'Not authenticated.', `op ${String(payload.op)} before IDENTIFY`);
        return;
      default:
        return this.refuse(conn, Close.UnknownOpcode, 'Unknown opcode.', `unknown op ${String(payload.op)}`);
    }
  }

  private identify(conn: GatewayConnection, d: Record<string, unknown>): void {
    const h = this.host;
    if (conn.session) return this.refuse(conn, Close.AlreadyAuthenticated, 'Already authenticated.', 'second IDENTIFY');
    h.stats.identifies++;
    if (!h.tokenValid(d.token)) return this.refuse(conn, Close.AuthenticationFailed, 'Authentication failed.');
    const intents = d.intents;
    if (typeof intents !== 'number' || !Number.isInteger(intents) || intents < 0 || (intents & ~KnownIntents) !== 0) {
      return this.refuse(conn, Close.InvalidIntents, 'Invalid intent(s).');
    }
    const privileged = Intent.GuildMembers | Intent.GuildPresences | Intent.MessageContent;
    if ((intents & privileged & ~h.privilegedIntents) !== 0) return this.refuse(conn, Close.DisallowedIntents, 'Disallowed intent(s).');
    const shardIn = Array.isArray(d.shard) ? d.shard : [0, 1];
    const shard: [number, number] = [Number(shardIn[0] ?? 0), Number(shardIn[1] ?? 1)];
    if (!(shard[1] >= 1 && shard[0] >= 0 && shard[0] < shard[1])) return this.refuse(conn, Close.InvalidShard, 'Invalid shard.');
    if (d.compress === true && !conn.zlibStream) conn.encoder = payloadZlibEncoder();
    const session = new GatewaySession(randomBytes(16).toString('hex'), intents, shard);
    this.sessions.set(session.id, session);
    session.connection = conn;
    conn.session = session;
    session.dispatch('READY', { ...h.readyData(session), session_id: session.id, resume_gateway_url: h.gatewayUrl, shard });
    h.afterReady(session);
  }

  private resume(conn: GatewayConnection, d: Record<string, unknown>): void {
    const h = this.host;
    h.stats.resumes++;
    if (!h.tokenValid(d.token)) return this.refuse(conn, Close.AuthenticationFailed, 'Authentication failed.');
    const session = typeof d.session_id === 'string' ? this.sessions.get(d.session_id) : undefined;
    const seq = typeof d.seq === 'number' ? d.seq : 0;
    const expired = session !== undefined && !session.connection && h.now() - session.disconnectedAt > h.resumeWindowMs;
    const missed = session?.missedSince(seq);
    if (!session || session.invalid || expired || !missed) {
      if (session) session.invalid = true;
      conn.send({ op: Op.InvalidSession, d: false, s: null, t: null });
      return;
    }
    const previous = session.connection;
    if (previous && previous !== conn) {
      previous.session = undefined;
      previous.ws.close(Close.UnknownError, 'Session resumed elsewhere');
    }
    session.connection = conn;
    conn.session = session;
    for (const e of missed) conn.send({ op: Op.Dispatch, t: e.t, s: e.s, d: e.d });
    session.dispatch('RESUMED', { _trace: ['["crossfeed-local-gateway",{}]'] });
  }
}
