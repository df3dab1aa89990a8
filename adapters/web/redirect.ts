import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Store } from '../../data/store.js';
import { KeyedBuckets } from './keyed-limit.js';

/**
 * `GET /r/<token>`: the tracked link of one shown card. Redirects (302) to the item's link from
 * the catalog, never to anything the request names, and counts the first click of a person.
 */

export interface RedirectOptions {
  store: () => Pick<Store, 'tracking'> | undefined;
  burst?: number;
  perSecond?: number;
}

export const DefaultRedirectOptions = { burst: 60, perSecond: 20 } as const satisfies Required<Omit<RedirectOptions, 'store'>>;

/**
 * Link-preview fetchers, crawlers and command-line HTTP clients: they are redirected like anyone
 * but never counted. A missing User-Agent is not counted either; every browser sends one.
 */
const NOT_A_PERSON = new RegExp([
  'discordbot', 'twitterbot', 'facebookexternalhit', 'facebookcatalog', 'slackbot', 'slack-imgproxy', 'telegrambot', 'whatsapp',
  'linkedinbot', 'googlebot', 'google-inspectiontool', 'adsbot-google', 'bingbot', 'bingpreview', 'yandexbot', 'baiduspider',
  'applebot', 'duckduckbot', 'skypeuripreview', 'embedly', 'redditbot', 'pinterestbot', 'vkshare', 'mastodon', 'iframely',
  '^curl/', '^wget/', '^node$', 'undici', 'node-fetch', 'axios/', 'python-requests', 'python-urllib', 'go-http-client', 'okhttp', 'libwww-perl', 'headlesschrome',
  '\\bbot\\b', 'crawler', 'spider',
].join('|'), 'i');

export function isAutomatedClient(userAgent: string | undefined): boolean {
  return !userAgent || NOT_A_PERSON.test(userAgent);
}

export function registerRedirectRoute(app: FastifyInstance, options: RedirectOptions): void {
  const o = { ...DefaultRedirectOptions, ...options };
  const limiter = new KeyedBuckets(o.burst, o.perSecond);

  app.get<{ Params: { token: string } }>('/r/:token', async (req, reply) => {
    if (!limiter.take(req.ip)) return page(reply, 429, 'Too many requests', 'Please try again in a moment.');
    const store = o.store();
    if (!store) return page(reply, 503, 'Starting', 'Please try again in a moment.');
    const impression = await store.tracking.resolve(req.params.token);
    if (!impression) return page(reply, 404, 'Link not found', 'This link is not valid.');
    if (!impression.itemActive) return page(reply, 410, 'No longer available', 'This offer has been removed.');
    const location = httpUrl(impression.link);
    if (!location) return page(reply, 404, 'Link not found', 'This link is not valid.');
    if (counts(req)) await store.tracking.recordClick(impression.token);
    return reply.code(302).header('Cache-Control', 'no-store').header('Location', location).send();
  });
}

/** A person's click: a GET (previews often use HEAD), not a prefetch, from a browser. */
function counts(req: FastifyRequest): boolean {
  if (req.method !== 'GET') return false;
  const purpose = `${req.headers['sec-purpose'] ?? ''} ${req.headers['purpose'] ?? ''} ${req.headers['x-purpose'] ?? ''}`;
  if (/prefetch|preview/i.test(purpose)) return false;
  return !isAutomatedClient(req.headers['user-agent']);
}

/** The catalog link, normalized (percent-encoded), if it is http(s); the importer allows nothing else. */
function httpUrl(link: string): string | undefined {
  try {
    const url = new URL(link);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

function page(reply: FastifyReply, status: number, title: string, text: string) {
  return reply.code(status).header('Cache-Control', 'no-store').type('text/html; charset=utf-8')
    .send(`<!doctype html><meta charset="utf-8"><title>${title}</title><p>${text}</p>\n`);
}
