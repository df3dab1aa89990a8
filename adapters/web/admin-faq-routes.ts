import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { SupportDesk } from './agent-desk.js';
import { consolePageHeaders, guard, type SessionStore } from './auth.js';

export interface AdminFaqOptions {
  desk: () => SupportDesk | undefined;
  sessions: SessionStore;
  extraOrigins?: readonly string[];
}

const slug = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'lowercase letters, digits, - and _, at most 64');
const line = (max: number) => z.string().trim().min(1).max(max);

/** One FAQ entry as the admin page sends it; the id comes from the URL. */
export const faqEntryBody = z.object({
  questions: z.array(line(300)).min(1, 'at least one question').max(30),
  answer: line(4000),
  tags: z.array(line(40)).max(20).default([]),
  language: z.enum(['en', 'zh']),
}).strict();

/**
 * `/admin/faq`: admins list, add, edit and delete FAQ entries. Writes go straight to the store,
 * whose version the bot watches, so answers change within seconds; `faqChanged` tells every
 * instance at once.
 */
export async function registerAdminFaq(app: FastifyInstance, o: AdminFaqOptions): Promise<void> {
  const extraOrigins = o.extraOrigins ?? [];
  const page = { onRequest: guard(o.sessions, { kind: 'page', role: 'admin', extraOrigins }) };
  const api = { onRequest: guard(o.sessions, { kind: 'api', role: 'admin', extraOrigins }), bodyLimit: 64 * 1024 };

  const withDesk = (reply: FastifyReply): SupportDesk | undefined => {
    const d = o.desk();
    if (!d) void reply.code(503).send({ error: 'starting', message: 'the service is starting; retry shortly' });
    return d;
  };

  app.get('/admin/faq', page, (_req, reply) => consolePageHeaders(reply).sendFile('admin.html'));

  app.get('/admin/api/faq', api, async (_req, reply) => {
    const d = withDesk(reply);
    if (!d) return reply;
    const entries = await d.faq.list();
    return reply.header('Cache-Control', 'no-store').send({ entries: entries.sort((a, b) => a.id.localeCompare(b.id)), version: await d.faq.version() });
  });

  app.put<{ Params: { id: string } }>('/admin/api/faq/:id', api, async (req, reply) => {
    const d = withDesk(reply);
    if (!d) return reply;
    const id = slug.safeParse(req.params.id);
    if (!id.success) return reply.code(400).send({ error: 'bad_id', message: `id: ${id.error.issues[0]?.message ?? 'invalid'}` });
    const body = faqEntryBody.safeParse(req.body);
    if (!body.success) {
      return reply.code(400).send({ error: 'bad_entry', message: body.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ') });
    }
    const existed = (await d.faq.get(id.data)) !== undefined;
    await d.faq.upsert([{ id: id.data, ...body.data, questions: dedupe(body.data.questions), tags: dedupe(body.data.tags) }]);
    d.faqChanged?.();
    return reply.code(existed ? 200 : 201).send({ entry: await d.faq.get(id.data) });
  });

  app.delete<{ Params: { id: string } }>('/admin/api/faq/:id', api, async (req, reply) => {
    const d = withDesk(reply);
    if (!d) return reply;
    if (!(await d.faq.remove(req.params.id))) return reply.code(404).send({ error: 'not_found', message: 'no such entry' });
    d.faqChanged?.();
    return reply.code(204).send();
  });
}

function dedupe(xs: readonly string[]): string[] {
  return [...new Set(xs)];
}
