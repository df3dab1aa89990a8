import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WebSocket } from 'ws';
import { z } from 'zod';
import { toTranscript } from '../../bot/transcript.js';
import { registerAdminFaq } from './admin-faq-routes.js';
import type { SupportDesk } from './agent-desk.js';
import { ConsoleDesk, supportFrame } from './agent-desk.js';
import { AgentHub, queueItem } from './agent-socket.js';
import { LocalBus, type Bus } from '../../data/bus.js';
import { DeskRelay } from './desk-relay.js';
import { consolePageHeaders, guard, LoginThrottle, sameOrigin, sessionOf, SessionStore, type SessionOptions } from './auth.js';
import { AccountThrottle, type AccountThrottleOptions } from './account-throttle.js';
import { KeyedBuckets } from './keyed-limit.js';
import { CloseCode } from './protocol.js';
import { registerDashboard, type DashboardOptions } from './dashboard-routes.js';
import type { VisitorHub } from './visitor-hub.js';

export interface AgentConsoleOptions {
  desk: () => SupportDesk | undefined;
  hub: VisitorHub;
  publicDir: string;
  /** Origins besides this host the console is reached at (the public https address). */
  extraOrigins?: readonly string[];
  session?: SessionOptions;
  /** Failed logins per client address per window, after which it waits for the window to end. */
  loginFailures?: number;
  loginWindowMs?: number;
  /** Failed logins per account (any address): free ones, then a doubling backoff capped at the max. */
  accountFreeFailures?: number;
  accountBaseBackoffMs?: number;
  accountMaxBackoffMs?: number;
  /** Console API requests per client address: a burst, then per second. */
  apiBurst?: number;
  apiPerSecond?: number;
  maxReplyChars?: number;
  pollMs?: number;
  log: (message: string) => void;
  /** The operator dashboard at /admin (dashboard-routes.ts), in this scope so it shares the login, Origin and rate-limit rules. */
  dashboard?: Omit<DashboardOptions, 'sessions' | 'extraOrigins'>;
  /**
   * What the instances share (data/bus.ts): agent actions reach visitors and consoles connected to
   * any instance. Absent: this instance only.
   */
  bus?: Bus;
}

export const DefaultAgentConsoleOptions = {
  extraOrigins: [] as readonly string[],
  session: {},
  loginFailures: 10,
  loginWindowMs: 5 * 60_000,
  accountFreeFailures: 5,
  accountBaseBackoffMs: 1000,
  accountMaxBackoffMs: 60_000,
  apiBurst: 120,
  apiPerSecond: 20,
  maxReplyChars: 2000,
  pollMs: 1000,
} as const satisfies Required<Omit<AgentConsoleOptions, 'desk' | 'hub' | 'publicDir' | 'log' | 'dashboard' | 'bus'>>;

export interface AgentConsole {
  sessions: SessionStore;
  agents: AgentHub;
  relay: DeskRelay;
  /** Agents with the console open now (the bot offers "leave a message" when none). */
  agentsOnline(): number;
  close(): void;
}

const loginBody = z.object({
  username: z.string().min(1).max(100),
  password: z.string().min(1).max(1000),
  next: z.enum(['agent', 'admin']).optional(),
});
const idParams = z.object({ id: z.coerce.number().int().positive() });
const dismissBody = z.object({ conversationIds: z.array(z.number().int().positive()).min(1).max(500) });
const tagBody = z.object({ tag: z.string().trim().min(1).max(40).regex(/^[\p{L}\p{N} _-]+$/u, 'letters, digits, spaces, _ and -') });

/**
 * The agent console (and the admin FAQ page, /admin/faq): login/logout, `/agent` (queue, the
 * agent's own conversations, transcript, take, reply, hand back, close, suggested answers) and
 * its live socket `/agent/ws`. Every route but the login form needs a session; state-changing
 * ones also a same-origin request with the session's CSRF token.
 */
