import { EventEmitter } from 'node:events';
import tmi from 'tmi.js';
import { normalizeChannel } from './channel-state.js';
import type { SendPlan } from './plan.js';
import { BUDGET_UNREACHABLE_RETRY_MS, type SharedChatBudget } from './shared-budget.js';
import { SlidingWindow } from './sliding-window.js';

export interface TwitchConnectionOptions {
  /** Chat server; Twitch's own is irc-ws.chat.twitch.tv:443 over TLS. */
  server: { host: string; port: number; secure: boolean };
  username: string;
  /** OAuth token, with or without the `oauth:` prefix. */
  token: string;
  plan: Pick<SendPlan, 'joinLimit' | 'joinWindowMs'>;
  /** First reconnect delay; doubles per failed attempt up to `reconnectMaxMs`, with full jitter. */
  reconnectInitialMs: number;
  reconnectMaxMs: number;
  /** A session that stayed up this long resets the backoff. */
  stableAfterMs: number;
  pingIntervalMs: number;
  pingTimeoutMs: number;
  /** A JOIN not confirmed within this time is sent again. */
  joinTimeoutMs: number;
  log: (line: string) => void;
  /** Several instances on one account: each JOIN also takes a slot of the account's shared join window. */
  shared?: Pick<SharedChatBudget, 'takeJoin'>;
}

export const DefaultTwitchConnectionOptions = {
  reconnectInitialMs: 1_000,
  reconnectMaxMs: 60_000,
  stableAfterMs: 30_000,
  pingIntervalMs: 60_000,
  pingTimeoutMs: 10_000,
  joinTimeoutMs: 15_000,
} as const satisfies Partial<TwitchConnectionOptions>;

export interface TwitchConnectionEvents {
  message: [channel: string, tags: tmi.ChatUserstate, text: string];
  userstate: [channel: string, rawTags: Record<string, unknown>];
  roomstate: [channel: string, rawTags: Record<string, unknown>];
  notice: [channel: string, msgId: string, text: string];
  connected: [];
  disconnected: [reason: string];
  /** The account can't log in (bad token or name): no reconnects are attempted. */
  fatal: [reason: string];
}

/** An IRC line as tmi.js's parser gives it. */
interface RawMessage { command: string; params: string[]; tags: Record<string, unknown>; prefix: string | null }
/** The commands `onRaw` acts on; every other line (chat itself) goes to tmi.js alone. */
const RAW_COMMANDS: ReadonlySet<string> = new Set(['RECONNECT', 'USERSTATE', 'ROOMSTATE', 'NOTICE', 'JOIN', 'PART']);

const AUTH_FAILURE = /authentication failed|Login unsuccessful|Improperly formatted auth|Error logging in|Invalid NICK/i;

/**
 * One live chat connection for one account, with tmi.js doing the IRC. tmi.js's own reconnect is
 * switched off: it can leave two sockets alive (its RECONNECT handler schedules a connect of its
 * own), so each session gets a fresh client and a retired one is made inert before the next opens.
 */
export class TwitchConnection extends EventEmitter<TwitchConnectionEvents> {
  private client: tmi.Client | undefined;
  private live = false;
  private stopped = false;
  private attempt = 0;
  private readonly desired = new Set<string>();
  private readonly joined = new Set<string>();
  private readonly pendingJoins = new Map<string, number>();
  private readonly joining = new Set<string>();
  private readonly joinWindow: SlidingWindow;
  private readonly timers = new Set<NodeJS.Timeout>();
  private pingTimer: NodeJS.Timeout | undefined;
  private joinPump: Promise<void> | undefined;
  private waiters = new Set<() => void>();
  /** Reading from the socket is paused (backpressure, see `pauseReading`). */
  private readingPaused = false;
  /** When reading last resumed: a PONG may have waited unread until then. */
  private resumedAt = 0;
  /** Sockets opened over the connection's life (tests and stats). */
  sessions = 0;
  /** Times reading was paused because the bot had too much in hand (stats). */
  readPauses = 0;

  constructor(private readonly o: TwitchConnectionOptions) {
    super();
    this.joinWindow = new SlidingWindow(o.plan.joinWindowMs);
  }

