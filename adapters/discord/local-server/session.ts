import type { WebSocket } from 'ws';
import type { GatewayEncoder } from './compression.js';

/** Gateway opcodes, as Discord numbers them. */
export const Op = {
  Dispatch: 0, Heartbeat: 1, Identify: 2, PresenceUpdate: 3, VoiceStateUpdate: 4, Resume: 6, Reconnect: 7,
  RequestGuildMembers: 8, InvalidSession: 9, Hello: 10, HeartbeatAck: 11, RequestSoundboardSounds: 31,
} as const;

/** Gateway close codes the server uses. */
export const Close = {
  UnknownError: 4000, UnknownOpcode: 4001, DecodeError: 4002, NotAuthenticated: 4003, AuthenticationFailed: 4004,
  AlreadyAuthenticated: 4005, RateLimited: 4008, SessionTimedOut: 4009, InvalidShard: 4010, InvalidApiVersion: 4012,
  InvalidIntents: 4013, DisallowedIntents: 4014,
} as const;

/** Intent bits the server looks at. */
export const Intent = {
  Guilds: 1 << 0, GuildMembers: 1 << 1, GuildPresences: 1 << 8, GuildMessages: 1 << 9, DirectMessages: 1 << 12, MessageContent: 1 << 15,
} as const;
/** Every intent bit Discord defines (0-25 minus the unused 22-23); others close with 4013. */
export const KnownIntents = ((1 << 26) - 1) & ~((1 << 22) | (1 << 23));

/** How many dispatches a session keeps for RESUME replay. */
const ReplayLogSize = 1_000;

/** One socket: its encoder, its send-rate window, and the session it carries once identified. */
export class GatewayConnection {
  session: GatewaySession | undefined;
  private windowStart = 0;
  private windowCount = 0;

  constructor(readonly id: number, readonly ws: WebSocket, public encoder: GatewayEncoder, readonly zlibStream: boolean) {}

  send(payload: object): void {
    this.encoder.encode(JSON.stringify(payload), (frame) => {
      if (this.ws.readyState === this.ws.OPEN) this.ws.send(frame);
    });
  }

  /** Counts one client payload; false when it is past `limit` per `windowMs` (Discord: 120 per 60 s). */
  countSend(now: number, limit: number, windowMs: number): boolean {
    if (now - this.windowStart >= windowMs) {
      this.windowStart = now;
      this.windowCount = 0;
    }
    return ++this.windowCount <= limit;
  }
}

/**
 * A gateway session: what survives a dropped socket. It numbers its dispatches and keeps the
 * recent ones, so a RESUME with the last sequence the client saw replays exactly what it missed.
 */
export class GatewaySession {
  connection: GatewayConnection | undefined;
  disconnectedAt = 0;
  invalid = false;
  private seq = 0;
  private readonly log: { readonly s: number; readonly t: string; readonly d: unknown }[] = [];

  constructor(readonly id: string, readonly intents: number, readonly shard: readonly [number, number]) {}

  has(intent: number): boolean {
    return (this.intents & intent) === intent;
  }

  /** Whether a guild's events belong to this session's shard: (guild_id >> 22) % shard_count. */
  ownsGuild(guildId: string): boolean {
    return Number((BigInt(guildId) >> 22n) % BigInt(this.shard[1])) === this.shard[0];
  }

  /** Numbers and logs a dispatch, and sends it if a socket is attached. */
  dispatch(t: string, d: unknown): number {
    const s = ++this.seq;
    this.log.push({ s, t, d });
    if (this.log.length > ReplayLogSize) this.log.shift();
    this.connection?.send({ op: Op.Dispatch, t, s, d });
    return s;
  }

  /** The dispatches after `seq`, or undefined when some of them are no longer kept. */
  missedSince(seq: number): { readonly s: number; readonly t: string; readonly d: unknown }[] | undefined {
    if (seq > this.seq) return undefined;
    const first = this.log[0];
    if (first && seq < first.s - 1) return undefined;
    return this.log.filter((e) => e.s > seq);
  }

  get sequence(): number {
    return this.seq;
  }
}
