import fastifyStatic from '@fastify/static';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { join } from 'node:path';
import type { WebSocket } from 'ws';
import type { Bot } from '../../bot/bot.js';
import { packageRoot } from '../../data/paths.js';
import { maskingLog } from '../../data/pii.js';
import type { Bus } from '../../data/bus.js';
import type { SessionBackend } from '../../data/sessions.js';
import type { SupportDesk } from './agent-desk.js';
import { registerAgentConsole, type AgentConsole, type AgentConsoleOptions } from './agent-routes.js';
import type { DashboardData } from './dashboard-routes.js';
import { registerPostbackRoute, type PostbackOptions } from './postback.js';
import { registerRedirectRoute, type RedirectOptions } from './redirect.js';
import { ProblemsOnlyLog } from './request-log.js';
import { canonicalPath } from './canonical-path.js';
import { HandoffLimit } from './handoff-limit.js';
import { WorkIntake, type IntakeOptions, type IntakeStats } from './intake.js';
import { publishIntake } from './intake-metrics.js';
import { KeyedBuckets } from './keyed-limit.js';
import { handleSocket } from './socket.js';
import { registry as metricsRegistry } from '../../bot/metrics.js';
import { CloseCode, MAX_FRAME_BYTES } from './protocol.js';
import { VisitorHub } from './visitor-hub.js';
import { pageCatalogueModule } from './page-catalogue.js';
import { t } from '../../bot/i18n/catalogue.js';

/** A token bucket's shape: `burst` at once, then `perSecond`. */
export interface RateOptions {
  burst: number;
  perSecond: number;
}

export interface WebServerOptions {
  host: string;
  port: number;
  /** Extra origins (besides this server's own) allowed to open the chat socket. */
  allowedOrigins: readonly string[];
  maxConnectionsPerIp: number;
  /**
   * Whether the client address comes from `X-Forwarded-For`: false (the default) uses the TCP peer;
   * true trusts every proxy; a number trusts that many hops; a list trusts those proxy addresses/CIDRs.
   */
  trustProxy?: boolean | number | readonly string[];
  /** Chat messages per client address, all its sockets together (besides the per-socket limit). */
  messagesPerIp?: RateOptions;
  /** New chat sockets per client address (besides `maxConnectionsPerIp` open at once). */
  connectionsPerIp?: RateOptions;
  /** The bounded, fair queue of chat messages in front of the bot. */
  intake?: Partial<IntakeOptions>;
  /** Waiting handoff requests opened from one client address (needs `support`); more are dismissed. */
  maxOpenHandoffsPerIp?: number;
  /** A request (headers and body) must arrive within this; a trickled body is cut off (408). */
  requestTimeoutMs?: number;
  /**
   * false turns off the per-address limits and the work queue (messages go straight to the bot, as
   * before): only for measuring the difference in `npm run bench:abuse`.
   */
  abuseLimits?: boolean;
  /** The bot once it is ready; undefined while models and database are still loading. */
  bot: () => Bot | undefined;
  /** Partner postbacks (`POST /postback/:partner`) and tracked links (`GET /r/:token`); off when absent. */
  partners?: PostbackOptions & Omit<RedirectOptions, 'burst' | 'perSecond'>;
  /** The agent console (`/agent`) and FAQ admin (`/admin/faq`); off when absent. */
  support?: {
    desk: () => SupportDesk | undefined;
    /** Session cookies get `Secure` (the console is reached over https). */
    secureCookies?: boolean;
    /** Origins besides this host the console is reached at (the public address behind a proxy). */
    extraOrigins?: readonly string[];
    /** Where console logins are kept: memory (default) or shared by every instance (data/redis/sessions.ts). */
    sessions?: SessionBackend;
    /** What the instances share (data/bus.ts): agent actions reach visitors and consoles on any instance. */
    bus?: Bus;
    /** Login throttling (per address and per account); defaults in DefaultAgentConsoleOptions. */
    login?: Partial<Pick<AgentConsoleOptions, 'loginFailures' | 'loginWindowMs' | 'accountFreeFailures' | 'accountBaseBackoffMs' | 'accountMaxBackoffMs'>>;
  };
  /** Served at /widget/settings.json for the chat page and the widget (web.widget). */
  widget?: { title?: string | undefined; accent?: string | undefined; greeting?: string | undefined; language: 'auto' | 'en' | 'zh' };
  /** The operator dashboard (`/admin`), behind the console's login; needs `support`. */
  dashboard?: { data: () => DashboardData | undefined; now?: () => Date };
  /** A pino logger (the process's, masking included); none: the server logs nothing. */
  logger?: FastifyBaseLogger;
}

