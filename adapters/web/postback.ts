import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { PartnerEvent, PartnerEventError } from '../../data/partners.js';
import type { Store } from '../../data/store.js';
import { KeyedBuckets } from './keyed-limit.js';

/**
 * `POST /postback/:partner`: partners report coupon redemptions and purchases. The request is
 * authenticated with the partner's shared secret:
 *
 *   X-Crossfeed-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>
 *
 * where <timestamp> is the body's `timestamp` field exactly as sent and <raw body> the request
 * body bytes exactly as sent. The timestamp must be within `maxSkewMs` of our clock; each
 * (partner, eventId) takes effect once.
 */

export const SIGNATURE_HEADER = 'x-crossfeed-signature';

export interface PartnerAccount {
  secret: string;
  /** Coupon `partner` names (besides the partner id) whose codes this partner may redeem. */
  couponPartners: readonly string[];
}

export interface PostbackOptions {
  partners: ReadonlyMap<string, PartnerAccount>;
  /** The store once the database is open; undefined while starting (503). */
  store: () => Pick<Store, 'tracking'> | undefined;
  maxSkewMs?: number;
  /** Per client address: a burst of `burst` requests, then `perSecond`. */
  burst?: number;
  perSecond?: number;
  maxBodyBytes?: number;
  now?: () => number;
}

export const DefaultPostbackOptions = {
  maxSkewMs: 5 * 60_000,
  burst: 60,
  perSecond: 10,
  maxBodyBytes: 16 * 1024,
  now: () => Date.now(),
} as const satisfies Required<Omit<PostbackOptions, 'partners' | 'store'>>;

/** The signature header value for a body; what partners compute (and what tests send). */
export function postbackSignature(secret: string, timestamp: string, rawBody: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex')}`;
}

/** Constant-time check of a header value against the expected signature. */
export function signatureMatches(header: string, secret: string, timestamp: string, rawBody: Buffer): boolean {
  const m = /^sha256=([0-9a-f]{64})$/i.exec(header.trim());
  if (!m) return false;
  const given = Buffer.from(m[1]!.toLowerCase(), 'hex');
  const expected = Buffer.from(postbackSignature(secret, timestamp, rawBody).slice('sha256='.length), 'hex');
  return timingSafeEqual(given, expected);
}

const isoTimestamp = z.iso.datetime({ offset: true });
const eventId = z.string().min(1).max(200);

/** The wire format; extra fields are ignored so partners can send more than we read. */
export const postbackBody = z.discriminatedUnion('type', [
  z.object({ type: z.literal('redemption'), eventId, timestamp: isoTimestamp, code: z.string().min(1).max(64) }),
  z.object({
    type: z.literal('purchase'), eventId, timestamp: isoTimestamp,
    token: z.string().min(1).max(64).optional(),
    itemId: z.string().min(1).max(200).optional(),
    amount: z.number().finite().min(0).max(1e9).optional(),
    currency: z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as USD').optional(),
  }).refine((b) => b.token !== undefined || b.itemId !== undefined, { message: 'a purchase needs token or itemId', path: ['token'] }),
]);

const REJECTION_STATUS: Record<PartnerEventError, number> = {
  unknown_code: 422, unknown_token: 422, unknown_item: 422, item_mismatch: 422, foreign_code: 403, already_redeemed: 409,
};

export async function registerPostbackRoute(app: FastifyInstance, options: PostbackOptions): Promise<void> {
  const o = { ...DefaultPostbackOptions, ...options };
  for (const [id, account] of o.partners) {
    if (account.secret.length < 16) throw new Error(`partner ${id}: a shared secret of at least 16 characters is required`);
  }
  const limiter = new KeyedBuckets(o.burst, o.perSecond);
  // An encapsulated scope: the raw body is needed for the signature, so this route parses it itself.
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: o.maxBodyBytes }, (_req, body, done) => done(null, body));

    scope.post<{ Params: { partner: string } }>('/postback/:partner', async (req, reply) => {
      if (!limiter.take(req.ip)) return fail(reply, 429, 'rate_limited', 'too many postbacks from this address; retry later');
      const account = o.partners.get(req.params.partner);
      if (!account) return fail(reply, 404, 'unknown_partner', `no partner "${req.params.partner}"`);
      const store = o.store();
      if (!store) return fail(reply, 503, 'starting', 'the service is starting; retry shortly');

      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      let parsed: unknown;
      try {
        parsed = JSON.parse(raw.toString('utf8'));
      } catch {
        return fail(reply, 400, 'malformed_body', 'the body must be a JSON object');
      }
      const timestamp = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>)['timestamp'] : undefined;
      if (typeof timestamp !== 'string') return fail(reply, 400, 'malformed_body', 'timestamp: expected an ISO 8601 string');

      const header = req.headers[SIGNATURE_HEADER];
      if (typeof header !== 'string' || header === '') return fail(reply, 401, 'missing_signature', `the ${SIGNATURE_HEADER} header is required`);
      if (!signatureMatches(header, account.secret, timestamp, raw)) return fail(reply, 401, 'bad_signature', 'the signature does not match');

      const at = Date.parse(timestamp);
      if (Number.isNaN(at) || Math.abs(o.now() - at) > o.maxSkewMs) {
        return fail(reply, 401, 'stale_timestamp', `timestamp must be within ${o.maxSkewMs / 1000} s of ${new Date(o.now()).toISOString()}`);
      }
      const body = postbackBody.safeParse(parsed);
      if (!body.success) {
        return fail(reply, 400, 'malformed_body', body.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; '));
      }
      const outcome = await store.tracking.recordPartnerEvent(req.params.partner, account.couponPartners, toEvent(body.data));
      if (outcome.status === 'rejected') return fail(reply, REJECTION_STATUS[outcome.error], outcome.error, rejectionMessage(outcome.error));
      return reply.code(200).send({ status: outcome.status });
    });
  });
}

function toEvent(b: z.infer<typeof postbackBody>): PartnerEvent {
  if (b.type === 'redemption') return { type: 'redemption', eventId: b.eventId, timestamp: b.timestamp, code: b.code };
  const e: PartnerEvent = { type: 'purchase', eventId: b.eventId, timestamp: b.timestamp };
  if (b.token !== undefined) e.token = b.token;
  if (b.itemId !== undefined) e.itemId = b.itemId;
  if (b.amount !== undefined) e.amount = b.amount;
  if (b.currency !== undefined) e.currency = b.currency;
  return e;
}

function rejectionMessage(error: PartnerEventError): string {
  switch (error) {
    case 'unknown_code': return 'no such coupon code';
    case 'foreign_code': return "the code belongs to another partner's coupon";
    case 'already_redeemed': return 'the code was already redeemed by an earlier event';
    case 'unknown_token': return 'no such tracking token';
    case 'unknown_item': return 'no such item';
    case 'item_mismatch': return 'token and itemId name different items';
  }
}

function fail(reply: FastifyReply, status: number, error: string, message: string) {
  return reply.code(status).send({ error, message });
}
