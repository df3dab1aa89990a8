import type { IncomingMessage, ServerResponse } from 'node:http';
import { DiscordApiError } from './errors.js';
import type { BucketLimit, RateLimiter } from './ratelimit.js';
import type { ServerStats, ViolationKind } from './types.js';

/** A parsed REST request; `params` holds the `:name` segments of the matched template. */
export interface RestRequest {
  readonly method: string;
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly body: unknown;
}

export interface RestResult {
  readonly status: number;
  readonly body?: unknown;
}

/** One route: template under /api/v10, its bucket, and whether it takes the bot token. */
export interface RouteDef {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly template: string;
  readonly limit: BucketLimit;
  /** The major parameter's value (channel, guild, webhook+token) that splits the bucket. */
  readonly major?: (params: Readonly<Record<string, string>>) => string;
  /** Bot-token routes need `Authorization: Bot <token>` and count against the global limit. */
  readonly auth: boolean;
  readonly handle: (req: RestRequest) => RestResult | Promise<RestResult>;
}

export interface RestHost {
  readonly stats: ServerStats;
  readonly limiter: RateLimiter;
  tokenValid(token: unknown): boolean;
  violation(kind: ViolationKind, where: string, detail?: string): void;
}

const MaxBodyBytes = 25 * 1024 * 1024;

/** Matches `/channels/123/messages` against `/channels/:channel/messages`. */
function match(template: string, path: string): Record<string, string> | undefined {
  const t = template.split('/');
  const p = path.split('/');
  if (t.length !== p.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < t.length; i++) {
    const seg = t[i] as string;
    const got = decodeURIComponent(p[i] as string);
    if (seg.startsWith(':')) params[seg.slice(1)] = got;
    else if (seg !== got) return undefined;
  }
  return params;
}

/** JSON, or the `payload_json` part of a multipart body (files are not kept). */
function parseBody(raw: Buffer, contentType: string): unknown {
  if (raw.length === 0) return undefined;
  if (contentType.startsWith('multipart/form-data')) {
    const m = /name="payload_json"(?:[^\r\n]*\r\n)*?\r\n([\s\S]*?)\r\n--/.exec(raw.toString('utf8'));
    return m?.[1] === undefined ? {} : JSON.parse(m[1]);
  }
  return JSON.parse(raw.toString('utf8'));
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MaxBodyBytes) throw new DiscordApiError('invalidFormBody', [{ path: [], code: 'BASE_TYPE_MAX_LENGTH', message: 'Request entity too large' }]);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function write(res: ServerResponse, status: number, body: unknown, headers: Record<string, string>): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, { ...headers, ...(text === '' ? {} : { 'Content-Type': 'application/json' }) });
  res.end(text);
}

/**
 * Discord's REST API over HTTP: routing under /api/v10, the bot token check, rate limits
 * (headers on every answer, 429s), and error bodies. Counts 401/403/429 as invalid requests.
 */
export function restHandler(host: RestHost, routes: readonly RouteDef[]) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    host.stats.restRequests++;
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = (req.method ?? 'GET').toUpperCase();
    const path = url.pathname.replace(/^\/api\/v10(?=\/)/, '');
    let headers: Record<string, string> = {};
    let where = `${method} ${url.pathname}`;
    const fail = (e: DiscordApiError): void => {
      if (e.status === 401 || e.status === 403) host.stats.invalidRequests++;
      if (e.code === 50035) host.violation('invalid_form_body', where, JSON.stringify(e.body()));
      write(res, e.status, e.body(), headers);
    };
    try {
      if (path === url.pathname) throw new DiscordApiError('notFound');
      const candidates = routes.map((r) => ({ r, params: match(r.template, path) })).filter((c) => c.params !== undefined);
      const found = candidates.find((c) => c.r.method === method);
      if (!found || !found.params) throw new DiscordApiError(candidates.length > 0 ? 'methodNotAllowed' : 'notFound');
      const { r, params } = found;
      where = `${method} ${r.template}`;
      if (r.auth && !host.tokenValid(req.headers.authorization)) {
        host.violation('unauthorized', where);
        throw new DiscordApiError('unauthorized');
      }
      const admission = host.limiter.admit({ route: where, major: r.major?.(params) ?? '', limit: r.limit, global: r.auth });
      headers = admission.headers;
      if (!admission.ok) {
        host.stats.rateLimited++;
        host.stats.invalidRequests++;
        if (admission.forced) host.stats.forced429++;
        if (admission.violation) host.violation(admission.violation, where);
        return write(res, 429, admission.body, headers);
      }
      let body: unknown;
      try {
        body = parseBody(await readBody(req), req.headers['content-type'] ?? '');
      } catch (e) {
        if (e instanceof DiscordApiError) throw e;
        throw new DiscordApiError('invalidFormBody', [{ path: [], code: 'BASE_TYPE_DICT', message: 'Body is not valid JSON' }]);
      }
      const result = await r.handle({ method, params, query: url.searchParams, body });
      write(res, result.status, result.body, headers);
    } catch (e) {
      if (e instanceof DiscordApiError) return fail(e);
      write(res, 500, { message: '500: Internal Server Error', code: 0, detail: String(e) }, headers);
    }
  };
}