export interface WebServer {
  readonly url: string;
  readonly app: FastifyInstance;
  /** Agents with the console open now; 0 without a console. */
  agentsOnline(): number;
  /** Figures of the chat's work queue and sockets (for readiness and /metrics). */
  stats(): WebStats;
  /**
   * Stops taking chat messages and drops those still waiting; returns how many were dropped (for
   * the shutdown log). Messages already with the bot go on: await `intakeIdle()` before closing the
   * database. `close()` does this too, logging the count.
   */
  stopIntake(): number;
  /** Resolves once no chat message is waiting or with the bot. */
  intakeIdle(): Promise<void>;
  close(): Promise<void>;
}

export interface WebStats extends IntakeStats {
  /** Open chat sockets. */
  connections: number;
  /** Per-visitor outbound queues held by the hub (one per connected visitor at most). */
  visitorQueues: number;
}

export const DefaultWebLimits = {
  messagesPerIp: { burst: 40, perSecond: 4 },
  connectionsPerIp: { burst: 30, perSecond: 0.5 },
  requestTimeoutMs: 30_000,
  maxOpenHandoffsPerIp: 5,
} as const;

const HANDOFF_REFUSED = { type: 'support', state: 'closed', key: 'refused', text: t('en', 'desk.refused') } as const;

const PUBLIC_DIR = join(packageRoot, 'adapters', 'web', 'public');

