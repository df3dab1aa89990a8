import assert from 'node:assert/strict';
import { chromium, type Browser } from 'playwright-core';
import { ServerProcess } from '../helpers/server-process.js';

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];

describe('defect 9 e2e: a Chinese conversation stays Chinese on the chat page (headless Chromium, crossfeed start)', function () {
  this.timeout(180000);
  let server: ServerProcess;
  let browser: Browser;

  before(async () => {
    server = await ServerProcess.start();
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('on an English browser, the queue position pinned for a Chinese conversation is Chinese; an English one stays English', async () => {
    for (const [ask, expected] of [['我想找人工客服', /^你排在第 1 位。$/], ['I want to talk to a human', /^You're number \d+ in line\.$/]] as const) {
      const context = await browser.newContext({ locale: 'en-US' });
      const page = await context.newPage();
      await page.goto(server.url);
      await page.getByTestId('chat-status').filter({ hasText: 'connected' }).waitFor();
      const input = page.getByTestId('chat-input');
      await input.fill(ask);
      await input.press('Enter');
      await page.locator('[data-testid="chat-message"][data-role="bot"]').first().waitFor({ timeout: 30000 });
      const status = page.getByTestId('support-status');
      await status.waitFor({ timeout: 30000 });
      const shown = (await status.innerText()).trim();
      assert.match(shown, expected, `${ask}: ${shown}`);
      await context.close();
    }
  });
});