  get connected(): boolean {
    return this.live;
  }

  get channels(): ReadonlySet<string> {
    return this.joined;
  }

  start(channels: Iterable<string> = []): void {
    for (const c of channels) this.desired.add(normalizeChannel(c));
    this.open();
  }

  canSend(channel: string): boolean {
    return this.live && this.joined.has(normalizeChannel(channel));
  }

  /** Resolves once connected and joined to `channel`. */
  whenReady(channel: string, signal: AbortSignal): Promise<void> {
    const name = normalizeChannel(channel);
    if (this.canSend(name)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!this.canSend(name)) return;
        cleanup();
        resolve();
      };
      const abort = () => {
        cleanup();
        reject(signal.reason);
      };
      const cleanup = () => {
        this.waiters.delete(check);
        signal.removeEventListener('abort', abort);
      };
      if (signal.aborted) return abort();
      this.waiters.add(check);
      signal.addEventListener('abort', abort, { once: true });
    });
  }

  join(channel: string): void {
    this.desired.add(normalizeChannel(channel));
    this.pumpJoins();
  }

  part(channel: string): void {
    const name = normalizeChannel(channel);
    this.desired.delete(name);
    this.joining.delete(name);
    this.pendingJoins.delete(name);
    if (this.joined.has(name) && this.live) this.client?.part(`#${name}`).catch(() => undefined);
    this.joined.delete(name);
  }

  /**
   * Stops reading chat from the socket until `resumeReading`: the lines not yet read wait in the
   * kernel's and the server's buffers instead of this process's heap (the adapter calls it when the
   * bot has too many messages in hand). Lines already read from the socket are still delivered.
   */
  pauseReading(): void {
    if (this.readingPaused) return;
    this.readingPaused = true;
    this.readPauses++;
    this.socket()?.pause();
  }

  resumeReading(): void {
    if (!this.readingPaused) return;
    this.readingPaused = false;
    this.resumedAt = Date.now();
    this.socket()?.resume();
  }

  get readingIsPaused(): boolean {
    return this.readingPaused;
  }

  /** tmi.js's WebSocket (package ws), which can pause its socket. */
  private socket(): { pause(): void; resume(): void } | undefined {
    const ws = (this.client as unknown as { ws?: { pause?: () => void; resume?: () => void; readyState: number } | null } | undefined)?.ws;
    return ws?.pause && ws.resume && ws.readyState === 1 ? (ws as { pause(): void; resume(): void }) : undefined;
  }

  /** Sends one PRIVMSG; the scheduler has already checked every limit. */
  send(channel: string, text: string, replyParentId?: string): void {
    const client = this.client;
    if (!client || !this.live) throw new Error('not connected to Twitch chat');
    const safe = chatSafe(text);
    const tag = replyParentId && /^[\w-]{1,64}$/.test(replyParentId) ? `@reply-parent-msg-id=${replyParentId} ` : '';
    void client.raw(`${tag}PRIVMSG #${normalizeChannel(channel)} :${safe}`).catch((err: unknown) => this.o.log(`send failed: ${String(err)}`));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    const client = this.client;
    this.client = undefined;
    this.setLive(false);
    if (client) await this.retire(client, true);
  }

  private open(): void {
    if (this.stopped || this.client) return;
    const client = new tmi.Client({
      options: { skipUpdatingEmotesets: true, skipMembership: true, messagesLogLevel: 'info' },
      connection: { server: this.o.server.host, port: this.o.server.port, secure: this.o.server.secure, reconnect: false, timeout: this.o.pingTimeoutMs },
      identity: { username: this.o.username, password: this.o.token.startsWith('oauth:') ? this.o.token : `oauth:${this.o.token}` },
      channels: [],
      logger: { info: () => undefined, warn: () => undefined, error: (m: string) => this.o.log(`tmi.js: ${m}`) },
    });
    this.client = client;
    this.sessions++;
    const mine = () => this.client === client;
    // tmi.js throws from its socket handler on some malformed lines (a PRIVMSG without text),
    // which would take the whole process down: contain it to the one line.
    const internals = client as unknown as { handleMessage: (msg: RawMessage | null) => void };
    const handle = internals.handleMessage.bind(client);
    internals.handleMessage = (msg) => {
      try {
        // The commands the connection reads itself, raw, before tmi.js rewrites the tags in place.
        // Not a 'raw_message' listener: with one, tmi.js deep-copies every chat line through JSON.
        if (msg && RAW_COMMANDS.has(msg.command) && mine()) this.onRaw(client, { ...msg, tags: { ...msg.tags } });
        handle(msg);
      } catch (err) {
        this.o.log(`ignored a line tmi.js could not handle: ${String(err)}`);
      }
    };
    client.on('message', (channel, tags, text, self) => {
      if (mine() && !self) this.emit('message', normalizeChannel(channel), tags, text);
    });
    client.on('pong', () => {
      if (mine()) this.lastPong = Date.now();
    });
    client.on('disconnected', (reason) => this.lost(client, String(reason)));
    client.connect().then(
      () => {
        if (!mine()) return;
        this.setLive(true);
        this.startPing(client);
        this.later(() => {
          if (mine()) this.attempt = 0;
        }, this.o.stableAfterMs);
        this.pumpJoins();
      },
      (err: unknown) => this.lost(client, String(err)),
    );
  }

  private lastPong = 0;
  private sharedErrorLoggedAt = Number.NEGATIVE_INFINITY;

  private onRaw(client: tmi.Client, msg: RawMessage): void {
    const command = msg.command;
    const params = Array.isArray(msg.params) ? msg.params.map(String) : [];
    const tags = msg.tags ?? {};
    const channel = normalizeChannel(params[0] ?? '');
    const self = String(msg.prefix ?? '').split('!')[0]?.toLowerCase() === this.o.username.toLowerCase();
    switch (command) {
      case 'RECONNECT':
        this.o.log('Twitch asked to reconnect');
        this.lost(client, 'server requested reconnect', true);
        break;
      case 'USERSTATE':
        this.emit('userstate', channel, tags);
        break;
      case 'ROOMSTATE':
        this.emit('roomstate', channel, tags);
        if (this.joining.delete(channel)) {
          this.joined.add(channel);
          this.wake();
        }
        break;
      case 'NOTICE':
        this.emit('notice', channel, String(tags['msg-id'] ?? ''), params[1] ?? '');
        break;
      case 'JOIN':
        // Joined, but the bot's standing (USERSTATE) and the room's modes (ROOMSTATE) follow;
        // sending before they arrive could break a mode the bot doesn't know about yet.
        if (self && this.pendingJoins.delete(channel) && this.desired.has(channel)) this.joining.add(channel);
        break;
      case 'PART':
        if (self) this.joined.delete(channel);
        break;
    }
  }

  /** The session ended (socket closed, connect failed, ping timeout, RECONNECT): start a new one later. */
  private lost(client: tmi.Client, reason: string, immediate = false): void {
    if (this.client !== client) return;
    this.client = undefined;
    this.setLive(false);
    void this.retire(client, false);
    this.emit('disconnected', reason);
    if (AUTH_FAILURE.test(reason)) {
      this.stopped = true;
      this.o.log(`Twitch login failed (${reason}); check TWITCH_USERNAME and TWITCH_OAUTH_TOKEN`);
      this.emit('fatal', reason);
      return;
    }
    if (this.stopped) return;
    const ceiling = immediate ? 250 : Math.min(this.o.reconnectMaxMs, this.o.reconnectInitialMs * 2 ** this.attempt);
    this.attempt++;
    // Full jitter: many bots dropped at once must not come back in the same instant.
    const delay = Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
    this.o.log(`disconnected (${reason}); reconnecting in ${delay} ms`);
    this.later(() => this.open(), delay);
  }

  /** Makes an old client inert: no listeners, no reconnect of its own, socket closed now. */
  private async retire(client: tmi.Client, polite: boolean): Promise<void> {
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.pingTimer = undefined;
    client.removeAllListeners();
    const internals = client as unknown as { reconnect: boolean; connect: () => Promise<unknown>; ws: { terminate?: () => void; close: () => void; readyState: number } | null };
    internals.reconnect = false;
    internals.connect = () => Promise.resolve();
    if (polite && internals.ws?.readyState === 1) {
      await Promise.race([client.disconnect().catch(() => undefined), new Promise((r) => setTimeout(r, 1_000))]);
    }
    const ws = internals.ws;
    if (ws) ws.terminate ? ws.terminate() : ws.close();
  }

  private setLive(live: boolean): void {
    this.live = live;
    if (live) {
      // A new session starts as paused as the old one ended.
      if (this.readingPaused) this.socket()?.pause();
      this.emit('connected');
      this.wake();
    } else {
      this.joined.clear();
      this.joining.clear();
      this.pendingJoins.clear();
    }
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
  }

  private startPing(client: tmi.Client): void {
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.pingTimer = setInterval(() => {
      if (this.client !== client || !this.live) return;
      const sentAt = Date.now();
      client.raw('PING').catch(() => undefined);
      this.later(() => {
        // While reading is paused the PONG may be waiting unread in the socket: not a dead connection.
        if (this.readingPaused || this.resumedAt > sentAt) return;
        if (this.client === client && this.lastPong < sentAt) this.lost(client, 'ping timeout');
      }, this.o.pingTimeoutMs);
    }, this.o.pingIntervalMs);
    this.pingTimer.unref();
  }

  /** Joins what is desired and not joined, within the join limit; one pump at a time. */
  private pumpJoins(): void {
    if (this.joinPump || !this.live) return;
    this.joinPump = this.runJoins().finally(() => {
      this.joinPump = undefined;
    });
  }

  private async runJoins(): Promise<void> {
    const client = this.client;
    for (;;) {
      if (!client || this.client !== client || !this.live) return;
      const now = Date.now();
      const next = [...this.desired].find((c) => !this.joined.has(c) && !this.joining.has(c) && now - (this.pendingJoins.get(c) ?? -Infinity) > this.o.joinTimeoutMs);
      if (!next) {
        // Unconfirmed joins are retried once their timeout passes.
        if (this.pendingJoins.size > 0) this.later(() => this.pumpJoins(), this.o.joinTimeoutMs);
        return;
      }
      const wait = this.joinWindow.waitFor(this.o.plan.joinLimit, now);
      if (wait > 0) {
        await new Promise((r) => setTimeout(r, wait));
        continue;
      }
      if (this.o.shared) {
        // The other instances' JOINs count against the same account limit.
        const sharedWait = await this.sharedJoinWait();
        if (sharedWait > 0) {
          await new Promise((r) => setTimeout(r, sharedWait));
          continue;
        }
        if (this.client !== client || !this.live || !this.desired.has(next) || this.joined.has(next)) continue;
      }
      this.joinWindow.record(Date.now());
      this.pendingJoins.set(next, now);
      client.raw(`JOIN #${next}`).catch(() => undefined);
    }
  }

  /** 0 once a shared join slot is taken; otherwise how long to wait (unreachable: retry soon, never join unchecked). */
  private async sharedJoinWait(): Promise<number> {
    try {
      const answer = await this.o.shared!.takeJoin({ limit: this.o.plan.joinLimit, windowMs: this.o.plan.joinWindowMs });
      return answer.granted ? 0 : 'waitMs' in answer ? Math.max(1, answer.waitMs) : BUDGET_UNREACHABLE_RETRY_MS;
    } catch (err) {
      if (Date.now() - this.sharedErrorLoggedAt > 10_000) {
        this.sharedErrorLoggedAt = Date.now();
        this.o.log(`shared join budget unreachable, joins wait: ${err instanceof Error ? err.message : String(err)}`);
      }
      return BUDGET_UNREACHABLE_RETRY_MS;
    }
  }

  private later(fn: () => void, ms: number): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }
}

/** One IRC line can't be split or turned into a command by what the bot says. */
export function chatSafe(text: string): string {
  return text.replace(/[\r\n\u0000]+/g, ' ').replace(/^[\s/.\\]+/, '').trim();
}
