import type { RoomState, TwitchRules } from '../rules.js';

/** What the server caught a client doing that real Twitch would drop, punish or refuse. */
export type ViolationKind =
  | 'locked_out' // sent while the account was locked out after a `rate_limit`
  | 'not_joined' // PRIVMSG to a channel the connection has not joined
  | 'rate_limit' // account-wide message limit reached (starts the lockout)
  | 'too_long' // more than rules.maxMessageChars code points
  | 'msg_ratelimit' // per-channel spacing when not privileged
  | 'msg_slowmode'
  | 'msg_duplicate'
  | 'msg_emoteonly'
  | 'msg_followersonly'
  | 'msg_subsonly'
  | 'msg_r9k'
  | 'join_limit' // more than rules.joinLimit JOINs per rules.joinWindowMs
  | 'line_too_long' // a client line over the line limit: the connection is closed
  | 'auth_failed'
  | 'unsupported_command'; // a `/cmd` or `.cmd` chat command, which Twitch no longer runs over IRC

export interface Violation {
  readonly kind: ViolationKind;
  readonly channel?: string;
  readonly text?: string;
  readonly at: number;
  readonly connectionId: number;
  readonly login: string;
}

/** A bot message the server accepted and delivered. */
export interface SentMessage {
  readonly id: string;
  readonly channel: string;
  readonly text: string;
  readonly replyParentId?: string;
  readonly at: number;
  readonly connectionId: number;
  readonly login: string;
}

/** The account's standing in one channel. Broadcaster is implied when the channel is the login. */
export interface BotRole {
  readonly moderator?: boolean;
  readonly vip?: boolean;
  readonly subscriber?: boolean;
  /** Minutes the account has followed the channel; absent = not following. */
  readonly followedMinutes?: number;
}

export interface ViewerBadges {
  readonly broadcaster?: boolean;
  readonly moderator?: boolean;
  readonly vip?: boolean;
  /** true, or the number of months subscribed. */
  readonly subscriber?: boolean | number;
}

export interface Viewer {
  readonly login: string;
  readonly displayName?: string;
  readonly userId?: string;
  readonly badges?: ViewerBadges;
  readonly color?: string;
}

export interface ReplyParent {
  readonly msgId: string;
  readonly userLogin: string;
  readonly userId: string;
  readonly displayName: string;
  readonly body: string;
}

export interface SayOptions {
  readonly id?: string;
  readonly replyParent?: ReplyParent;
}

export interface LocalTwitchServerOptions {
  readonly host?: string;
  /** 0 = any free port. */
  readonly port?: number;
  readonly rules?: TwitchRules;
  /** login -> token (with or without `oauth:`); when absent any `oauth:` token is accepted. */
  readonly tokens?: ReadonlyMap<string, string>;
  /** Words that count as emotes in emote-only rooms. */
  readonly emotes?: readonly string[];
  /** Initial room modes, keyed by channel (with or without `#`). */
  readonly rooms?: Readonly<Record<string, Partial<RoomState>>>;
  /** channel -> login -> role. */
  readonly botRoles?: Readonly<Record<string, Readonly<Record<string, BotRole>>>>;
  /** Longest client line in bytes; a longer one closes the connection (`line_too_long`). */
  readonly maxLineBytes?: number;
  /** Send `PING :tmi.twitch.tv` this often (0 = never) and close clients that do not PONG in time. */
  readonly pingIntervalMs?: number;
  readonly pongTimeoutMs?: number;
  /** The clock for every rule; tests may pass a fake one. */
  readonly now?: () => number;
}

export interface ServerStats {
  connectionsOpened: number;
  connectionsRefused: number;
  authenticated: number;
  linesReceived: number;
  malformedLines: number;
  joins: number;
  parts: number;
  privmsgReceived: number;
  privmsgAccepted: number;
  privmsgDropped: number;
  unknownReplyParents: number;
  viewerMessages: number;
  violations: number;
  pongTimeouts: number;
}
