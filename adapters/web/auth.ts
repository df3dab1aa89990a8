import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { MemorySessions, type SessionBackend, type StoredSession } from '../../data/sessions.js';
import type { Agent } from '../../data/support.js';

/**
 * Console sessions: a random 256-bit id in an HttpOnly, SameSite=Strict cookie, looked up in a
 * server-side store (data/sessions.ts: memory, or Redis shared by every instance); each session
 * has its own CSRF token (synchronizer token) that state-changing requests send in the
 * `X-CSRF-Token` header. With the in-memory store, restarting the server logs everyone out.
 */

export const SESSION_COOKIE = 'cf_agent';
export const CSRF_HEADER = 'x-csrf-token';

export type Session = StoredSession;

export interface SessionOptions {
  /** A session ends this long after login, however active. */
  maxAgeMs?: number;
  /** ...or after this long without a request. */
  idleMs?: number;
  /** Adds `Secure` to the cookie (the console is reached over https). */
  secureCookies?: boolean;
  now?: () => number;
  /** Where sessions are kept: in memory (default, one instance) or shared (Redis, several instances). */
  backend?: SessionBackend;
}

export const DefaultSessionOptions = {
  maxAgeMs: 12 * 60 * 60_000,
  idleMs: 2 * 60 * 60_000,
  secureCookies: false,
  now: () => Date.now(),
} as const satisfies Required<Omit<SessionOptions, 'backend'>>;

/** Console sessions: when they end (max age, idle time) and their cookie; kept in a SessionBackend. */
export class SessionStore {
  private readonly o: Required<Omit<SessionOptions, 'backend'>>;
  private readonly backend: SessionBackend;

  constructor(options: SessionOptions = {}) {
    const { backend, ...rest } = options;
    this.o = { ...DefaultSessionOptions, ...rest };
    this.backend = backend ?? new MemorySessions(this.o.now);
  }

  async create(agent: Agent): Promise<Session> {
    const t = this.o.now();
    const session: Session = { id: token(), agent, csrfToken: token(), createdAt: t, lastSeenAt: t };
    await this.backend.put(session, this.ttl(session, t));
    return session;
  }

  /** The live session of a request's cookie; touching it extends the idle deadline. */
  async fromRequest(req: FastifyRequest): Promise<Session | undefined> {
    const id = readCookie(req.headers.cookie, SESSION_COOKIE);
    if (!id) return undefined;
    const session = await this.backend.get(id);
    if (!session) return undefined;
    const t = this.o.now();
    if (this.expired(session, t)) {
      await this.backend.delete(id);
      return undefined;
    }
    session.lastSeenAt = t;
    await this.backend.put(session, this.ttl(session, t));
    return session;
  }

  /** Whether a session still exists and has not expired (open sockets check this as they go). */
  async isLive(id: string): Promise<boolean> {
    const s = await this.backend.get(id);
    return s !== undefined && !this.expired(s, this.o.now());
  }

  destroy(id: string): Promise<void> {
    return this.backend.delete(id);
  }

  /** Ends every session of an agent (e.g. after their account changed), on every instance. */
  destroyAgent(agentId: number): Promise<void> {
    return this.backend.deleteAgent(agentId);
  }

  setCookie(reply: FastifyReply, session: Session): void {
    reply.header('Set-Cookie', this.cookie(session.id, Math.floor(this.o.maxAgeMs / 1000)));
  }

  clearCookie(reply: FastifyReply): void {
    reply.header('Set-Cookie', this.cookie('', 0));
  }

  private cookie(value: string, maxAgeS: number): string {
    return `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeS}${this.o.secureCookies ? '; Secure' : ''}`;
  }

  private expired(s: Session, t: number): boolean {
    return t - s.createdAt > this.o.maxAgeMs || t - s.lastSeenAt > this.o.idleMs;
  }

  /** Time left until the session ends if untouched: the backend forgets it then. */
  private ttl(s: Session, t: number): number {
    return Math.max(1, Math.min(s.createdAt + this.o.maxAgeMs, s.lastSeenAt + this.o.idleMs) - t);
  }
}

