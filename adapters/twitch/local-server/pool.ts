import type { AddressInfo } from 'node:net';
import type { WebSocket, WebSocketServer } from 'ws';
import { ClientConnection } from './connection.js';
import { ServerPrefix, splitFrame } from './irc.js';
import { ServerObservers } from './observers.js';
import type { ServerStats, ViolationKind } from './types.js';

export interface PoolLimits {
  readonly host: string;
  readonly maxLineBytes: number;
  readonly pongTimeoutMs: number;
}

/**
 * The sockets of a local Twitch server: accepting them, cutting frames into lines, the fault
 * switches tests pull (drops, RECONNECT, ignored PINGs, refused connections) and what tests
 * observe about connections.
 */
export abstract class ClientPool extends ServerObservers {
  readonly stats: ServerStats = {
    connectionsOpened: 0, connectionsRefused: 0, authenticated: 0, linesReceived: 0, malformedLines: 0, joins: 0, parts: 0,
    privmsgReceived: 0, privmsgAccepted: 0, privmsgDropped: 0, unknownReplyParents: 0, viewerMessages: 0, violations: 0, pongTimeouts: 0,
  };
  answeringPings = true;
  protected readonly conns = new Set<ClientConnection>();
  private refusing = false;
  private nextConnectionId = 1;
  private readonly maxLive = new Map<string, number>();

  protected constructor(protected readonly wss: WebSocketServer, private readonly limits: PoolLimits) {
    super();
    wss.on('connection', (ws) => this.accept(ws));
  }

  abstract now(): number;
  abstract violation(conn: ClientConnection, kind: ViolationKind, channel?: string, text?: string): void;
  protected abstract handleLine(conn: ClientConnection, line: string): void;

  get port(): number {
    return (this.wss.address() as AddressInfo).port;
  }

  get url(): string {
    return `ws://${this.limits.host}:${this.port}`;
  }

  /** Whether the WebSocket handshake of a new client should be refused (see `refuseConnections`). */
  protected admitHandshake(): boolean {
    if (this.refusing) this.stats.connectionsRefused++;
    return !this.refusing;
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

  /** While on, WebSocket handshakes are answered with HTTP 503. */
  refuseConnections(refuse: boolean): void {
    this.refusing = refuse;
  }

  /** Sends `PING :tmi.twitch.tv`; a connection that left the previous one unanswered too long is dropped. */
  sendPing(): void {
    const now = this.now();
    for (const c of this.conns) {
      if (!c.authenticated) continue;
      if (c.pingSentAt !== undefined && now - c.pingSentAt >= this.limits.pongTimeoutMs) {
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

  onAuthenticated(conn: ClientConnection): void {
    this.stats.authenticated++;
    const login = conn.login ?? conn.nick;
    const live = [...this.conns].filter((c) => c.open && c.login === login).length;
    this.maxLive.set(login, Math.max(this.maxLive.get(login) ?? 0, live));
  }

  protected async closePool(): Promise<void> {
    for (const c of this.conns) c.ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private accept(ws: WebSocket): void {
    const conn = new ClientConnection(this.nextConnectionId++, ws);
    this.conns.add(conn);
    this.stats.connectionsOpened++;
    ws.on('message', (data, isBinary) => {
      if (isBinary) return; // Twitch speaks text frames only.
      for (const line of splitFrame(data.toString())) {
        if (!conn.open) return;
        if (Buffer.byteLength(line) > this.limits.maxLineBytes) {
          this.violation(conn, 'line_too_long', undefined, line.slice(0, 200));
          conn.ws.close(1009, 'line too long');
          return;
        }
        this.handleLine(conn, line);
      }
    });
    // ws closes the socket itself after a protocol error; an oversized frame is a huge line.
    ws.on('error', (err: Error & { code?: string }) => {
      if (err.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') this.violation(conn, 'line_too_long');
    });
    ws.on('close', () => this.conns.delete(conn));
  }
}
