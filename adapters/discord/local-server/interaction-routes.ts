import { DiscordApiError } from './errors.js';
import type { InteractionRecord } from './interactions.js';
import { botMessagePayload, EphemeralFlag, LoadingFlag } from './messages.js';
import type { RestRequest, RouteDef } from './rest.js';
import { messageBody, RouteLimits, type RouteContext } from './routes.js';
import type { BotMessage, JsonObject } from './types.js';
import { validateMessageBody } from './validation.js';

const obj = (v: unknown): JsonObject => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as JsonObject) : {});

/**
 * Interaction callbacks and the interaction webhook: one initial response within the window
 * (40060 for a second, 10062 when late), follow-ups and edits while the token lives (15 min).
 */
export function interactionRoutes(ctx: RouteContext): RouteDef[] {
  const { world } = ctx;
  const callbackWhere = 'POST /interactions/:interaction/:token/callback';

  /** The interaction behind a webhook token, alive and acknowledged. */
  const webhookInteraction = (req: RestRequest, where: string): InteractionRecord => {
    const rec = ctx.interactionByToken(req.params.token ?? '');
    if (req.params.app !== ctx.appId || !rec || !rec.acknowledged) throw new DiscordApiError('unknownWebhook');
    if (ctx.now() - rec.sentAt > ctx.interactionTokenTtlMs) {
      ctx.violation('expired_interaction_token', where, rec.id);
      throw new DiscordApiError('invalidWebhookToken');
    }
    return rec;
  };
  const webhookMessage = (req: RestRequest, rec: InteractionRecord): BotMessage => {
    const id = req.params.message === '@original' ? rec.originalMessageId : req.params.message;
    const m = id === undefined ? undefined : ctx.store.botMessage(id);
    const mine = m && (m.interactionId === rec.id || m.id === rec.messageId);
    if (!m || !mine) throw new DiscordApiError('unknownMessage');
    return m;
  };
  const channelOf = (rec: InteractionRecord) => {
    const c = world.channel(rec.channelId);
    if (!c) throw new DiscordApiError('unknownChannel');
    return c;
  };
  const byToken = (p: Readonly<Record<string, string>>): string => `${p.app ?? ''}/${p.token ?? ''}`;
  const messageTemplate = '/webhooks/:app/:token/messages/:message';

  return [
    {
      method: 'POST', template: '/interactions/:interaction/:token/callback', limit: RouteLimits.interactionCallback,
      major: (p) => p.interaction ?? '', auth: false,
      handle: (req) => {
        const rec = ctx.interactionById(req.params.interaction ?? '');
        if (!rec || rec.token !== req.params.token) throw new DiscordApiError('unknownInteraction');
        if (rec.acknowledged) {
          ctx.violation('double_acknowledgement', callbackWhere, rec.id);
          throw new DiscordApiError('alreadyAcknowledged');
        }
        const late = ctx.now() - rec.sentAt;
        if (late > ctx.interactionTimeoutMs) {
          ctx.violation('late_interaction_response', callbackWhere, `${rec.id} after ${late} ms`);
          throw new DiscordApiError('unknownInteraction');
        }
        const body = obj(req.body);
        const type = body.type;
        const allowed = rec.kind === 3 ? [4, 5, 6, 7] : [4, 5];
        if (typeof type !== 'number' || !allowed.includes(type)) {
          throw new DiscordApiError('invalidFormBody', [{ path: ['type'], code: 'BASE_TYPE_CHOICES', message: `Value must be one of {${allowed.join(', ')}}.` }]);
        }
        const data = obj(body.data);
        if (type === 4 || type === 7) validateMessageBody(data, type === 4);
        const flags = typeof data.flags === 'number' ? data.flags : 0;
        const ephemeral = (type === 4 || type === 5) && (flags & EphemeralFlag) !== 0;
        let message: BotMessage | undefined;
        if (type === 4) message = ctx.createBotMessage(channelOf(rec), messageBody(data), { ephemeral, interactionId: rec.id });
        if (type === 5) message = ctx.createBotMessage(channelOf(rec), {}, { ephemeral, interactionId: rec.id, flags: LoadingFlag });
        if (type === 6 || type === 7) {
          message = rec.messageId === undefined ? undefined : ctx.store.botMessage(rec.messageId);
          if (type === 7 && message) ctx.editBotMessage(message, messageBody(data));
        }
        rec.initialType = type as 4 | 5 | 6 | 7;
        rec.originalMessageId = message?.id;
        ctx.stats.interactionResponses++;
        rec.record({ type: type as 4 | 5 | 6 | 7, data, ephemeral, at: ctx.now(), ...(message ? { messageId: message.id } : {}) });
        if (req.query.get('with_response') !== 'true') return { status: 204 };
        return {
          status: 200,
          body: {
            interaction: {
              id: rec.id, type: rec.kind, activity_instance_id: null, response_message_id: message?.id ?? null,
              response_message_loading: type === 5, response_message_ephemeral: ephemeral,
            },
            ...(type === 6 ? {} : { resource: { type, ...(message ? { message: botMessagePayload(world, message, ctx.appId) } : {}) } }),
          },
        };
      },
    },
    {
      method: 'POST', template: '/webhooks/:app/:token', limit: RouteLimits.webhook, major: byToken, auth: false,
      handle: (req) => {
        const rec = webhookInteraction(req, 'POST /webhooks/:app/:token');
        const data = obj(req.body);
        validateMessageBody(data, true);
        const ephemeral = ((typeof data.flags === 'number' ? data.flags : 0) & EphemeralFlag) !== 0;
        const m = ctx.createBotMessage(channelOf(rec), messageBody(data), { ephemeral, interactionId: rec.id });
        rec.record({ type: 'followup', data, ephemeral, at: ctx.now(), messageId: m.id });
        return req.query.get('wait') === 'true' ? { status: 200, body: botMessagePayload(world, m, ctx.appId) } : { status: 204 };
      },
    },
    {
      method: 'GET', template: messageTemplate, limit: RouteLimits.webhook, major: byToken, auth: false,
      handle: (req) => {
        const rec = webhookInteraction(req, `GET ${messageTemplate}`);
        return { status: 200, body: botMessagePayload(world, webhookMessage(req, rec), ctx.appId) };
      },
    },
    {
      method: 'PATCH', template: messageTemplate, limit: RouteLimits.webhook, major: byToken, auth: false,
      handle: (req) => {
        const rec = webhookInteraction(req, `PATCH ${messageTemplate}`);
        const m = webhookMessage(req, rec);
        const data = obj(req.body);
        validateMessageBody(data, false);
        ctx.editBotMessage(m, messageBody(data));
        rec.record({ type: 'edit', data, ephemeral: m.ephemeral, at: ctx.now(), messageId: m.id });
        return { status: 200, body: botMessagePayload(world, m, ctx.appId) };
      },
    },
    {
      method: 'DELETE', template: messageTemplate, limit: RouteLimits.webhook, major: byToken, auth: false,
      handle: (req) => {
        const rec = webhookInteraction(req, `DELETE ${messageTemplate}`);
        const m = webhookMessage(req, rec);
        ctx.deleteBotMessage(m);
        rec.record({ type: 'delete', data: {}, ephemeral: m.ephemeral, at: ctx.now(), messageId: m.id });
        return { status: 204 };
      },
    },
  ];
}
