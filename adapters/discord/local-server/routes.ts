import { GlobalScope, type CommandRegistry } from './commands.js';
import { DiscordApiError } from './errors.js';
import type { SnowflakeSource } from './ids.js';
import type { InteractionRecord } from './interactions.js';
import { botMessagePayload, type MessageBody, type MessageStore } from './messages.js';
import type { BucketLimit } from './ratelimit.js';
import type { RestRequest, RouteDef } from './rest.js';
import type { BotMessage, JsonObject, ServerStats, ViolationKind } from './types.js';
import { validateCommands, validateMessageBody } from './validation.js';
import type { ChannelRecord, World } from './world.js';

/** What route handlers need from the server. */
export interface RouteContext {
  readonly world: World;
  readonly store: MessageStore;
  readonly ids: SnowflakeSource;
  readonly commands: CommandRegistry;
  readonly stats: ServerStats;
  readonly appId: string;
  readonly gatewayUrl: string;
  readonly interactionTimeoutMs: number;
  readonly interactionTokenTtlMs: number;
  readonly channelMessageLimit: BucketLimit;
  interactionById(id: string): InteractionRecord | undefined;
  interactionByToken(token: string): InteractionRecord | undefined;
  now(): number;
  violation(kind: ViolationKind, where: string, detail?: string): void;
  /** Stores a bot message and dispatches MESSAGE_CREATE unless it is ephemeral. */
  createBotMessage(channel: ChannelRecord, body: MessageBody, extra?: { readonly ephemeral?: boolean; readonly interactionId?: string; readonly flags?: number }): BotMessage;
  /** Applies an edit and dispatches MESSAGE_UPDATE unless the message is ephemeral. */
  editBotMessage(m: BotMessage, body: MessageBody): void;
  deleteBotMessage(m: BotMessage): void;
}

/** Per-route buckets not set by options (Discord publishes none; these are typical observed values). */
export const RouteLimits = {
  default: { limit: 50, windowMs: 1_000 },
  messageEdit: { limit: 5, windowMs: 5_000 },
  commands: { limit: 10, windowMs: 20_000 },
  interactionCallback: { limit: 5, windowMs: 1_000 },
  webhook: { limit: 5, windowMs: 2_000 },
} as const satisfies Record<string, BucketLimit>;

const obj = (v: unknown): JsonObject => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as JsonObject) : {});
const ok = (body?: unknown): { status: number; body?: unknown } => (body === undefined ? { status: 204 } : { status: 200, body });

/** The body fields a bot message takes. */
export function messageBody(raw: JsonObject): MessageBody {
  return {
    ...(typeof raw.content === 'string' ? { content: raw.content } : {}),
    ...(Array.isArray(raw.embeds) ? { embeds: raw.embeds as JsonObject[] } : {}),
    ...(Array.isArray(raw.components) ? { components: raw.components as JsonObject[] } : {}),
    ...(typeof raw.flags === 'number' ? { flags: raw.flags } : {}),
  };
}