/** The web support adapter: chat page, embeddable widget, chat socket and health check. */
export async function startWebServer(o: WebServerOptions): Promise<WebServer> {
  const requestTimeoutMs = o.requestTimeoutMs ?? DefaultWebLimits.requestTimeoutMs;
  const app = Fastify({
    ...(o.logger ? { loggerInstance: o.logger.child({ component: 'web' }) } : { logger: false }),
    logController: new ProblemsOnlyLog(), bodyLimit: 64 * 1024,
    // Node checks pending requests against the timeout every `connectionsCheckingInterval`.
    requestTimeout: requestTimeoutMs,
    http: { requestTimeout: requestTimeoutMs, headersTimeout: requestTimeoutMs, connectionsCheckingInterval: Math.min(1000, requestTimeoutMs) },
    ...(o.trustProxy !== undefined ? { trustProxy: o.trustProxy as boolean | string[] } : {}),
  });
  const hub = new VisitorHub();
  const limits = o.abuseLimits ?? true;
  const intake = new WorkIntake(o.intake);
  const messageRate = o.messagesPerIp ?? DefaultWebLimits.messagesPerIp;
  const connectRate = o.connectionsPerIp ?? DefaultWebLimits.connectionsPerIp;
  const messagesPerIp = new KeyedBuckets(messageRate.burst, messageRate.perSecond);
  const connectsPerIp = new KeyedBuckets(connectRate.burst, connectRate.perSecond);
  const support = o.support;
  const handoffs = support ? new HandoffLimit(o.maxOpenHandoffsPerIp ?? DefaultWebLimits.maxOpenHandoffsPerIp, support.desk) : undefined;
  const perIp = new Map<string, number>();
  // Socket and console errors carry no chat text today; masked anyway, should one ever quote a visitor.
  const warn = maskingLog((msg) => app.log.warn(msg));

  // Before anything else looks at the path: one spelling per path (adapters/web/canonical-path.ts),
  // so the console's login checks and every page's headers apply however a path is written.
  app.addHook('onRequest', async (req, reply) => {
    const raw = req.raw.url ?? '/';
    const canonical = canonicalPath(raw);
    if ('refuse' in canonical) {
      return canonical.refuse === 'not_found'
        ? reply.code(404).type('text/html; charset=utf-8').send('<!doctype html><meta charset="utf-8"><title>Not found</title><p>No such page.</p>\n')
        : reply.code(400).send({ error: 'bad_path', message: 'malformed path' });
    }
    if (canonical.path + canonical.query !== raw) return reply.redirect(canonical.path + canonical.query, 308);
    return undefined;
  });

  app.addHook('onSend', async (_req, reply, payload) => {
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('Referrer-Policy', 'no-referrer');
    // Any HTML without its own policy (the console pages set a stricter one) gets the chat page's:
    // the page runs only its own code. No frame-ancestors: it is the widget's iframe on customers' sites.
    if (/^text\/html/i.test(String(reply.getHeader('content-type') ?? '')) && !reply.hasHeader('Content-Security-Policy')) {
      reply.header('Content-Security-Policy',
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self' ws: wss:; base-uri 'none'; form-action 'none'");
    }
    return payload;
  });

  await app.register(fastifyWebsocket, { options: { maxPayload: MAX_FRAME_BYTES } });
  await app.register(fastifyStatic, { root: PUBLIC_DIR, index: ['index.html'], cacheControl: false });

  app.get('/healthz', async (_req, reply) => {
    if (!o.bot()) return reply.code(503).send({ status: 'starting' });
    return { status: 'ok' };
  });

  // Public look-and-greeting settings (no secrets): any site embedding the widget may read them.
  app.get('/widget/settings.json', async (_req, reply) => {
    reply.header('Access-Control-Allow-Origin', '*').header('Cache-Control', 'public, max-age=60');
    const w = o.widget ?? { language: 'auto' as const };
    return { title: w.title ?? '', accent: w.accent ?? '', greeting: w.greeting ?? '', language: w.language };
  });
  // The pages' words, generated from the bot's message catalogue (adapters/web/page-catalogue.ts).
  const pageCatalogue = pageCatalogueModule();
  app.get('/page-catalogue.js', async (_req, reply) =>
    reply.type('text/javascript; charset=utf-8').header('Access-Control-Allow-Origin', '*').header('Cache-Control', 'public, max-age=60').send(pageCatalogue));
  // Prometheus scrape: counts by platform and reason only (no users, channels or chat text).
  app.get('/metrics', async (_req, reply) => reply.type(metricsRegistry.contentType).header('Cache-Control', 'no-store').send(await metricsRegistry.metrics()));

  if (o.partners) {
    await registerPostbackRoute(app, o.partners);
    registerRedirectRoute(app, { store: o.partners.store });
  }

  let agentConsole: AgentConsole | undefined;
  if (o.support) {
    agentConsole = await registerAgentConsole(app, {
      desk: o.support.desk, hub, publicDir: PUBLIC_DIR, log: warn,
      session: { secureCookies: o.support.secureCookies ?? false, ...(o.support.sessions ? { backend: o.support.sessions } : {}) },
      extraOrigins: o.support.extraOrigins ?? [], ...(o.support.bus ? { bus: o.support.bus } : {}),
      ...o.support.login,
      ...(o.dashboard ? { dashboard: o.dashboard } : {}),
    });
  }

  app.get('/readyz', async (_req, reply) => {
    if (!o.bot()) return reply.code(503).send({ status: 'starting', reasons: ['the bot is still loading'] });
    const r = intake.readiness();
    const s = intake.stats();
    return reply.code(r.status === 'ok' ? 200 : 503).header('Cache-Control', 'no-store')
      .send({ ...r, queued: s.queued, inFlight: s.inFlight, oldestWaitMs: s.oldestWaitMs, recentAnswerP90Ms: s.recentAnswerP90Ms });
  });

  const wsRoute = {
    websocket: true as const,
    // Refused before the upgrade, so a reconnecting flood costs a short HTTP answer each.
    onRequest: async (req: FastifyRequest, reply: FastifyReply) => {
      if (limits && !connectsPerIp.take(req.ip)) {
        return reply.code(429).header('Retry-After', '2').send({ error: 'rate_limited', message: 'too many new connections; try again in a moment' });
      }
      return undefined;
    },
  };
  app.get('/ws', wsRoute, (socket: WebSocket, req: FastifyRequest) => {
    if (!originAllowed(req, o.allowedOrigins)) {
      socket.close(CloseCode.policy, 'origin not allowed');
      return;
    }
    const ip = req.ip;
    const count = (perIp.get(ip) ?? 0) + 1;
    if (count > o.maxConnectionsPerIp) {
      socket.close(CloseCode.tryAgain, 'too many connections');
      return;
    }
    perIp.set(ip, count);
    socket.on('close', () => {
      const left = (perIp.get(ip) ?? 1) - 1;
      if (left <= 0) perIp.delete(ip);
      else perIp.set(ip, left);
    });
    const visitor = new URL(req.url, 'http://localhost').searchParams.get('visitor');
    handleSocket(socket, visitor, {
      hub, bot: o.bot, log: warn,
      ...(limits ? { addressAllows: () => messagesPerIp.take(ip), submit: (v: string, run: () => Promise<void>) => intake.submit(ip, v, run) } : {}),
      ...(limits && handoffs ? {
        afterAnswer: async (v: string) => {
          if ((await handoffs.check(ip, v)) === 'dismissed') await hub.broadcast(v, HANDOFF_REFUSED);
        },
      } : {}),
    });
  });

  await app.listen({ host: o.host, port: o.port });
  const unpublish = publishIntake(() => intake.stats());
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : o.port;
  const host = o.host.includes(':') ? `[${o.host}]` : o.host;
  return {
    url: `http://${host}:${port}`,
    app,
    agentsOnline: () => agentConsole?.agentsOnline() ?? 0,
    stats: () => ({ ...intake.stats(), connections: hub.connections, visitorQueues: hub.queues }),
    stopIntake: () => intake.stop(),
    intakeIdle: () => intake.idle(),
    async close() {
      // Nothing new starts once the server is going away (0 when stopIntake() already ran).
      unpublish();
      const dropped = intake.stop();
      if (dropped > 0) warn(`web server closing: dropped ${dropped} chat messages still waiting`);
      agentConsole?.close();
      hub.closeAll(1001, 'server shutting down');
      await app.close();
    },
  };
}

/** Same-origin pages (the chat page and the widget's iframe), plus configured origins. */
function originAllowed(req: FastifyRequest, allowed: readonly string[]): boolean {
  const origin = req.headers.origin;
  if (!origin) return true; // Non-browser clients (tests, the CLI) send none; browsers always do.
  if (allowed.includes(origin)) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}