/** Constant-time check of the CSRF header against the session's token. */
export function csrfMatches(req: FastifyRequest, session: Session): boolean {
  const given = req.headers[CSRF_HEADER];
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(session.csrfToken);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * True when the request comes from one of our own pages: its Origin (or, lacking one, its
 * Referer) names this host or one of `extraOrigins`. Browsers send Origin on every POST, so a
 * state-changing request without either is refused too.
 */
export function sameOrigin(req: FastifyRequest, extraOrigins: readonly string[] = []): boolean {
  const raw = req.headers.origin ?? req.headers.referer;
  if (typeof raw !== 'string' || raw === '' || raw === 'null') return false;
  try {
    const url = new URL(raw);
    if (extraOrigins.includes(url.origin)) return true;
    return url.host === req.headers.host;
  } catch {
    return false;
  }
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) {
      const value = part.slice(eq + 1).trim();
      return /^[A-Za-z0-9_-]{43}$/.test(value) ? value : undefined;
    }
  }
  return undefined;
}

function token(): string {
  return randomBytes(32).toString('base64url');
}

const sessionOfRequest = new WeakMap<FastifyRequest, Session>();

/** The session a guard found for this request. */
export function sessionOf(req: FastifyRequest): Session {
  const s = sessionOfRequest.get(req);
  if (!s) throw new Error('sessionOf: route has no session guard');
  return s;
}

export interface GuardOptions {
  /** Pages redirect to the login form; API routes answer 401. */
  kind: 'page' | 'api';
  /** 'admin': admins only. Without it any agent or admin; partner logins only where `allowPartner`. */
  role?: 'admin';
  allowPartner?: boolean;
  /** Origins besides this host that may send state-changing requests (the public address). */
  extraOrigins?: readonly string[];
}

/**
 * `onRequest` hook for console routes: a live session (and role), and for anything but GET/HEAD
 * a same-origin request carrying the session's CSRF token. Runs before the body is parsed, so a
 * forged form post is refused (403) whatever its content type.
 */
export function guard(sessions: SessionStore, o: GuardOptions) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const unsafe = req.method !== 'GET' && req.method !== 'HEAD';
    if (unsafe && !sameOrigin(req, o.extraOrigins)) {
      return reply.code(403).send({ error: 'cross_site', message: 'requests must come from the console page' });
    }
    let session: Session | undefined;
    try {
      session = await sessions.fromRequest(req);
    } catch {
      return reply.code(503).send({ error: 'sessions_unavailable', message: 'logins cannot be checked right now; retry shortly' });
    }
    if (!session) {
      if (o.kind === 'page') return reply.redirect(`/agent/login${req.url.startsWith('/admin') ? '?next=admin' : ''}`, 302);
      return reply.code(401).send({ error: 'login_required', message: 'log in first' });
    }
    if (unsafe && !csrfMatches(req, session)) {
      return reply.code(403).send({ error: 'bad_csrf', message: 'missing or wrong CSRF token' });
    }
    const forbidden = o.role === 'admin' ? session.agent.role !== 'admin' : session.agent.role === 'partner' && !o.allowPartner;
    if (forbidden) {
      return reply.code(403).type(o.kind === 'page' ? 'text/plain' : 'application/json')
        .send(o.kind === 'page' ? 'Admins only.' : { error: 'forbidden', message: 'admins only' });
    }
    sessionOfRequest.set(req, session);
    return undefined;
  };
}

/** Headers for the console and admin pages: only our own scripts, never framed, never cached. */
export function consolePageHeaders(reply: FastifyReply): FastifyReply {
  return reply
    .header('Content-Security-Policy',
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
    .header('X-Frame-Options', 'DENY')
    .header('Cache-Control', 'no-store');
}

/**
 * Failed logins per client address in a fixed window: once `maxFailures` are spent, every attempt
 * (right password or not) waits for the window to end. Successful logins cost nothing.
 */
export class LoginThrottle {
  private readonly failures = new Map<string, { count: number; resetAt: number }>();

  constructor(private readonly maxFailures = 10, private readonly windowMs = 5 * 60_000, private readonly maxKeys = 10_000,
    private readonly now = () => Date.now()) {}

  /** Seconds until this address may try again; 0 when it may now. */
  retryAfterS(key: string): number {
    const f = this.failures.get(key);
    if (!f) return 0;
    const t = this.now();
    if (t >= f.resetAt) {
      this.failures.delete(key);
      return 0;
    }
    return f.count >= this.maxFailures ? Math.ceil((f.resetAt - t) / 1000) : 0;
  }

  fail(key: string): void {
    const t = this.now();
    let f = this.failures.get(key);
    if (!f || t >= f.resetAt) {
      if (this.failures.size >= this.maxKeys) this.failures.delete(this.failures.keys().next().value!);
      f = { count: 0, resetAt: t + this.windowMs };
      this.failures.set(key, f);
    }
    f.count += 1;
  }
}
