import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { CampaignValidationError, type CampaignWithSpend } from '../../data/campaigns.js';
import { parseRecords } from '../../data/catalog/importer.js';
import { csvRecords } from '../../data/catalog/csv.js';
import { parseCatalogRow } from '../../data/catalog/schema.js';
import type { Store } from '../../data/store.js';
import { DuplicateUsernameError } from '../../data/support.js';
import { pacingStatus } from '../../recommender/campaigns/eligibility.js';
import { formatMinor } from '../../recommender/campaigns/money.js';
import { parseCampaign } from '../../recommender/campaigns/schema.js';
import { buildReport, REPORT_GROUPS, reportCsv, type ReportGroup } from '../../recommender/reports/report.js';
import { groupQuestions } from '../../recommender/reports/unanswered.js';
import { consolePageHeaders, guard, sessionOf, type Session, type SessionStore } from './auth.js';
import { userProfile } from '../../bot/user-profile.js';
import { metrics } from '../../bot/metrics.js';

/** What the dashboard needs from the running bot; undefined while starting (503). */
export interface DashboardData {
  store: Store;
  /** Reloads the recommender's in-memory catalog after an edit or import (no restart), on every instance. */
  reloadCatalog(): Promise<void>;
}

export interface DashboardOptions {
  data: () => DashboardData | undefined;
  sessions: SessionStore;
  extraOrigins?: readonly string[];
  now?: () => Date;
}

const DAY_MS = 86_400_000;

/** What the catalog page edits in place; anything else goes through an import. */
const itemEdit = z.object({
  title: z.string().trim().min(1).max(300), description: z.string().trim().max(2000),
  price: z.number().finite().min(0), link: z.string().url(), sponsored: z.boolean(),
}).partial().strict();

