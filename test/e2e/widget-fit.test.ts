import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { openSqliteStore } from '../../data/sqlite/sqlite-store.js';
import { ServerProcess } from '../helpers/server-process.js';
import { launchChromium } from './browser-chat.test.js';

/** A third-party site on another origin that pastes the widget tag with these attributes. */
async function shopWith(scriptTag: string): Promise<{ url: string; server: Server }> {
  const server = createServer((_req, res) => {
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.end(`<!doctype html><html><body><h1>Shop</h1>${scriptTag}</body></html>`);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://localhost:${(server.address() as AddressInfo).port}/`, server };
}

describe('e2e: the widget fits the site (title, accent, greeting, language)', function () {
  this.timeout(120_000);
  let server: ServerProcess;
  let browser: Browser;

  before(async () => {
    // The operator's defaults (web.widget) in the config file; a script tag's attributes win over them.
    const dir = mkdtempSync(join(tmpdir(), 'cf-widget-'));
    const config = join(dir, 'crossfeed.config.yaml');
    writeFileSync(config, 'web:\n  widget:\n    title: Academy help\n    accent: "#0a7f3f"\n    greeting: Welcome to the Academy!\n');
    const db = join(dir, 'widget.db');
    const store = await openSqliteStore(db);
    await store.agents.create('mei', 'mei-password-1', 'agent');
    await store.close();
    server = await ServerProcess.start({ CROSSFEED_CONFIG: config, CROSSFEED_DB: db });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('takes title, accent colour, greeting and language from the script tag', async () => {
    const shop = await shopWith(`<script src="${server.url}/widget.js" data-title="Acme 帮助" data-accent="#ff0066" data-greeting="你好！想学什么？" data-lang="zh"></script>`);
    const context = await browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    try {
      await page.goto(shop.url);
      const launcher = page.getByRole('button', { name: '打开聊天' });
      await launcher.waitFor();
      assert.equal(await launcher.evaluate((el) => getComputedStyle(el).backgroundColor), 'rgb(255, 0, 102)');
      await launcher.click();
      assert.equal(await page.locator('[data-crossfeed-widget]').evaluate((h) => h.shadowRoot?.querySelector('.bar span')?.textContent), 'Acme 帮助');
      const frame = page.frameLocator('iframe');
      await frame.getByTestId('chat-status').filter({ hasText: '已连接' }).waitFor();
      assert.equal(await frame.getByTestId('chat-input').getAttribute('placeholder'), '输入消息，按回车发送');
      await frame.locator('[data-testid="chat-message"][data-role="bot"]').filter({ hasText: '你好！想学什么？' }).waitFor();
      assert.equal(await frame.locator('html').getAttribute('lang'), 'zh-CN');
    } finally {
      await context.close();
      shop.server.close();
    }
  });

  it('without attributes: the operator\'s web.widget settings, and the browser\'s language', async () => {
    const shop = await shopWith(`<script src="${server.url}/widget.js"></script>`);
    const context = await browser.newContext({ locale: 'zh-CN' });
    const page = await context.newPage();
    try {
      await page.goto(shop.url);
      const launcher = page.getByRole('button', { name: '打开聊天' });
      await launcher.waitFor();
      await page.waitForFunction(() => getComputedStyle(document.querySelector('[data-crossfeed-widget]')!.shadowRoot!.querySelector('.launcher')!).backgroundColor === 'rgb(10, 127, 63)');
      await launcher.click();
      const frame = page.frameLocator('iframe');
      await frame.getByTestId('chat-status').filter({ hasText: '已连接' }).waitFor();
      await frame.locator('[data-testid="chat-message"][data-role="bot"]').filter({ hasText: 'Welcome to the Academy!' }).waitFor();
      assert.equal(await page.locator('[data-crossfeed-widget]').evaluate((h) => h.shadowRoot?.querySelector('.bar span')?.textContent), 'Academy help');
    } finally {
      await context.close();
      shop.server.close();
    }
  });

  it('the chat page follows the browser: English for en-US, Chinese for zh-CN', async () => {
    for (const [locale, placeholder, connected] of [['en-US', 'Type a message and press Enter', 'connected'], ['zh-CN', '输入消息，按回车发送', '已连接']] as const) {
      const context = await browser.newContext({ locale });
      const page = await context.newPage();
      await page.goto(server.url);
      await page.getByTestId('chat-status').filter({ hasText: connected }).waitFor();
      assert.equal(await page.getByTestId('chat-input').getAttribute('placeholder'), placeholder);
      assert.equal(await page.locator('h1').textContent(), 'Academy help');
      await context.close();
    }
  });

  it('the agent console follows the browser too', async () => {
    const context = await browser.newContext({ locale: 'zh-CN' });
    const page = await context.newPage();
    try {
      await page.goto(`${server.url}/agent`);
      await page.getByTestId('login-username').fill('mei');
      await page.getByTestId('login-password').fill('mei-password-1');
      await page.getByTestId('login-submit').click();
      await page.getByTestId('take-conversation').filter({ hasText: '接手' }).waitFor();
      assert.equal(await page.getByTestId('logout').textContent(), '退出登录');
      assert.equal(await page.locator('html').getAttribute('lang'), 'zh-CN');
    } finally {
      await context.close();
    }
  });
});