export async function registerAgentConsole(app: FastifyInstance, options: AgentConsoleOptions): Promise<AgentConsole> {
  const o = { ...DefaultAgentConsoleOptions, ...options };
  const sessions = new SessionStore(o.session);
  const desk = new ConsoleDesk(o.hub);
  const agents = new AgentHub({ desk: o.desk, console: desk, sessions, pollMs: o.pollMs, log: o.log });
  const relay = new DeskRelay(o.bus ?? new LocalBus(), { desk: o.desk, console: desk, agents, log: o.log });
  const loginThrottle = new LoginThrottle(o.loginFailures, o.loginWindowMs);
  const accountThrottle = new AccountThrottle({
    freeFailures: o.accountFreeFailures, baseBackoffMs: o.accountBaseBackoffMs, maxBackoffMs: o.accountMaxBackoffMs,
  } satisfies Partial<AccountThrottleOptions>);
  const apiLimit = new KeyedBuckets(o.apiBurst, o.apiPerSecond);
  const page = { onRequest: guard(sessions, { kind: 'page', extraOrigins: o.extraOrigins }) };
  const api = { onRequest: guard(sessions, { kind: 'api', extraOrigins: o.extraOrigins }) };
  const loginHtml = readFileSync(join(o.publicDir, 'agent-login.html'), 'utf8');

  const withDesk = (reply: FastifyReply): SupportDesk | undefined => {
    const d = o.desk();
    if (!d) void reply.code(503).send({ error: 'starting', message: 'the service is starting; retry shortly' });
    return d;
  };

  await app.register(async (scope) => {
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 4096 },
      (_req, body, done) => done(null, Object.fromEntries(new URLSearchParams(String(body)))));
    // The server-wide no-referrer policy makes browsers send `Origin: null` on same-origin posts,
    // which the Origin check must refuse; the console's pages name their origin to themselves only.
    scope.addHook('onSend', async (_req, reply, payload) => {
      reply.header('Referrer-Policy', 'same-origin');
      return payload;
    });
    scope.addHook('onRequest', async (req, reply) => {
      if (!apiLimit.take(req.ip)) return reply.code(429).send({ error: 'rate_limited', message: 'too many requests; slow down' });
      return undefined;
    });

    // The static copies would bypass the session check; the console lives at its routes only.
    for (const [file, to] of [['/agent.html', '/agent'], ['/admin.html', '/admin/faq'], ['/agent-login.html', '/agent/login'], ['/dashboard.html', '/admin']] as const) {
      scope.get(file, (_req, reply) => reply.redirect(to, 302));
    }

    scope.get<{ Querystring: { error?: string; next?: string } }>('/agent/login', async (req, reply) => {
      if (await sessions.fromRequest(req).catch(() => undefined)) return reply.redirect('/agent', 302);
      // Only fixed strings are put into the page, never anything from the request.
      let html = req.query.error === '1' ? loginHtml.replace('data-testid="login-error" hidden', 'data-testid="login-error"') : loginHtml;
      if (req.query.next === 'admin') html = html.replace('name="next" value="agent"', 'name="next" value="admin"');
      return consolePageHeaders(reply).type('text/html; charset=utf-8').send(html);
    });

    scope.post('/agent/login', { bodyLimit: 4096 }, async (req, reply) => {
      // No session yet, so no CSRF token: the Origin check keeps other sites from logging a browser in.
      if (!sameOrigin(req, o.extraOrigins)) return reply.code(403).send({ error: 'cross_site', message: 'log in from the login page' });
      const body = loginBody.safeParse(req.body);
      const wait = Math.max(loginThrottle.retryAfterS(req.ip), body.success ? accountThrottle.retryAfterS(body.data.username, req.ip) : 0);
      if (wait > 0) return reply.code(429).header('Retry-After', String(wait)).type('text/plain').send(`Too many failed logins. Try again in ${wait} s.`);
      const d = withDesk(reply);
      if (!d) return reply;
      const agent = body.success ? await d.agents.verify(body.data.username, body.data.password) : undefined;
      if (body.success) {
        if (agent) accountThrottle.succeed(body.data.username, req.ip);
        else accountThrottle.fail(body.data.username);
      }
      if (!agent) {
        loginThrottle.fail(req.ip);
        return reply.redirect(`/agent/login?error=1${body.success && body.data.next === 'admin' ? '&next=admin' : ''}`, 303);
      }
      const session = await sessions.create(agent);
      sessions.setCookie(reply, session);
      // Partner logins only ever see the dashboard (their own campaigns).
      return reply.redirect(agent.role === 'partner' ? '/admin' : body.success && body.data.next === 'admin' ? '/admin/faq' : '/agent', 303);
    });

    // Partner logins (dashboard only) log out here too.
    scope.post('/agent/logout', { onRequest: guard(sessions, { kind: 'api', allowPartner: true, extraOrigins: o.extraOrigins }) }, async (req, reply) => {
      const session = sessionOf(req);
      await sessions.destroy(session.id);
      agents.closeSession(session.id);
      sessions.clearCookie(reply);
      return reply.code(204).send();
    });

    scope.get('/agent', page, (_req, reply) => consolePageHeaders(reply).sendFile('agent.html'));

    scope.get('/agent/api/me', api, (req, reply) => {
      const s = sessionOf(req);
      return reply.header('Cache-Control', 'no-store')
        .send({ username: s.agent.username, role: s.agent.role, csrfToken: s.csrfToken, maxReplyChars: o.maxReplyChars });
    });

    // `mine`: what this agent has taken, so a reloaded console (or a new login) gets back to it.
    scope.get('/agent/api/queue', api, async (req, reply) => {
      const d = withDesk(reply);
      if (!d) return reply;
      const mine = await d.support.ownedBy(sessionOf(req).agent.id);
      return reply.header('Cache-Control', 'no-store')
        .send({ items: (await d.support.waiting()).map(queueItem), mine: mine.map((e) => ({ ...queueItem(e), takenAt: e.takenAt })) });
    });

    // Spam in bulk: closes the listed conversations' waiting entries (taken ones are left alone).
    scope.post('/agent/api/queue/dismiss', { ...api, bodyLimit: 16 * 1024 }, async (req, reply) => {
      const d = withDesk(reply);
      if (!d) return reply;
      const body = dismissBody.safeParse(req.body);
      if (!body.success) return reply.code(400).send({ error: 'bad_ids', message: 'conversationIds: 1 to 500 conversation ids' });
      const dismissed = await d.support.dismiss(body.data.conversationIds, 'dismissed', sessionOf(req).agent.id);
      if (dismissed.length) relay.toConsoles();
      return reply.send({ dismissed });
    });

    scope.get('/agent/api/conversations/:id', api, async (req, reply) => {
      const d = withDesk(reply);
      if (!d) return reply;
      const id = conversationId(req, reply);
      if (id === undefined) return reply;
      const entry = await d.support.open(id);
      const lines = await desk.transcript(d, id);
      if (!entry && lines.length === 0) return reply.code(404).send({ error: 'not_found', message: 'no such conversation' });
      const owner = entry?.agentId != null ? await d.agents.get(entry.agentId) : undefined;
      return reply.send({
        conversationId: id,
        entry: entry ? { ...queueItem(entry), status: entry.status, agent: owner?.username ?? null } : null,
        messages: lines,
        suggestions: await desk.suggest(d, lines),
      });
    });

    scope.post('/agent/api/conversations/:id/take', api, async (req, reply) => {
      const d = withDesk(reply);
      if (!d) return reply;
      const id = conversationId(req, reply);
      if (id === undefined) return reply;
      const me = sessionOf(req).agent;
      const result = await d.support.take(id, me.id);
      if (result !== 'taken') {
        const entry = await d.support.open(id);
        const owner = entry?.agentId != null ? await d.agents.get(entry.agentId) : undefined;
        return reply.code(409).send({
          error: result,
          message: result === 'already_taken' ? `Already taken${owner ? ` by ${owner.username}` : ''}.` : 'This conversation is not waiting any more.',
        });
      }
      relay.toConsoles({ type: 'taken', conversationId: id, agent: me.username });
      const entry = await d.support.open(id);
      if (entry) relay.toVisitor(entry, supportFrame('taken'));
      return reply.send({ result });
    });

    scope.post('/agent/api/conversations/:id/reply', { ...api, bodyLimit: 16 * 1024 }, async (req, reply) => {
      const d = withDesk(reply);
      if (!d) return reply;
      const id = conversationId(req, reply);
      if (id === undefined) return reply;
      const body = z.object({ text: z.string().trim().min(1).max(o.maxReplyChars) }).safeParse(req.body);
      if (!body.success) return reply.code(400).send({ error: 'bad_text', message: `a reply is 1 to ${o.maxReplyChars} characters` });
      const entry = await ownedEntry(d, id, sessionOf(req).agent.id, reply);
      if (!entry) return reply;
      const stored = await d.conversations.append(id, { role: 'agent', text: body.data.text });
      relay.toVisitor(entry, { type: 'message', message: toTranscript(stored) });
      relay.toConsoles();
      return reply.send({ message: await desk.line(d, stored) });
    });

    scope.post('/agent/api/conversations/:id/hand-back', api, async (req, reply) => {
      const d = withDesk(reply);
      if (!d) return reply;
      const id = conversationId(req, reply);
      if (id === undefined) return reply;
      const entry = await ownedEntry(d, id, sessionOf(req).agent.id, reply);
      if (!entry) return reply;
      if (!(await d.support.handBack(id, sessionOf(req).agent.id))) return notOwner(reply);
      relay.toVisitor(entry, supportFrame('bot'));
      relay.toConsoles();
      return reply.send({ result: 'handed_back' });
    });

    scope.post('/agent/api/conversations/:id/close', { ...api, bodyLimit: 4096 }, async (req, reply) => {
      const d = withDesk(reply);
      if (!d) return reply;
      const id = conversationId(req, reply);
      if (id === undefined) return reply;
      const body = tagBody.safeParse(req.body ?? {});
      if (!body.success) return reply.code(400).send({ error: 'bad_tag', message: 'a tag of 1 to 40 letters, digits, spaces, _ or -' });
      const entry = await ownedEntry(d, id, sessionOf(req).agent.id, reply);
      if (!entry) return reply;
      if (!(await d.support.close(id, sessionOf(req).agent.id, body.data.tag))) return notOwner(reply);
      relay.toVisitor(entry, supportFrame('closed'));
      relay.toConsoles();
      return reply.send({ result: 'closed', tag: body.data.tag });
    });

    await registerAdminFaq(scope, { desk: o.desk, sessions, extraOrigins: o.extraOrigins });
    if (o.dashboard) await registerDashboard(scope, { ...o.dashboard, sessions, extraOrigins: o.extraOrigins });

    scope.get('/agent/ws', { websocket: true }, (socket: WebSocket, req: FastifyRequest) => {
      // Browsers always send Origin on WebSockets; another site's page must not ride the cookie.
      if (!sameOrigin(req, o.extraOrigins)) {
        socket.close(CloseCode.policy, 'origin not allowed');
        return;
      }
      // Frames that arrive while the session is looked up are handed to the hub once it has the socket.
      const early: [Buffer, boolean][] = [];
      const hold = (data: Buffer, isBinary: boolean) => void early.push([data, isBinary]);
      socket.on('message', hold);
      void sessions.fromRequest(req).catch(() => undefined).then((session) => {
        socket.off('message', hold);
        if (!session || session.agent.role === 'partner') {
          socket.close(CloseCode.policy, 'login required');
          return;
        }
        agents.add(socket, session);
        for (const [data, isBinary] of early) socket.emit('message', data, isBinary);
      });
    });
  });

  agents.start();
  relay.start();
  return { sessions, agents, relay, agentsOnline: () => agents.online(), close: () => { relay.stop(); agents.stop(); } };
}

function conversationId(req: FastifyRequest, reply: FastifyReply): number | undefined {
  const p = idParams.safeParse(req.params);
  if (p.success) return p.data.id;
  void reply.code(400).send({ error: 'bad_id', message: 'conversation ids are positive integers' });
  return undefined;
}

async function ownedEntry(d: SupportDesk, id: number, agentId: number, reply: FastifyReply) {
  const entry = await d.support.open(id);
  if (entry?.status === 'taken' && entry.agentId === agentId) return entry;
  notOwner(reply);
  return undefined;
}

function notOwner(reply: FastifyReply) {
  return reply.code(409).send({ error: 'not_owner', message: 'Take the conversation first; another agent may own it.' });
}