/** A domain item back in the catalog file's row format (snake_case, lists as arrays). */
function toRow(i: Record<string, unknown>): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(i)) if (v !== null) row[k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)] = v;
  return row;
}
/** chart.js's UMD build, next to the file its package exports (the package does not export the UMD path itself). */
const chartJsPath = () => join(dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.js');

const rangeQuery = z.object({
  from: z.string().optional(), to: z.string().optional(),
  by: z.enum(REPORT_GROUPS).optional(), campaign: z.coerce.number().int().positive().optional(), partner: z.string().max(64).optional(),
});

/**
 * `/admin`: the operator dashboard. Admins see everything; a `partner` login sees only its own
 * partner's campaigns and numbers: every route that takes a campaign or report scope takes the
 * partner from the session, never from the request, and answers 404 for another partner's
 * campaign. Catalog, unanswered questions, activity, agents and user pages are admins only.
 * Same login, CSRF token and Origin checks as the agent console (auth.ts).
 */
export async function registerDashboard(app: FastifyInstance, o: DashboardOptions): Promise<void> {
  const extraOrigins = o.extraOrigins ?? [];
  const now = o.now ?? (() => new Date());
  const page = { onRequest: guard(o.sessions, { kind: 'page', allowPartner: true, extraOrigins }) };
  const api = { onRequest: guard(o.sessions, { kind: 'api', allowPartner: true, extraOrigins }), bodyLimit: 64 * 1024 };
  const admin = { onRequest: guard(o.sessions, { kind: 'api', role: 'admin', extraOrigins }), bodyLimit: 64 * 1024 };
  const adminImport = { ...admin, bodyLimit: 8 * 1024 * 1024 };

  const withData = (reply: FastifyReply): DashboardData | undefined => {
    const d = o.data();
    if (!d) void reply.code(503).send({ error: 'starting', message: 'the service is starting; retry shortly' });
    return d;
  };
  /** The partner a session is confined to; undefined for admins. */
  const partnerOf = (s: Session): string | undefined => (s.agent.role === 'partner' ? s.agent.partnerId ?? '\u0000none' : undefined);
  const bad = (reply: FastifyReply, error: string, message: string, status = 400) => reply.code(status).send({ error, message });

  app.get('/admin', page, (_req, reply) => consolePageHeaders(reply).sendFile('dashboard.html'));
  app.get('/admin/vendor/chart.umd.js', (_req, reply) =>
    reply.type('text/javascript; charset=utf-8').header('Cache-Control', 'public, max-age=3600').send(readFileSync(chartJsPath())));

  app.get('/admin/api/me', api, async (req) => {
    const s = sessionOf(req);
    return { username: s.agent.username, role: s.agent.role, partnerId: partnerOf(s) ?? null, csrfToken: s.csrfToken };
  });

  /** Parses the time range and the scope; a partner's scope is always its own. */
  const scopeOf = (req: FastifyRequest, reply: FastifyReply) => {
    const q = rangeQuery.safeParse(req.query);
    if (!q.success) return void bad(reply, 'bad_query', q.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    const to = q.data.to ? new Date(q.data.to) : now();
    const from = q.data.from ? new Date(q.data.from) : new Date(to.getTime() - 30 * DAY_MS);
    if (Number.isNaN(from.getTime())) return void bad(reply, 'bad_query', 'from: not a date');
    if (Number.isNaN(to.getTime())) return void bad(reply, 'bad_query', 'to: not a date');
    if (from >= to) return void bad(reply, 'bad_query', 'from: must be before to');
    const own = partnerOf(sessionOf(req));
    const partnerId = own ?? q.data.partner;
    return { from, to, by: (q.data.by ?? 'campaign') as ReportGroup, ...(partnerId !== undefined ? { partnerId } : {}), ...(q.data.campaign !== undefined ? { campaignId: q.data.campaign } : {}) };
  };

  const report = async (d: DashboardData, scope: NonNullable<ReturnType<typeof scopeOf>>) => {
    const items = new Map((await d.store.catalog.list()).map((i) => [i.id, { language: i.language, kind: i.kind, title: i.title }]));
    return { report: await buildReport({ reports: d.store.reports, item: (id) => items.get(id) }, scope, scope.by), items };
  };

  app.get('/admin/api/overview', api, async (req, reply) => {
    const d = withData(reply);
    const scope = d && scopeOf(req, reply);
    if (!d || !scope) return reply;
    const [series, byItem, byChannel] = await Promise.all([
      d.store.reports.series(scope),
      report(d, { ...scope, by: 'item' }),
      report(d, { ...scope, by: 'channel' }),
    ]);
    const top = (rows: typeof byItem.report.rows) => [...rows].sort((a, b) => b.clicks - a.clicks || b.impressions - a.impressions).slice(0, 10);
    return {
      from: byItem.report.from, to: byItem.report.to, series, totals: byItem.report.totals,
      topItems: top(byItem.report.rows).map((r) => ({ ...r, title: byItem.items.get(r.key)?.title ?? r.key })),
      topChannels: top(byChannel.report.rows),
    };
  });

  app.get('/admin/api/report', api, async (req, reply) => {
    const d = withData(reply);
    const scope = d && scopeOf(req, reply);
    if (!d || !scope) return reply;
    if (scope.campaignId !== undefined && !(await visibleCampaign(d, req, scope.campaignId))) return bad(reply, 'not_found', 'no such campaign', 404);
    return (await report(d, scope)).report;
  });

  app.get('/admin/api/report.csv', api, async (req, reply) => {
    const d = withData(reply);
    const scope = d && scopeOf(req, reply);
    if (!d || !scope) return reply;
    if (scope.campaignId !== undefined && !(await visibleCampaign(d, req, scope.campaignId))) return bad(reply, 'not_found', 'no such campaign', 404);
    const r = (await report(d, scope)).report;
    return reply.type('text/csv; charset=utf-8').header('Content-Disposition', `attachment; filename="crossfeed-report-${r.by}.csv"`)
      .header('Cache-Control', 'no-store').send(reportCsv(r, formatMinor));
  });

  /** The campaign if this session may see it. */
  async function visibleCampaign(d: DashboardData, req: FastifyRequest, id: number): Promise<CampaignWithSpend | undefined> {
    const c = await d.store.campaigns.get(id, now());
    const own = partnerOf(sessionOf(req));
    return c && (own === undefined || c.partnerId === own) ? c : undefined;
  }

  const withStatus = (c: CampaignWithSpend) => {
    const t = now();
    const state = c.status === 'paused' ? 'paused' : t < new Date(c.startsAt) ? 'scheduled' : t >= new Date(c.endsAt) ? 'ended'
      : c.totalBudget - c.spentTotal < c.price ? 'budget_spent' : c.dailyBudget !== null && c.dailyBudget - c.spentToday < c.price ? 'daily_budget_spent' : 'running';
    return { ...c, state, pacing: { mode: c.pacing, ...pacingStatus(c, t) } };
  };

  app.get('/admin/api/campaigns', api, async (req, reply) => {
    const d = withData(reply);
    if (!d) return reply;
    const own = partnerOf(sessionOf(req));
    const list = await d.store.campaigns.list(own !== undefined ? { partnerId: own } : {}, now());
    return { campaigns: list.map(withStatus), partners: own !== undefined ? [await d.store.campaigns.partner(own)].filter(Boolean) : await d.store.campaigns.partners() };
  });

  app.get<{ Params: { id: string } }>('/admin/api/campaigns/:id', api, async (req, reply) => {
    const d = withData(reply);
    if (!d) return reply;
    const c = await visibleCampaign(d, req, Number(req.params.id));
    if (!c) return bad(reply, 'not_found', 'no such campaign', 404);
    return { campaign: withStatus(c) };
  });

  const saveCampaign = async (req: FastifyRequest, reply: FastifyReply, id?: number) => {
    const d = withData(reply);
    if (!d) return reply;
    try {
      const input = parseCampaign(req.body);
      const c = id === undefined ? await d.store.campaigns.create(input) : await d.store.campaigns.update(id, input);
      if (!c) return bad(reply, 'not_found', 'no such campaign', 404);
      return reply.code(id === undefined ? 201 : 200).send({ campaign: withStatus((await d.store.campaigns.get(c.id, now()))!) });
    } catch (err) {
      if (err instanceof CampaignValidationError) return reply.code(400).send({ error: 'invalid_campaign', message: err.message, issues: err.issues });
      throw err;
    }
  };
  app.post('/admin/api/campaigns', admin, (req, reply) => saveCampaign(req, reply));
  app.put<{ Params: { id: string } }>('/admin/api/campaigns/:id', admin, (req, reply) => saveCampaign(req, reply, Number(req.params.id)));
  // Admins pause and resume any campaign; a partner its own (another partner's is "no such campaign").
  for (const [verb, status] of [['pause', 'paused'], ['resume', 'active']] as const) {
    app.post<{ Params: { id: string } }>(`/admin/api/campaigns/:id/${verb}`, api, async (req, reply) => {
      const role = sessionOf(req).agent.role;
      if (role !== 'admin' && role !== 'partner') return bad(reply, 'forbidden', 'admins and the campaign\'s partner only', 403);
      const d = withData(reply);
      if (!d) return reply;
      const id = Number(req.params.id);
      if (!(await visibleCampaign(d, req, id)) || !(await d.store.campaigns.setStatus(id, status))) return bad(reply, 'not_found', 'no such campaign', 404);
      return { campaign: withStatus((await d.store.campaigns.get(Number(req.params.id), now()))!) };
    });
  }

  const partnerBody = z.object({ id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'lowercase letters, digits, _ and -'), name: z.string().trim().min(1).max(200) }).strict();
  app.post('/admin/api/partners', admin, async (req, reply) => {
    const d = withData(reply);
    if (!d) return reply;
    const body = partnerBody.safeParse(req.body);
    if (!body.success) return bad(reply, 'bad_partner', body.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    return reply.code(201).send({ partner: await d.store.campaigns.putPartner(body.data.id, body.data.name) });
  });

  // Catalog: list and search, edit, deactivate, import. The recommender reloads at once.
  app.get<{ Querystring: { q?: string } }>('/admin/api/catalog', admin, async (req, reply) => {
    const d = withData(reply);
    if (!d) return reply;
    const q = (req.query.q ?? '').trim().toLowerCase();
    const items = (await d.store.catalog.list()).filter((i) => !q || `${i.id} ${i.title} ${i.topics.join(' ')}`.toLowerCase().includes(q));
    return { items: items.slice(0, 500), total: items.length };
  });
  app.put<{ Params: { id: string } }>('/admin/api/catalog/:id', admin, async (req, reply) => {
    const d = withData(reply);
    if (!d) return reply;
    const existing = await d.store.catalog.get(req.params.id);
    if (!existing) return bad(reply, 'not_found', 'no such item', 404);
    const body = itemEdit.safeParse(req.body);
    if (!body.success) return bad(reply, 'bad_item', body.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; '));
    const edited = { ...existing, ...body.data };
    // The same rules as an import (snake_case row format): nothing the importer would refuse gets in.
    const check = parseCatalogRow(toRow(edited as unknown as Record<string, unknown>), 1);
    if ('errors' in check) return bad(reply, 'bad_item', check.errors.map((e) => `${e.field}: ${e.message}`).join('; '));
    await d.store.catalog.upsert([check.item]);
    await d.reloadCatalog();
    return { item: check.item };
  });
  app.post<{ Params: { id: string } }>('/admin/api/catalog/:id/deactivate', admin, async (req, reply) => {
    const d = withData(reply);
    if (!d) return reply;
    if (!(await d.store.catalog.setActive(req.params.id, false))) return bad(reply, 'not_found', 'no such item', 404);
    await d.reloadCatalog();
    return { id: req.params.id, active: false };
  });
  const importBody = z.object({ format: z.enum(['json', 'csv']), text: z.string().min(1).max(8 * 1024 * 1024) }).strict();
  app.post('/admin/api/catalog/import', adminImport, async (req, reply) => {
    const d = withData(reply);
    if (!d) return reply;
    const body = importBody.safeParse(req.body);
    if (!body.success) return bad(reply, 'bad_import', body.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    let records: { row: number; record: unknown }[];
    if (body.data.format === 'csv') records = csvRecords(body.data.text);
    else {
      let data: unknown;
      try {
        data = JSON.parse(body.data.text);
      } catch (err) {
        return bad(reply, 'bad_import', `text: not valid JSON (${(err as Error).message})`);
      }
      if (!Array.isArray(data)) return bad(reply, 'bad_import', 'text: a JSON array of catalog items');
      records = data.map((record, i) => ({ row: i + 1, record }));
    }
    const parsed = parseRecords(records);
    if (parsed.errors.length > 0) {
      return reply.code(400).send({ error: 'bad_import', message: `${parsed.errors.length} row(s) invalid; nothing imported`, errors: parsed.errors.slice(0, 100) });
    }
    await d.store.catalog.upsert(parsed.items);
    await d.reloadCatalog();
    return { imported: parsed.items.length };
  });

  app.get('/admin/api/unanswered', admin, async (_req, reply) => {
    const d = withData(reply);
    if (!d) return reply;
    const lines = await d.store.reports.unanswered(new Date(now().getTime() - 30 * DAY_MS), 2000);
    return { groups: groupQuestions(lines).slice(0, 100) };
  });

  app.get('/admin/api/activity', admin, async (_req, reply) => {
    const d = withData(reply);
    if (!d) return reply;
    // Replies sent and dropped by the outbound queues of this process, by platform and reason.
    const replies = (await metrics.replies.get()).values.map((v) => ({ platform: String(v.labels['platform']), outcome: String(v.labels['outcome']), reason: String(v.labels['reason'] ?? ''), count: v.value }));
    return { messages: await d.store.reports.activity(100), replies };
  });

  const agentBody = z.object({
    username: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{2,31}$/, '3-32 letters, digits, _ . or -'),
    password: z.string().min(10, 'at least 10 characters').max(200),
    role: z.enum(['agent', 'admin', 'partner']),
    partnerId: z.string().max(64).optional(),
  }).strict();
  app.get('/admin/api/agents', admin, async (_req, reply) => {
    const d = withData(reply);
    if (!d) return reply;
    return { agents: await d.store.agents.list() };
  });
  app.post('/admin/api/agents', admin, async (req, reply) => {
    const d = withData(reply);
    if (!d) return reply;
    const body = agentBody.safeParse(req.body);
    if (!body.success) return bad(reply, 'bad_agent', body.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    const { username, password, role, partnerId } = body.data;
    if (role === 'partner' && (partnerId === undefined || !(await d.store.campaigns.partner(partnerId)))) return bad(reply, 'bad_agent', 'partnerId: a partner login needs an existing partner');
    if (role !== 'partner' && partnerId !== undefined) return bad(reply, 'bad_agent', 'partnerId: only for role partner');
    try {
      return reply.code(201).send({ agent: role === 'partner' ? await d.store.agents.create(username, password, role, partnerId) : await d.store.agents.create(username, password, role) });
    } catch (err) {
      if (err instanceof DuplicateUsernameError) return bad(reply, 'duplicate_username', err.message, 409);
      throw err;
    }
  });
  app.delete<{ Params: { id: string } }>('/admin/api/agents/:id', admin, async (req, reply) => {
    const d = withData(reply);
    if (!d) return reply;
    const id = Number(req.params.id);
    if (id === sessionOf(req).agent.id) return bad(reply, 'own_account', 'you cannot remove your own account', 409);
    if (!(await d.store.agents.remove(id))) return bad(reply, 'not_found', 'no such agent', 404);
    await o.sessions.destroyAgent(id);
    return reply.code(204).send();
  });
  app.post<{ Params: { id: string } }>('/admin/api/agents/:id/password', admin, async (req, reply) => {
    const d = withData(reply);
    if (!d) return reply;
    const body = z.object({ password: z.string().min(10, 'at least 10 characters').max(200) }).strict().safeParse(req.body);
    if (!body.success) return bad(reply, 'bad_password', `password: ${body.error.issues[0]?.message ?? 'invalid'}`);
    const id = Number(req.params.id);
    if (!(await d.store.agents.setPassword(id, body.data.password))) return bad(reply, 'not_found', 'no such agent', 404);
    if (id !== sessionOf(req).agent.id) await o.sessions.destroyAgent(id);
    return { ok: true };
  });

  app.get<{ Querystring: { platform?: string; id?: string } }>('/admin/api/user', admin, async (req, reply) => {
    const d = withData(reply);
    if (!d) return reply;
    const { platform, id } = req.query;
    if (!platform || !id) return bad(reply, 'bad_query', 'platform and id are required');
    const profile = await userProfile(d.store, platform, id);
    if (!profile) return bad(reply, 'not_found', 'no such user', 404);
    return { profile };
  });
}
