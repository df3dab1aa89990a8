/** What the server caught a bot doing that real Discord would refuse, punish or count against it. */
export type ViolationKind =
  | 'ignored_rate_limit' // a request to a route bucket that was exhausted (or told to retry later) before it reset
  | 'global_rate_limit' // more than the global requests per second
  | 'late_interaction_response' // initial response after the interaction window (3 s)
  | 'double_acknowledgement' // a second initial response to one interaction
  | 'expired_interaction_token' // a follow-up or edit after the token's 15 minutes
  | 'invalid_form_body' // a payload Discord rejects with 50035 (lengths, counts, shapes)
  | 'unauthorized' // REST call with a missing or wrong bot token
  | 'gateway_rate_limit' // more than 120 gateway sends per 60 s on one connection
  | 'gateway_protocol'; // an op sent out of order (payload before IDENTIFY, a second IDENTIFY, unknown op)

export interface Violation {
  readonly kind: ViolationKind;
  readonly at: number;
  /** `METHOD /route` for REST, `gateway` for the WebSocket. */
  readonly where: string;
  readonly detail?: string;
}

/** A user as tests describe them; `id` defaults to a stable snowflake derived from the username. */
export interface DiscordUserSpec {
  readonly id?: string;
  readonly username: string;
  readonly globalName?: string;
  readonly bot?: boolean;
  /** Guild permissions as a bit set (string or bigint); the owner has all of them. */
  readonly permissions?: bigint | string;
  readonly roles?: readonly string[];
}

/** Discord channel types the server models: 0 text, 1 DM, 2 voice, 4 category, 5 announcement, 15 forum. */
export type ChannelType = 0 | 1 | 2 | 4 | 5 | 15;

export interface ChannelSpec {
  readonly id?: string;
  readonly name: string;
  readonly type?: ChannelType;
}

export interface GuildSpec {
  readonly id?: string;
  readonly name: string;
  readonly channels: readonly ChannelSpec[];
  /** Defaults to a member named `owner`. */
  readonly ownerId?: string;
  readonly members?: readonly DiscordUserSpec[];
}

export interface SayOptions {
  /** User ids mentioned besides the `<@id>` tokens found in the content. */
  readonly mentions?: readonly string[];
  /** Reply to this message (a bot message id): Discord sets message_reference and, pinging by default, mentions its author. */
  readonly replyTo?: string;
}

export interface LocalDiscordServerOptions {
  readonly host?: string;
  /** 0 = any free port. */
  readonly port?: number;
  readonly heartbeatIntervalMs?: number;
  readonly botToken?: string;
  readonly appId?: string;
  readonly botUserId?: string;
  readonly botUsername?: string;
  /** How long after INTERACTION_CREATE the first response may come (Discord: 3 s). */
  readonly interactionTimeoutMs?: number;
  /** How long an interaction token takes follow-ups and edits (Discord: 15 minutes). */
  readonly interactionTokenTtlMs?: number;
  /** Requests per second across the bot's authenticated routes (Discord: 50). */
  readonly globalRequestsPerSecond?: number;
  /** Messages per channel per window on POST /channels/:id/messages (Discord: 5 per 5 s). */
  readonly channelMessageLimit?: number;
  readonly channelMessageWindowMs?: number;
  /** Seconds a `force429` asks the client to wait. */
  readonly forcedRetryAfterMs?: number;
  /** Privileged intents enabled in the developer portal; others close the gateway with 4014. */
  readonly privilegedIntents?: number;
  /** How long a dropped session can still be resumed. */
  readonly resumeWindowMs?: number;
}

export interface ServerStats {
  gatewayConnections: number;
  identifies: number;
  resumes: number;
  heartbeats: number;
  heartbeatAcks: number;
  dispatches: number;
  restRequests: number;
  /** 401, 403 and 429 answers: the count Discord bans an IP for at 10,000 per 10 minutes. */
  invalidRequests: number;
  rateLimited: number;
  forced429: number;
  messagesCreated: number;
  interactionsSent: number;
  interactionResponses: number;
  violations: number;
}

/** An embed or component as sent on the wire; the server only checks sizes and shape. */
export type JsonObject = { readonly [key: string]: unknown };

/** One version of a bot-sent message. */
export interface MessageVersion {
  readonly content: string;
  readonly embeds: readonly JsonObject[];
  readonly components: readonly JsonObject[];
  readonly at: number;
}

/** A message the bot sent (channel message, interaction reply or follow-up), with its edits. */
export interface BotMessage {
  readonly id: string;
  readonly channelId: string;
  readonly guildId?: string;
  content: string;
  embeds: readonly JsonObject[];
  components: readonly JsonObject[];
  flags: number;
  readonly ephemeral: boolean;
  /** The interaction this message answers, if any. */
  readonly interactionId?: string;
  readonly at: number;
  /** Earlier versions, oldest first; the current one is the message itself. */
  readonly edits: MessageVersion[];
  deleted: boolean;
}

/** One response to an interaction: the initial callback (types 4-7) or a webhook call after it. */
export interface InteractionResponse {
  /** Callback type (4 reply, 5 deferred reply, 6 deferred update, 7 update), or `edit` / `followup` / `delete`. */
  readonly type: 4 | 5 | 6 | 7 | 'edit' | 'followup' | 'delete';
  readonly data: JsonObject;
  readonly ephemeral: boolean;
  readonly at: number;
  readonly messageId?: string;
}
