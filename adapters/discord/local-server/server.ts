import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { CommandRegistry, GlobalScope } from './commands.js';
import { findComponent, interactionPayload, type InteractionData } from './dispatches.js';
import { Gateway } from './gateway.js';
import { interactionToken, SnowflakeSource } from './ids.js';
import { interactionRoutes } from './interaction-routes.js';
import { InteractionRecord, typedOptions, type OptionValue } from './interactions.js';
import { botMessagePayload, EphemeralFlag, MessageStore, userMessagePayload, type MessageBody } from './messages.js';
import { RateLimiter } from './ratelimit.js';
import { ServerObservers } from './observers.js';
import { restHandler } from './rest.js';
import { botRoutes, type RouteContext } from './routes.js';
import { Intent, type GatewaySession } from './session.js';
import type {
  BotMessage, DiscordUserSpec, GuildSpec, JsonObject, LocalDiscordServerOptions, SayOptions, ServerStats, Violation, ViolationKind,
} from './types.js';
import { World, type ChannelRecord, type GuildRecord, type UserRecord } from './world.js';

export const DefaultLocalDiscordServerOptions = Object.freeze({
  host: '127.0.0.1',
  port: 0,
  heartbeatIntervalMs: 41_250,
  botToken: 'MTEwMDAwMDAwMDAwMDAwMDAwMQ.local.crossfeed-local-discord-token',
  appId: '1100000000000000001',
  botUserId: '1100000000000000001',
  botUsername: 'crossfeed',
  interactionTimeoutMs: 3_000,
  interactionTokenTtlMs: 15 * 60_000,
  globalRequestsPerSecond: 50,
  channelMessageLimit: 5,
  channelMessageWindowMs: 5_000,
  forcedRetryAfterMs: 1_000,
  privilegedIntents: Intent.GuildMembers | Intent.GuildPresences | Intent.MessageContent,
  resumeWindowMs: 5 * 60_000,
}) satisfies Required<LocalDiscordServerOptions>;

type Resolved = Required<LocalDiscordServerOptions>;

/**
 * A local Discord: the gateway (WebSocket) and REST API (HTTP) on one port, close enough to the
 * real thing that the real discord.js Client runs against it. Tests drive users through `say`,
 * `slash`, `click` and `select`, pull faults (drops, RECONNECT, INVALID_SESSION, 429s), and read
 * what the bot did in `messages`, interaction `responses`, and `violations` of Discord's rules.
 */
export class LocalDiscordServer extends ServerObservers implements RouteContext {
  readonly violations: Violation[] = [];
  readonly stats: ServerStats = {
    gatewayConnections: 0, identifies: 0, resumes: 0, heartbeats: 0, heartbeatAcks: 0, dispatches: 0, restRequests: 0,
    invalidRequests: 0, rateLimited: 0, forced429: 0, messagesCreated: 0, interactionsSent: 0, interactionResponses: 0, violations: 0,
  };
  readonly ids = new SnowflakeSource();
  readonly world: World;
  readonly store = new MessageStore();
  readonly commands: CommandRegistry;
  readonly limiter: RateLimiter;
  readonly gateway: Gateway;
  private readonly interactions = new Map<string, InteractionRecord>();
  private readonly interactionTokens = new Map<string, InteractionRecord>();

  private constructor(private readonly http: Server, private readonly wss: WebSocketServer, private readonly opts: Resolved) {
    super();
    this.world = new World(this.ids, { id: opts.botUserId, username: opts.botUsername, globalName: null, bot: true });
    this.commands = new CommandRegistry(this.ids, opts.appId);
    this.limiter = new RateLimiter(opts.globalRequestsPerSecond, opts.forcedRetryAfterMs, () => this.now());
    const self = this;
    this.gateway = new Gateway(wss, {
      stats: this.stats, heartbeatIntervalMs: opts.heartbeatIntervalMs, privilegedIntents: opts.privilegedIntents,
      resumeWindowMs: opts.resumeWindowMs, get gatewayUrl() { return self.gatewayUrl; },
      now: () => this.now(), tokenValid: (t) => this.tokenValid(t), violation: (k, w, d) => this.violation(k, w, d),
      readyData: (s) => this.readyData(s), afterReady: (s) => this.afterReady(s),
    });
    const handler = restHandler(this, [...botRoutes(this), ...interactionRoutes(this)]);
    http.on('request', (req, res) => void handler(req, res));
  }

