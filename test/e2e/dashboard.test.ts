import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { openSqliteStore } from '../../data/sqlite/sqlite-store.js';
import { packageRoot } from '../../data/paths.js';
import { parseCampaign } from '../../recommender/campaigns/schema.js';
import { seedItems } from '../helpers/catalog.js';
import { runCli } from '../helpers/cli.js';
import { ServerProcess } from '../helpers/server-process.js';
import { FrameClient } from '../helpers/ws-client.js';

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];
const BROWSER_UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36';
/** Screenshots land here (not committed); the README's comes from docs/images. */
const SHOTS = join(packageRoot, 'var', 'screenshots');

describe('e2e: operator dashboard in headless Chromium against `crossfeed start`', function () {
  this.timeout(300_000);
  let dir: string;
  let db: string;
  let server: ServerProcess;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let pythonCourses: string[];
  const pageErrors: string[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'crossfeed-dashboard-'));
    db = join(dir, 'dash.db');
    const store = await openSqliteStore(db);
    const items = await seedItems();
    await store.catalog.upsert(items);
    pythonCourses = items.filter((i) => i.kind === 'course' && i.topics.includes('python')).map((i) => i.id);
    await store.campaigns.putPartner('noodle', 'Noodle Yard');
    await store.campaigns.putPartner('rival', 'Rival Brand');
    await store.campaigns.create(parseCampaign({
      partnerId: 'rival', name: 'Rival secret campaign', itemIds: [items.find((i) => i.kind === 'coupon')!.id], startsAt: '2020-01-01T00:00:00Z',
      endsAt: '2100-01-01T00:00:00Z', currency: 'USD', totalBudget: '500', pricing: 'claim', price: '1',
    }));
    await store.agents.create('root', 'root-password-1', 'admin');
    await store.agents.create('noodle', 'noodle-password-1', 'partner', 'noodle');
    await store.close();
    server = await ServerProcess.start({ CROSSFEED_DB: db });
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
    mkdirSync(SHOTS, { recursive: true });
  });
  after(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function logIn(username: string, password: string, o: { colorScheme?: 'light' | 'dark' } = {}): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, colorScheme: o.colorScheme ?? 'light', locale: 'en-US' });
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (err) => pageErrors.push(`${username}: ${err.message}`));
    await page.goto(`${server.url}/admin`);
    assert.equal(new URL(page.url()).pathname, '/agent/login');
    await page.getByTestId('login-username').fill(username);
    await page.getByTestId('login-password').fill(password);
    await page.getByTestId('login-submit').click();
    await page.waitForURL(/\/admin/);
    await page.goto(`${server.url}/admin`);
    await page.locator('body[data-ready=true]').waitFor();
    return page;
  }

  /** One visitor asks for python courses over the chat socket; returns the cards' ids and links. */
  async function ask(visitor: string, text = 'recommend a python course'): Promise<{ id: string; link: string }[]> {
    const c = await FrameClient.connect(`${server.url.replace('http', 'ws')}/ws?visitor=${randomUUID()}`);
    void visitor;
    await c.next((f) => f.type === 'history');
    c.send({ type: 'message', text, clientId: 'c-1' });
    const reply = await c.next((f) => f.type === 'message' && f.message.role === 'bot', 30_000);
    c.close();
    return reply.message.cards as { id: string; link: string }[];
  }

  it('admin creates a campaign; traffic spends it and it stops being offered; chart, report and CLI agree; partner sees only its own; an unanswered group becomes an FAQ answer', async () => {
    const admin = await logIn('root', 'root-password-1');
    await admin.locator('#tabs button[data-tab=campaigns]').click();
    const form = admin.getByTestId('campaign-form');
    await form.locator('select[name=partnerId]').selectOption('noodle');
    await form.locator('input[name=name]').fill('Python week');
    await form.locator('input[name=itemIds]').fill(pythonCourses.join(', '));
    await form.locator('input[name=startsAt]').fill('2020-01-01T00:00');
    await form.locator('input[name=endsAt]').fill('2099-12-31T00:00');
    await form.locator('input[name=totalBudget]').fill('0');
    await form.locator('input[name=price]').fill('1');
    await form.locator('select[name=pacing]').selectOption('asap');
    await form.locator('button[type=submit]').click();
    const error = admin.getByTestId('campaign-error');
    await error.waitFor();
    assert.match(await error.innerText(), /totalBudget: must be more than 0/, 'the error names the field');
    await form.locator('input[name=totalBudget]').fill('3');
    await form.locator('button[type=submit]').click();
    const row = admin.locator('[data-testid^=campaign-][data-state]').filter({ hasText: 'Python week' });
    await row.waitFor();
    assert.equal(await row.getAttribute('data-state'), 'running');

    // Simulated traffic: visitors ask, and click (with a browser's User-Agent) every campaign card.
    let clicked = 0;
    for (let v = 0; v < 12 && clicked < 6; v++) {
      for (const card of await ask(`visitor-${v}`)) {
        if (!pythonCourses.includes(card.id)) continue;
        assert.match(card.link, /\/r\/[A-Za-z0-9_-]{22}$/);
        const res = await fetch(card.link, { redirect: 'manual', headers: { 'user-agent': BROWSER_UA } });
        assert.equal(res.status, 302);
        // A link-preview bot and a double click are never billed.
        await fetch(card.link, { redirect: 'manual', headers: { 'user-agent': 'Discordbot/2.0' } });
        await fetch(card.link, { redirect: 'manual', headers: { 'user-agent': BROWSER_UA } });
        clicked++;
      }
    }
    assert.ok(clicked >= 3, `enough clicks to spend the budget (${clicked})`);
    for (let v = 100; v < 104; v++) {
      const ids = (await ask(`visitor-${v}`)).map((c) => c.id);
      assert.ok(ids.every((id) => !pythonCourses.includes(id)), `budget spent: no campaign course offered (${ids.join(', ')})`);
    }
    await admin.reload();
    await admin.locator('body[data-ready=true]').waitFor();
    await admin.locator('#tabs button[data-tab=campaigns]').click();
    await row.waitFor();
    assert.equal(await row.getAttribute('data-state'), 'budget_spent');
    assert.equal(await row.getByTestId('campaign-spent').innerText(), '3.00 USD / 3.00 USD');

    // The campaign report, the overview and `crossfeed report --json` show the same numbers.
    const campaignId = (await row.getAttribute('data-testid'))!.replace('campaign-', '');
    await row.getByTestId('view-report').click();
    await admin.getByTestId('report-total').waitFor();
    const reportSpend = await admin.getByTestId('report-spend').innerText();
    const cli = await runCli(['report', '--by', 'campaign', '--json', '--from', '2000-01-01', '--to', new Date(Date.now() + 86_400_000).toISOString().slice(0, 10)], { cwd: dir, db });
    assert.equal(cli.code, 0, cli.stderr);
    const json = JSON.parse(cli.stdout) as { rows: { key: string; clicks: number; impressions: number; spend: Record<string, number> }[]; totals: { clicks: number; impressions: number; claims: number } };
    const cliRow = json.rows.find((r) => r.key === campaignId)!;
    assert.deepEqual(cliRow.spend, { USD: 300 });
    assert.equal(reportSpend, '3.00 USD');
    const reportClicks = await admin.getByTestId('report-total').locator('td').nth(2).innerText();
    assert.equal(Number(reportClicks), cliRow.clicks);
    await admin.locator('#tabs button[data-tab=overview]').click();
    await admin.getByTestId('total-clicks').waitFor();
    const cliAll = JSON.parse((await runCli(['report', '--by', 'item', '--json'], { cwd: dir, db })).stdout) as typeof json;
    assert.equal(Number(await admin.getByTestId('total-clicks').locator('b').innerText()), cliAll.totals.clicks);
    assert.equal(Number(await admin.getByTestId('total-suggestions').locator('b').innerText()), cliAll.totals.impressions);
    const series = JSON.parse((await admin.getByTestId('overview-chart').getAttribute('data-series'))!) as { clicks: number; impressions: number }[];
    assert.equal(series.reduce((s, p) => s + p.clicks, 0), cliAll.totals.clicks, 'the chart plots the same clicks');

    // Screenshots at 1,400 and 1,024 px, light and dark.
    for (const width of [1400, 1024]) {
      for (const scheme of ['light', 'dark'] as const) {
        await admin.setViewportSize({ width, height: 900 });
        await admin.emulateMedia({ colorScheme: scheme });
        await admin.locator('#tabs button[data-tab=overview]').click();
        await admin.getByTestId('total-clicks').waitFor();
        await admin.screenshot({ path: join(SHOTS, `dashboard-overview-${width}-${scheme}.png`), fullPage: true });
        await admin.locator('#tabs button[data-tab=campaigns]').click();
        await row.waitFor();
        await admin.screenshot({ path: join(SHOTS, `dashboard-campaigns-${width}-${scheme}.png`), fullPage: true });
      }
    }
    await admin.emulateMedia({ colorScheme: 'light' });
    await admin.setViewportSize({ width: 1400, height: 900 });

    // A partner login sees only its own campaign.
    const partner = await logIn('noodle', 'noodle-password-1', { colorScheme: 'dark' });
    await partner.locator('#tabs button[data-tab=campaigns]').click();
    await partner.locator('[data-testid^=campaign-][data-state]').first().waitFor();
    const text = await partner.getByTestId('campaign-list').innerText();
    assert.match(text, /Python week/);
    assert.doesNotMatch(text, /Rival/);
    assert.equal(await partner.locator('#tabs button[data-tab=agents]').count(), 0, 'no admin tabs');
    await partner.locator('#lang').selectOption('zh');
    await partner.getByText('推广活动').first().waitFor();
    await partner.screenshot({ path: join(SHOTS, 'dashboard-partner-zh-1400-dark.png'), fullPage: true });

    // Unanswered questions: a group becomes an FAQ entry the bot then answers.
    const question = 'can I pay with a gift card from the spring market';
    for (let v = 200; v < 203; v++) await ask(`visitor-${v}`, question);
    await admin.locator('#tabs button[data-tab=unanswered]').click();
    const group = admin.getByTestId('unanswered-group').filter({ hasText: 'gift card' });
    await group.waitFor();
    await group.getByTestId('make-faq').click();
    await group.locator('textarea[name=answer]').fill('Yes: spring market gift cards work for every course.');
    await group.locator('button[type=submit]').click();
    await group.getByTestId('faq-saved').waitFor();
    await admin.screenshot({ path: join(SHOTS, 'dashboard-unanswered-1400-light.png'), fullPage: true });
    let answered = '';
    for (let i = 0; i < 20 && !/spring market gift cards work/.test(answered); i++) {
      await new Promise((r) => setTimeout(r, 500));
      const c = await FrameClient.connect(`${server.url.replace('http', 'ws')}/ws?visitor=${randomUUID()}`);
      await c.next((f) => f.type === 'history');
      c.send({ type: 'message', text: question, clientId: 'q' });
      answered = (await c.next((f) => f.type === 'message' && f.message.role === 'bot', 30_000)).message.text as string;
      c.close();
    }
    assert.match(answered, /spring market gift cards work/);
    assert.deepEqual(pageErrors, [], 'no script errors on the pages');
  });
});
