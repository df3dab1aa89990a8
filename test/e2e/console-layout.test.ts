import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { openSqliteStore } from '../../data/sqlite/sqlite-store.js';
import { ServerProcess } from '../helpers/server-process.js';

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];
/** Screenshots land here for a person to look at (var/ is not committed). */
const SHOTS = join(process.cwd(), 'var', 'screenshots');

async function say(page: Page, text: string): Promise<void> {
  await page.getByTestId('chat-input').fill(text);
  await page.getByTestId('chat-input').press('Enter');
}

describe('defect 13: console and FAQ admin layout at 1,400 and 1,024 px (headless Chromium)', function () {
  this.timeout(180000);
  let dir: string;
  let server: ServerProcess;
  let browser: Browser;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'crossfeed-layout-'));
    const db = join(dir, 'layout.db');
    const store = await openSqliteStore(db);
    await store.agents.create('root', 'root-password-1', 'admin');
    await store.close();
    server = await ServerProcess.start({ CROSSFEED_DB: db });
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
    mkdirSync(SHOTS, { recursive: true });
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('queue entries have a stable short name and the email left; the empty transcript is no greeting; the FAQ table keeps words whole', async () => {
    const context = await browser.newContext();
    const visitor = await context.newPage();
    await visitor.goto(server.url);
    await visitor.getByTestId('chat-status').filter({ hasText: 'connected' }).waitFor();
    await say(visitor, 'I want to talk to a human');
    await visitor.locator('[data-testid="chat-message"][data-role="bot"]').first().waitFor({ timeout: 30000 });
    await say(visitor, 'my email is ana@example.com, I was charged twice');
    await visitor.locator('[data-testid="chat-message"][data-role="bot"]', { hasText: 'ana@example.com' }).waitFor({ timeout: 30000 });

    const agent = await context.newPage();
    await agent.goto(`${server.url}/agent`);
    await agent.getByTestId('login-username').fill('root');
    await agent.getByTestId('login-password').fill('root-password-1');
    await agent.getByTestId('login-submit').click();
    await agent.waitForURL(`${server.url}/agent`);
    await agent.getByTestId('console-status').filter({ hasText: 'live' }).waitFor();
    for (const width of [1400, 1024]) {
      await agent.setViewportSize({ width, height: 800 });
      const item = agent.getByTestId('queue-item').first();
      await item.waitFor({ timeout: 15000 });
      assert.match(await item.locator('.queue-name').innerText(), /^Visitor [0-9A-F]{4}$/);
      assert.equal(await item.getByTestId('queue-email').innerText(), 'ana@example.com');
      const empty = await agent.evaluate(() => getComputedStyle(document.getElementById('transcript')!, '::before').content);
      assert.doesNotMatch(empty, /Ask me about courses/, 'not the visitor greeting');
      await agent.screenshot({ path: join(SHOTS, `console-${width}.png`), fullPage: true });
    }

    const admin = await context.newPage();
    await admin.goto(`${server.url}/admin/faq`);
    await admin.locator('[data-testid="faq-row"]').first().waitFor({ timeout: 15000 });
    for (const width of [1400, 1024]) {
      await admin.setViewportSize({ width, height: 900 });
      const columns = await admin.locator('.faq-table thead th').evaluateAll((ths) => ths.map((th) => Math.round(th.getBoundingClientRect().width)));
      for (const [i, w] of columns.entries()) assert.ok(w >= 45, `column ${i + 1} is ${w} px wide at ${width} px: ${columns}`);
      // No word broken letter by letter: every id fits its cell on at most two lines.
      const ids = await admin.locator('[data-testid="faq-row"] td:first-child').evaluateAll((tds) => tds.map((td) => {
        const range = document.createRange();
        range.selectNodeContents(td);
        const tops = new Set(Array.from({ length: range.getClientRects().length }, (_, i) => Math.round(range.getClientRects()[i]!.top)));
        return { lines: tops.size, text: td.textContent ?? '' };
      }));
      for (const id of ids) assert.ok(id.lines <= 4, `${id.text} takes ${id.lines} lines at ${width} px`);
      await admin.screenshot({ path: join(SHOTS, `faq-admin-${width}.png`), fullPage: true });
    }
    // The visitor leaves the queue: the pinned "number 1 in line" clears (defect 3).
    await visitor.getByTestId('support-status').waitFor({ timeout: 15000 });
    await say(visitor, 'never mind');
    await visitor.locator('[data-testid="chat-message"][data-role="bot"]', { hasText: 'out of the queue' }).waitFor({ timeout: 30000 });
    await visitor.getByTestId('support-status').waitFor({ state: 'detached', timeout: 10000 });
    await context.close();
  });
});