  /** Starts listening on one port for both HTTP and the gateway (port 0 = a free port). */
  static async start(options: LocalDiscordServerOptions = {}): Promise<LocalDiscordServer> {
    const opts: Resolved = { ...DefaultLocalDiscordServerOptions, ...options };
    const http = createServer();
    const wss = new WebSocketServer({ server: http, maxPayload: 4096 * 1024 });
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(opts.port, opts.host, resolve);
    });
    return new LocalDiscordServer(http, wss, opts);
  }

  // --- addresses and settings ------------------------------------------------------------------

  get port(): number {
    return (this.http.address() as AddressInfo).port;
  }
  get url(): string {
    return `http://${this.opts.host}:${this.port}`;
  }
  /** What discord.js takes as `rest.api`. */
  get apiBase(): string {
    return `${this.url}/api`;
  }
  get gatewayUrl(): string {
    return `ws://${this.opts.host}:${this.port}`;
  }
  get botToken(): string {
    return this.opts.botToken;
  }
  get appId(): string {
    return this.opts.appId;
  }
  get botUser(): UserRecord {
    return this.world.bot;
  }
  get interactionTimeoutMs(): number {
    return this.opts.interactionTimeoutMs;
  }
  get interactionTokenTtlMs(): number {
    return this.opts.interactionTokenTtlMs;
  }
  get channelMessageLimit(): { limit: number; windowMs: number } {
    return { limit: this.opts.channelMessageLimit, windowMs: this.opts.channelMessageWindowMs };
  }

  now(): number {
    return Date.now();
  }

  // --- world -----------------------------------------------------------------------------------

  /** Adds a guild with the bot in it; connected sessions get its GUILD_CREATE. */
  addGuild(spec: GuildSpec): GuildRecord {
    const guild = this.world.addGuild(spec);
    this.dispatchTo((s) => s.has(Intent.Guilds) && s.ownsGuild(guild.id), 'GUILD_CREATE', () => this.world.guildCreatePayload(guild));
    return guild;
  }

  /** Registers a user (for DMs and mentions) without a guild. */
  addUser(spec: DiscordUserSpec): UserRecord {
    return this.world.user(spec);
  }

  /** Opens (or finds) the DM channel between the bot and a user. */
  dmChannel(user: DiscordUserSpec): ChannelRecord {
    return this.world.dmWith(this.world.user(user).id);
  }

  /** Deletes a channel: later REST calls to it get 10003, sessions get CHANNEL_DELETE. */
  deleteChannel(id: string): void {
    const c = this.world.channel(id);
    if (!c) throw new Error(`no channel ${id}`);
    const payload = this.world.channelPayload(c);
    c.deleted = true;
    if (c.guildId !== undefined) {
      const g = c.guildId;
      this.dispatchTo((s) => s.has(Intent.Guilds) && s.ownsGuild(g), 'CHANNEL_DELETE', () => payload);
    }
  }

  // --- what users do ---------------------------------------------------------------------------

  /** A user's message in a channel (guild or DM): MESSAGE_CREATE to the bot. Returns the message id. */
  say(channelId: string, author: DiscordUserSpec, content: string, options: SayOptions = {}): string {
    const channel = this.liveChannel(channelId);
    const user = this.world.user(author);
    if (channel.guildId !== undefined) this.world.member(this.guildOf(channel), user, author);
    const inline = [...content.matchAll(/<@!?(\d{17,20})>/g)].map((m) => m[1] as string);
    const replyTo = options.replyTo === undefined ? undefined : this.store.botMessage(options.replyTo);
    if (options.replyTo !== undefined && !replyTo) throw new Error(`no bot message ${options.replyTo} to reply to`);
    // A reply pings the replied-to author by default, which makes it a mention of the bot.
    const mentionIds = [...new Set([...(options.mentions ?? []), ...inline, ...(replyTo ? [this.world.bot.id] : [])])];
    const m = { id: this.ids.next(), channelId, authorId: user.id, content, mentionIds, at: this.now(), ...(replyTo ? { replyTo } : {}) };
    this.store.addUser(m);
    const intent = channel.type === 1 ? Intent.DirectMessages : Intent.GuildMessages;
    this.dispatchTo((s) => s.has(intent) && this.sessionSees(s, channel), 'MESSAGE_CREATE',
      (s) => userMessagePayload(this.world, m, channel, user, s.has(Intent.MessageContent)));
    return m.id;
  }

  /**
   * A user runs a slash command. With the command registered (guild or global), its option
   * definitions type the values and reject what Discord's UI could not send; unregistered
   * commands are sent with types inferred from the values.
   */
  slash(guildId: string | undefined, channelId: string, user: DiscordUserSpec, commandName: string, options: Readonly<Record<string, OptionValue>> = {}): InteractionRecord {
    const channel = this.liveChannel(channelId);
    if (channel.guildId !== guildId) throw new Error(`channel ${channelId} is not in guild ${String(guildId)}`);
    const command = this.commands.find(guildId, commandName);
    const typed = typedOptions(command, options);
    const resolvedUsers = typed.filter((o) => o.type === 6).map((o) => this.world.users.get(String(o.value))).filter((u): u is UserRecord => !!u);
    return this.interact(channel, user, commandName, undefined, {
      kind: 2, commandId: typeof command?.id === 'string' ? command.id : this.ids.next(), name: commandName, options: typed, resolvedUsers,
    });
  }

  /** A user clicks a button on a bot message. */
  click(messageId: string, customId: string, user: DiscordUserSpec): InteractionRecord {
    const { message, component } = this.componentOf(messageId, customId);
    if (component.type !== 2) throw new Error(`${customId} is not a button`);
    if (component.disabled === true) throw new Error(`button ${customId} is disabled`);
    return this.interact(this.liveChannel(message.channelId), user, customId, message.id, { kind: 3, customId, componentType: 2, message });
  }

  /** A user picks values in a select menu on a bot message. */
  select(messageId: string, customId: string, values: readonly string[], user: DiscordUserSpec): InteractionRecord {
    const { message, component } = this.componentOf(messageId, customId);
    const type = Number(component.type);
    if (![3, 5, 6, 7, 8].includes(type)) throw new Error(`${customId} is not a select menu`);
    const min = typeof component.min_values === 'number' ? component.min_values : 1;
    const max = typeof component.max_values === 'number' ? component.max_values : 1;
    if (values.length < min || values.length > max) throw new Error(`select ${customId} takes ${min}-${max} values`);
    if (type === 3) {
      const offered = new Set(((component.options ?? []) as JsonObject[]).map((o) => o.value));
      for (const v of values) if (!offered.has(v)) throw new Error(`"${v}" is not an option of ${customId}`);
    }
    return this.interact(this.liveChannel(message.channelId), user, customId, message.id, { kind: 3, customId, componentType: type, values, message });
  }

  // --- what tests read -------------------------------------------------------------------------

  /** The bot's messages in a channel (channel sends, interaction replies and follow-ups), with edits. */
  messages(channelId: string): BotMessage[] {
    return this.store.inChannel(channelId);
  }

  /** Commands registered for a guild, or the global ones without an argument. */
  registeredCommands(guildId?: string): JsonObject[] {
    return this.commands.list(guildId ?? GlobalScope);
  }

  interaction(id: string): InteractionRecord | undefined {
    return this.interactions.get(id);
  }

  identifyCount(): number {
    return this.stats.identifies;
  }

  // --- faults ----------------------------------------------------------------------------------

  /** Kills every gateway socket abruptly; sessions stay resumable. */
  dropConnections(): void {
    this.gateway.dropConnections();
  }
  /** Op 7 RECONNECT to every connection. */
  sendReconnect(): void {
    this.gateway.sendReconnect();
  }
  /** Op 9 INVALID_SESSION with `d = resumable` to every identified connection. */
  invalidateSession(resumable: boolean): void {
    this.gateway.invalidateSessions(resumable);
  }
  /** While true, heartbeats get no ACK, so the client should see a zombie connection and resume. */
  stopHeartbeatAcks(stop: boolean): void {
    this.gateway.ackHeartbeats = !stop;
  }
  /** The next `times` requests on a route (`'POST /channels/:channel/messages'`, template or RegExp) get 429. */
  force429(route: string | RegExp, times = 1): void {
    this.limiter.force429(route, times);
  }

  async close(): Promise<void> {
    this.gateway.close();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  // --- RouteContext / gateway host -------------------------------------------------------------

  tokenValid(token: unknown): boolean {
    return typeof token === 'string' && token.replace(/^Bot\s+/i, '') === this.opts.botToken;
  }

  violation(kind: ViolationKind, where: string, detail?: string): void {
    const v: Violation = { kind, at: this.now(), where, ...(detail === undefined ? {} : { detail }) };
    this.violations.push(v);
    this.stats.violations++;
    this.emitViolation(v);
  }

  interactionById(id: string): InteractionRecord | undefined {
    return this.interactions.get(id);
  }
  interactionByToken(token: string): InteractionRecord | undefined {
    return this.interactionTokens.get(token);
  }

  createBotMessage(channel: ChannelRecord, body: MessageBody, extra: { ephemeral?: boolean; interactionId?: string; flags?: number } = {}): BotMessage {
    const ephemeral = extra.ephemeral ?? false;
    const m = this.store.addBot({
      id: this.ids.next(), channelId: channel.id, ...(channel.guildId === undefined ? {} : { guildId: channel.guildId }),
      content: body.content ?? '', embeds: body.embeds ?? [], components: body.components ?? [],
      flags: ((body.flags ?? 0) & ~EphemeralFlag) | (extra.flags ?? 0) | (ephemeral ? EphemeralFlag : 0),
      ephemeral, at: this.now(), edits: [], deleted: false,
      ...(extra.interactionId === undefined ? {} : { interactionId: extra.interactionId }),
    });
    this.stats.messagesCreated++;
    // The gateway event, unlike the REST answer, says what kind of channel it is in.
    if (!ephemeral) this.dispatchMessage(channel, 'MESSAGE_CREATE', () => ({ ...botMessagePayload(this.world, m, this.appId), channel_type: channel.type }));
    return m;
  }

  editBotMessage(m: BotMessage, body: MessageBody): void {
    this.store.edit(m, body, this.now());
    const channel = this.world.channel(m.channelId);
    if (channel && !m.ephemeral) this.dispatchMessage(channel, 'MESSAGE_UPDATE', () => botMessagePayload(this.world, m, this.appId));
  }

  deleteBotMessage(m: BotMessage): void {
    m.deleted = true;
    const channel = this.world.channel(m.channelId);
    const d = { id: m.id, channel_id: m.channelId, ...(m.guildId === undefined ? {} : { guild_id: m.guildId }) };
    if (channel && !m.ephemeral) this.dispatchMessage(channel, 'MESSAGE_DELETE', () => d);
  }

  // --- internals -------------------------------------------------------------------------------

  private readyData(session: GatewaySession): Record<string, unknown> {
    return {
      v: 10, user: { ...this.world.userPayload(this.world.bot), verified: true, mfa_enabled: false, flags: 0 },
      guilds: [...this.world.guilds.keys()].filter((id) => session.ownsGuild(id)).map((id) => ({ id, unavailable: true })),
      application: { id: this.opts.appId, flags: 0 }, private_channels: [], presences: [], relationships: [],
      user_settings: {}, guild_join_requests: [], geo_ordered_rtc_regions: ['local'], _trace: ['["crossfeed-local-gateway",{}]'],
    };
  }

  private afterReady(session: GatewaySession): void {
    if (!session.has(Intent.Guilds)) return;
    for (const g of this.world.guilds.values()) {
      if (!session.ownsGuild(g.id)) continue;
      session.dispatch('GUILD_CREATE', this.world.guildCreatePayload(g));
      this.stats.dispatches++;
    }
  }

  /** Sends one event to every live session `filter` accepts; `data` may differ per session. */
  private dispatchTo(filter: (s: GatewaySession) => boolean, t: string, data: (s: GatewaySession) => unknown): void {
    for (const s of this.gateway.live()) {
      if (!filter(s)) continue;
      s.dispatch(t, data(s));
      this.stats.dispatches++;
    }
  }

  private dispatchMessage(channel: ChannelRecord, t: string, data: () => unknown): void {
    const intent = channel.type === 1 ? Intent.DirectMessages : Intent.GuildMessages;
    this.dispatchTo((s) => s.has(intent) && this.sessionSees(s, channel), t, data);
  }

  /** Guild events go to the shard owning the guild; DMs to shard 0. */
  private sessionSees(s: GatewaySession, channel: ChannelRecord): boolean {
    return channel.guildId === undefined ? s.shard[0] === 0 : s.ownsGuild(channel.guildId);
  }

  private liveChannel(id: string): ChannelRecord {
    const c = this.world.channel(id);
    if (!c) throw new Error(`no channel ${id}`);
    return c;
  }

  private guildOf(channel: ChannelRecord): GuildRecord {
    const g = channel.guildId === undefined ? undefined : this.world.guilds.get(channel.guildId);
    if (!g) throw new Error(`channel ${channel.id} has no guild`);
    return g;
  }

  private componentOf(messageId: string, customId: string): { message: BotMessage; component: JsonObject } {
    const message = this.store.botMessage(messageId);
    if (!message) throw new Error(`no bot message ${messageId}`);
    const component = findComponent(message, customId);
    if (!component) throw new Error(`message ${messageId} has no component ${customId}`);
    return { message, component };
  }

  private interact(channel: ChannelRecord, spec: DiscordUserSpec, name: string, messageId: string | undefined, data: InteractionData): InteractionRecord {
    const user = this.world.user(spec);
    const guild = channel.guildId === undefined ? undefined : this.guildOf(channel);
    if (guild) this.world.member(guild, user, spec);
    const rec = new InteractionRecord(this.ids.next(), interactionToken(), data.kind, channel.id, guild?.id, user.id, this.now(), name, messageId);
    this.interactions.set(rec.id, rec);
    this.interactionTokens.set(rec.token, rec);
    this.stats.interactionsSent++;
    const payload = interactionPayload(this.world, this.appId, rec, channel, user, data);
    this.dispatchTo((s) => this.sessionSees(s, channel), 'INTERACTION_CREATE', () => payload);
    return rec;
  }
}
