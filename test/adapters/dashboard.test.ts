import assert from 'node:assert/strict';
import { startWebServer, type WebServer } from '../../adapters/web/server.js';
import type { Store } from '../../data/store.js';
import { parseCampaign } from '../../recommender/campaigns/schema.js';
import { testBot } from '../helpers/test-bot.js';

interface Login { cookie: string; csrf: string }

describe('adapters/web dashboard (/admin): roles, partner isolation, CSRF and Origin', function () {
  this.timeout(60_000);
  let server: WebServer;
  let store: Store;
  let reloads = 0;
  let admin: Login;
  let partnerA: Login;
  let agent: Login;
  let campaignA: number;
  let campaignB: number;

  async function logIn(username: string, password: string): Promise<Login> {
    const res = await fetch(`${server.url}/agent/login`, {
      method: 'POST', redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: server.url },
      body: new URLSearchParams({ username, password, next: 'admin' }).toString(),
    });
    assert.equal(res.status, 303, `login ${username}`);
    const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
    const me = await (await fetch(`${server.url}/admin/api/me`, { headers: { cookie } })).json() as { csrfToken: string };
    return { cookie, csrf: me.csrfToken };
  }

  function call(who: Login | undefined, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    return fetch(`${server.url}${path}`, {
      method, redirect: 'manual',
      headers: {
        ...(who ? { cookie: who.cookie } : {}), ...(method !== 'GET' && who ? { 'x-csrf-token': who.csrf } : {}),
        ...(method !== 'GET' ? { origin: server.url } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers,
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  }

  before(async () => {
    const t = await testBot();
    store = t.store;
    const items = (await store.catalog.list()).filter((i) => i.kind === 'course');
    await store.campaigns.putPartner('pa', 'Partner A');
    await store.campaigns.putPartner('pb', 'Partner B');
    const w = { startsAt: '2020-01-01T00:00:00Z', endsAt: '2100-01-01T00:00:00Z', currency: 'USD', totalBudget: '50', pricing: 'click', price: '0.50', pacing: 'asap' };
    campaignA = (await store.campaigns.create(parseCampaign({ ...w, partnerId: 'pa', name: 'Alpha', itemIds: [items[0]!.id] }))).id;
    campaignB = (await store.campaigns.create(parseCampaign({ ...w, partnerId: 'pb', name: 'Beta secret', itemIds: [items[1]!.id] }))).id;
    for (const [itemId, channel] of [[items[0]!.id, 'alpha-chan'], [items[1]!.id, 'beta-chan']] as const) {
      for (let i = 0; i < 3; i++) {
        await store.interactions.record({ userId: null, itemId, type: 'impression', platform: 'twitch', channel });
        const token = await store.tracking.createImpression({ itemId, userId: null, platform: 'twitch', channel });
        await store.tracking.recordClick(token);
      }
    }
    await store.agents.create('root', 'root-password-1', 'admin');
    await store.agents.create('alpha', 'alpha-password-1', 'partner', 'pa');
    await store.agents.create('beta', 'beta-password-1', 'partner', 'pb');
    await store.agents.create('alice', 'alice-password-1', 'agent');
    server = await startWebServer({
      host: '127.0.0.1', port: 0, allowedOrigins: [], maxConnectionsPerIp: 50, bot: () => t.bot,
      support: { desk: () => ({ conversations: store.conversations, faq: store.faq, support: store.support, agents: store.agents }) },
      dashboard: { data: () => ({ store, reloadCatalog: async () => { reloads++; t.recommender.reload(await store.catalog.list()); } }) },
    });
    admin = await logIn('root', 'root-password-1');
    partnerA = await logIn('alpha', 'alpha-password-1');
    agent = await logIn('alice', 'alice-password-1');
  });
  after(async () => {
    await server.close();
    await store.close();
  });

  it('sends a partner to /admin after login; the page needs a session', async () => {
    const res = await fetch(`${server.url}/agent/login`, {
      method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: server.url },
      body: new URLSearchParams({ username: 'beta', password: 'beta-password-1' }).toString(),
    });
    assert.equal(res.headers.get('location'), '/admin');
    const anon = await call(undefined, 'GET', '/admin');
    assert.equal(anon.status, 302);
    assert.match(anon.headers.get('location') ?? '', /^\/agent\/login/);
    assert.equal((await call(partnerA, 'GET', '/admin')).status, 200);
    const chart = await call(undefined, 'GET', '/admin/vendor/chart.umd.js');
    assert.equal(chart.status, 200);
    assert.match(await chart.text(), /Chart/);
  });

  it('shows a partner only its own campaigns and numbers, whatever it asks for (JSON and CSV)', async () => {
    const list = await (await call(partnerA, 'GET', '/admin/api/campaigns')).json() as { campaigns: { id: number }[]; partners: { id: string }[] };
    assert.deepEqual(list.campaigns.map((c) => c.id), [campaignA]);
    assert.deepEqual(list.partners.map((p) => p.id), ['pa']);
    assert.equal((await call(partnerA, 'GET', `/admin/api/campaigns/${campaignB}`)).status, 404);
    assert.equal((await call(partnerA, 'GET', `/admin/api/report?campaign=${campaignB}`)).status, 404);
    assert.equal((await call(partnerA, 'GET', `/admin/api/report.csv?campaign=${campaignB}`)).status, 404);
    for (const by of ['partner', 'campaign', 'item', 'channel', 'platform', 'language']) {
      const r = await (await call(partnerA, 'GET', `/admin/api/report?by=${by}&partner=pb`)).json() as { partnerId: string; totals: { clicks: number; spend: Record<string, number> } };
      assert.equal(r.partnerId, 'pa', `by ${by}: the session's partner, not the query's`);
      assert.equal(r.totals.clicks, 3, `by ${by}: only partner A's clicks`);
      assert.deepEqual(r.totals.spend, { USD: 150 });
    }
    const csv = await (await call(partnerA, 'GET', '/admin/api/report.csv?by=channel&partner=pb')).text();
    assert.match(csv, /alpha-chan/);
    assert.doesNotMatch(csv, /beta-chan/);
    const overview = await (await call(partnerA, 'GET', '/admin/api/overview?partner=pb')).json() as { totals: { clicks: number }; topChannels: { key: string }[] };
    assert.equal(overview.totals.clicks, 3);
    assert.deepEqual(overview.topChannels.map((c) => c.key), ['twitch:alpha-chan']);
    const adminView = await (await call(admin, 'GET', '/admin/api/report?by=campaign')).json() as { rows: { key: string }[] };
    assert.deepEqual(adminView.rows.map((r) => r.key).sort(), [String(campaignA), String(campaignB)].sort(), 'admins see every campaign');
  });

  it('refuses a partner every write and every admin-only route, and the agent console', async () => {
    const refused: [string, string, unknown?][] = [
      ['POST', '/admin/api/campaigns', {}], ['PUT', `/admin/api/campaigns/${campaignA}`, {}], ['POST', '/admin/api/partners', { id: 'x', name: 'X' }],
      ['GET', '/admin/api/catalog'], ['PUT', '/admin/api/catalog/x', {}], ['POST', '/admin/api/catalog/x/deactivate'], ['POST', '/admin/api/catalog/import', {}],
      ['GET', '/admin/api/unanswered'], ['GET', '/admin/api/activity'], ['GET', '/admin/api/agents'], ['POST', '/admin/api/agents', {}],
      ['DELETE', '/admin/api/agents/1'], ['POST', '/admin/api/agents/1/password', {}], ['GET', '/admin/api/user?platform=web&id=x'],
      ['GET', '/admin/api/faq'], ['PUT', '/admin/api/faq/x', {}], ['GET', '/agent'], ['GET', '/agent/api/queue'],
    ];
    for (const [method, path, body] of refused) assert.equal((await call(partnerA, method, path, body)).status, 403, `${method} ${path}`);
    assert.equal((await store.campaigns.get(campaignB))!.status, 'active');
    // An agent (not admin) is refused the admin routes too, but may see the overview.
    assert.equal((await call(agent, 'GET', '/admin/api/agents')).status, 403);
    assert.equal((await call(agent, 'POST', `/admin/api/campaigns/${campaignA}/pause`)).status, 403);
  });

  it('lets a partner pause and resume its own campaign, never another partner\'s (404, unchanged), with CSRF and Origin checked', async () => {
    for (const verb of ['pause', 'resume']) {
      const other = await call(partnerA, 'POST', `/admin/api/campaigns/${campaignB}/${verb}`);
      assert.equal(other.status, 404, `${verb} another partner's campaign`);
      assert.doesNotMatch(await other.text(), /Beta secret/);
      assert.equal((await store.campaigns.get(campaignB))!.status, 'active');
    }
    assert.equal((await call(partnerA, 'POST', `/admin/api/campaigns/${campaignB + 1000}/pause`)).status, 404);
    assert.equal((await call({ ...partnerA, csrf: 'wrong' }, 'POST', `/admin/api/campaigns/${campaignA}/pause`)).status, 403);
    assert.equal((await call(partnerA, 'POST', `/admin/api/campaigns/${campaignA}/pause`, undefined, { origin: 'https://evil.example' })).status, 403);
    assert.equal((await store.campaigns.get(campaignA))!.status, 'active');
    const paused = await call(partnerA, 'POST', `/admin/api/campaigns/${campaignA}/pause`);
    assert.equal(paused.status, 200);
    assert.equal(((await paused.json()) as { campaign: { state: string } }).campaign.state, 'paused');
    assert.equal((await store.campaigns.get(campaignA))!.status, 'paused');
    assert.equal((await call(partnerA, 'POST', `/admin/api/campaigns/${campaignA}/resume`)).status, 200);
    assert.equal((await store.campaigns.get(campaignA))!.status, 'active');
    assert.equal((await store.campaigns.get(campaignB))!.status, 'active');
  });

  it('checks CSRF and Origin on every write', async () => {
    assert.equal((await call({ ...admin, csrf: 'wrong' }, 'POST', `/admin/api/campaigns/${campaignA}/pause`)).status, 403);
    assert.equal((await call(admin, 'POST', `/admin/api/campaigns/${campaignA}/pause`, undefined, { origin: 'https://evil.example' })).status, 403);
    assert.equal((await store.campaigns.get(campaignA))!.status, 'active');
    assert.equal((await call(admin, 'POST', `/admin/api/campaigns/${campaignA}/pause`)).status, 200);
    assert.equal((await store.campaigns.get(campaignA))!.status, 'paused');
    assert.equal((await call(admin, 'POST', `/admin/api/campaigns/${campaignA}/resume`)).status, 200);
  });

  it('lets an admin create a campaign, with errors that name the field', async () => {
    const bad = await call(admin, 'POST', '/admin/api/campaigns', { partnerId: 'pa', name: 'X', itemIds: ['nope'], startsAt: '2030-01-02T00:00:00Z', endsAt: '2030-01-01T00:00:00Z', currency: 'USD', totalBudget: '-1', pricing: 'click', price: '1' });
    assert.equal(bad.status, 400);
    const issues = ((await bad.json()) as { issues: { field: string }[] }).issues.map((i) => i.field);
    assert.deepEqual(issues.sort(), ['endsAt', 'totalBudget']);
    const unknown = await call(admin, 'POST', '/admin/api/campaigns', { partnerId: 'pa', name: 'X', itemIds: ['nope'], startsAt: '2030-01-01T00:00:00Z', endsAt: '2030-02-01T00:00:00Z', currency: 'USD', totalBudget: '10', pricing: 'click', price: '1' });
    assert.equal(unknown.status, 400);
    assert.match(((await unknown.json()) as { message: string }).message, /itemIds: no catalog item "nope"/);
    const items = await store.catalog.list();
    const ok = await call(admin, 'POST', '/admin/api/campaigns', { partnerId: 'pb', name: 'Gamma', itemIds: [items[2]!.id], startsAt: '2020-01-01T00:00:00Z', endsAt: '2100-01-01T00:00:00Z', currency: 'CNY', totalBudget: '100.5', dailyBudget: '10', pricing: 'claim', price: '2' });
    assert.equal(ok.status, 201);
    const c = ((await ok.json()) as { campaign: { totalBudget: number; state: string; pacing: { mode: string } } }).campaign;
    assert.equal(c.totalBudget, 10_050);
    assert.equal(c.state, 'running');
  });

  it('edits, deactivates and imports catalog items live (the recommender reloads, no restart)', async () => {
    const item = (await store.catalog.list()).find((i) => i.kind === 'course')!;
    const before = reloads;
    const edit = await call(admin, 'PUT', `/admin/api/catalog/${item.id}`, { title: 'Renamed course', price: 12.5 });
    assert.equal(edit.status, 200);
    assert.equal((await store.catalog.get(item.id))?.title, 'Renamed course');
    assert.equal((await call(admin, 'PUT', `/admin/api/catalog/${item.id}`, { price: -1 })).status, 400);
    assert.equal((await call(admin, 'POST', `/admin/api/catalog/${item.id}/deactivate`)).status, 200);
    assert.equal(await store.catalog.get(item.id), undefined);
    const row = { id: 'crs-imported-live', kind: 'course', title: 'Imported live', language: 'en', price: 5, currency: 'USD', link: 'https://example.com/x',
      topics: ['python'], level: 'beginner', duration_hours: 2, provider: 'Acme' };
    const imported = await call(admin, 'POST', '/admin/api/catalog/import', { format: 'json', text: JSON.stringify([row]) });
    assert.equal(imported.status, 200, await imported.clone().text());
    assert.equal((await store.catalog.get('crs-imported-live'))?.title, 'Imported live');
    const broken = await call(admin, 'POST', '/admin/api/catalog/import', { format: 'json', text: JSON.stringify([{ ...row, id: 'crs-two', price: 'free' }]) });
    assert.equal(broken.status, 400);
    assert.equal(reloads, before + 3);
    const search = await (await call(admin, 'GET', '/admin/api/catalog?q=imported')).json() as { items: { id: string }[] };
    assert.deepEqual(search.items.map((i) => i.id), ['crs-imported-live']);
  });

  it('manages agents: add a partner login, reset a password, remove', async () => {
    const added = await call(admin, 'POST', '/admin/api/agents', { username: 'gamma', password: 'gamma-password-1', role: 'partner', partnerId: 'pb' });
    assert.equal(added.status, 201);
    const id = ((await added.json()) as { agent: { id: number } }).agent.id;
    assert.equal((await call(admin, 'POST', '/admin/api/agents', { username: 'delta', password: 'delta-password-1', role: 'partner', partnerId: 'nobody' })).status, 400);
    assert.equal((await call(admin, 'POST', `/admin/api/agents/${id}/password`, { password: 'short' })).status, 400);
    assert.equal((await call(admin, 'POST', `/admin/api/agents/${id}/password`, { password: 'a-new-password-1' })).status, 200);
    assert.ok(await store.agents.verify('gamma', 'a-new-password-1'));
    assert.equal((await call(admin, 'DELETE', `/admin/api/agents/${id}`)).status, 204);
    assert.equal(await store.agents.get(id), undefined);
  });
});