/** The bot-token routes: gateway, users, application commands, channels and messages, DMs. */
export function botRoutes(ctx: RouteContext): RouteDef[] {
  const { world } = ctx;
  const channelOf = (req: RestRequest): ChannelRecord => {
    const c = world.channel(req.params.channel ?? '');
    if (!c) throw new DiscordApiError('unknownChannel');
    return c;
  };
  const messageOf = (req: RestRequest): BotMessage => {
    const c = channelOf(req);
    const m = ctx.store.botMessage(req.params.message ?? '');
    if (!m || m.channelId !== c.id || m.ephemeral) throw new DiscordApiError('unknownMessage');
    return m;
  };
  const app = (req: RestRequest): void => {
    if (req.params.app !== ctx.appId) throw new DiscordApiError('notFound');
  };
  const guildScope = (req: RestRequest): string => {
    app(req);
    const g = req.params.guild;
    if (g === undefined) return GlobalScope;
    if (!world.guilds.has(g)) throw new DiscordApiError('notFound');
    return g;
  };
  const byChannel = (p: Readonly<Record<string, string>>): string => p.channel ?? '';
  const byGuild = (p: Readonly<Record<string, string>>): string => p.guild ?? '';
  const L = RouteLimits;
  const commandRoutes = (template: string): RouteDef[] => [
    { method: 'GET', template, limit: L.commands, major: byGuild, auth: true, handle: (req) => ok(ctx.commands.list(guildScope(req))) },
    {
      method: 'PUT', template, limit: L.commands, major: byGuild, auth: true,
      handle: (req) => ok(ctx.commands.overwrite(guildScope(req), validateCommands(req.body))),
    },
    {
      method: 'POST', template, limit: L.commands, major: byGuild, auth: true,
      handle: (req) => {
        const scope = guildScope(req);
        const [cmd] = validateCommands([req.body]);
        const { created, command } = ctx.commands.upsert(scope, cmd as JsonObject);
        return { status: created ? 201 : 200, body: command };
      },
    },
    {
      method: 'DELETE', template: `${template}/:command`, limit: L.commands, major: byGuild, auth: true,
      handle: (req) => {
        if (!ctx.commands.remove(guildScope(req), req.params.command ?? '')) throw new DiscordApiError('unknownCommand');
        return ok();
      },
    },
  ];
  return [
    {
      method: 'GET', template: '/gateway/bot', limit: L.default, auth: true,
      handle: () => ok({
        url: ctx.gatewayUrl, shards: 1,
        session_start_limit: { total: 1000, remaining: Math.max(0, 1000 - ctx.stats.identifies), reset_after: 86_400_000, max_concurrency: 1 },
      }),
    },
    { method: 'GET', template: '/gateway', limit: L.default, auth: false, handle: () => ok({ url: ctx.gatewayUrl }) },
    { method: 'GET', template: '/users/@me', limit: L.default, auth: true, handle: () => ok(world.userPayload(world.bot)) },
    {
      method: 'GET', template: '/users/:user', limit: L.default, auth: true,
      handle: (req) => {
        const u = world.users.get(req.params.user ?? '');
        if (!u) throw new DiscordApiError('unknownUser');
        return ok(world.userPayload(u));
      },
    },
    {
      method: 'GET', template: '/applications/@me', limit: L.default, auth: true,
      handle: () => ok({ id: ctx.appId, name: world.bot.username, description: '', icon: null, bot_public: true, bot_require_code_grant: false, flags: 0, bot: world.userPayload(world.bot) }),
    },
    ...commandRoutes('/applications/:app/commands'),
    ...commandRoutes('/applications/:app/guilds/:guild/commands'),
    { method: 'GET', template: '/channels/:channel', limit: L.default, major: byChannel, auth: true, handle: (req) => ok(world.channelPayload(channelOf(req))) },
    {
      method: 'POST', template: '/channels/:channel/messages', limit: ctx.channelMessageLimit, major: byChannel, auth: true,
      handle: (req) => {
        const channel = channelOf(req);
        if (![0, 1, 5].includes(channel.type)) throw new DiscordApiError('cannotSendToNonText');
        const body = obj(req.body);
        validateMessageBody(body, true);
        return ok(botMessagePayload(world, ctx.createBotMessage(channel, messageBody(body)), ctx.appId));
      },
    },
    { method: 'GET', template: '/channels/:channel/messages/:message', limit: L.default, major: byChannel, auth: true, handle: (req) => ok(botMessagePayload(world, messageOf(req), ctx.appId)) },
    {
      method: 'PATCH', template: '/channels/:channel/messages/:message', limit: L.messageEdit, major: byChannel, auth: true,
      handle: (req) => {
        const m = messageOf(req);
        const body = obj(req.body);
        validateMessageBody(body, false);
        ctx.editBotMessage(m, messageBody(body));
        return ok(botMessagePayload(world, m, ctx.appId));
      },
    },
    {
      method: 'DELETE', template: '/channels/:channel/messages/:message', limit: L.messageEdit, major: byChannel, auth: true,
      handle: (req) => {
        ctx.deleteBotMessage(messageOf(req));
        return ok();
      },
    },
    {
      method: 'POST', template: '/users/@me/channels', limit: L.default, auth: true,
      handle: (req) => {
        const id = obj(req.body).recipient_id;
        const user = typeof id === 'string' ? world.users.get(id) : undefined;
        if (!user) throw new DiscordApiError('unknownUser');
        return ok(world.channelPayload(world.dmWith(user.id)));
      },
    },
  ];
}
