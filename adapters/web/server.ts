import fastifyStatic from '@fastify/static';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { join } from 'node:path';
import type { WebSocket } from 'ws';
import type { Bot } from '../../bot/bot.js';
import { packageRoot } from '../../data/paths.js';
import { maskingLog } from '../../data/pii.js';
import type { SupportDesk } from './agent-desk.js';
import { registerAgentConsole, type AgentConsole } from './agent-routes.js';
import type { DashboardData } from './dashboard-routes.js';
import { registerPostbackRoute, type PostbackOptions } from './postback.js';
import { registerRedirectRoute, type RedirectOptions } from './redirect.js';
import { handleSocket } from './socket.js';
import { registry as metricsRegistry } from '../../bot/metrics.js';
import { CloseCode, MAX_FRAME_BYTES } from './protocol.js';
import { VisitorHub } from './visitor-hub.js';

export interface WebServerOptions {
  host: string;
  port: number;
  /** Extra origins (besides this server's own) allowed to open the chat socket. */
  allowedOrigins: readonly string[];
  maxConnectionsPerIp: number;
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
  };
  /** The operator dashboard (`/admin`), behind the console's login; needs `support`. */
  dashboard?: { data: () => DashboardData | undefined; now?: () => Date };
  logger?: boolean;
}

export interface WebServer {
  readonly url: string;
  readonly app: FastifyInstance;
  /** Agents with the console open now; 0 without a console. */
  agentsOnline(): number;
  close(): Promise<void>;
}

const PUBLIC_DIR = join(packageRoot, 'adapters', 'web', 'public');

/** The web support adapter: chat page, embeddable widget, chat socket and health check. */
export async function startWebServer(o: WebServerOptions): Promise<WebServer> {
  const app = Fastify({ logger: o.logger ?? false, bodyLimit: 64 * 1024 });
  const hub = new VisitorHub();
  const perIp = new Map<string, number>();
  // Socket and console errors carry no chat text today; masked anyway, should one ever quote a visitor.
  const warn = maskingLog((msg) => app.log.warn(msg));

  app.addHook('onSend', async (req, reply, payload) => {
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('Referrer-Policy', 'no-referrer');
    if (req.url === '/' || req.url.startsWith('/?') || req.url.startsWith('/index.html')) {
      // The page runs only its own code. No frame-ancestors: it is the widget's iframe on customers' sites.
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
      session: { secureCookies: o.support.secureCookies ?? false }, extraOrigins: o.support.extraOrigins ?? [],
      ...(o.dashboard ? { dashboard: o.dashboard } : {}),
    });
  }

  app.get('/ws', { websocket: true }, (socket: WebSocket, req: FastifyRequest) => {
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
    handleSocket(socket, visitor, { hub, bot: o.bot, log: warn });
  });

  await app.listen({ host: o.host, port: o.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : o.port;
  const host = o.host.includes(':') ? `[${o.host}]` : o.host;
  return {
    url: `http://${host}:${port}`,
    app,
    agentsOnline: () => agentConsole?.agentsOnline() ?? 0,
    async close() {
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
