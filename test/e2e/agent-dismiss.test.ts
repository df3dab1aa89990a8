import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { chromium, type Browser } from 'playwright-core';
import type { SupportDesk } from '../../adapters/web/agent-desk.js';
import { startWebServer, type WebServer } from '../../adapters/web/server.js';
import type { Store } from '../../data/store.js';
import type { Nlu, NluResult } from '../../nlp/types.js';
import { KeywordNlu } from '../helpers/keyword-nlu.js';
import { testBot } from '../helpers/test-bot.js';
import { FrameClient } from '../helpers/ws-client.js';

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];

class HandoffNlu implements Nlu {
  private readonly inner = new KeywordNlu();
  async parse(text: string): Promise<NluResult> {
    const r = await this.inner.parse(text);
    return /\bhuman\b/i.test(r.text) ? { ...r, intent: 'human_handoff', confidence: 0.95 } : r;
  }
}

describe('e2e: an agent dismisses spam entries in bulk from the console (headless Chromium)', function () {
  this.timeout(120_000);
  let server: WebServer;
  let store: Store;
  let browser: Browser;

  before(async () => {
    const t = await testBot({ nlu: new HandoffNlu() });
    store = t.store;
    const desk: SupportDesk = { conversations: store.conversations, faq: store.faq, support: store.support, agents: store.agents };
    server = await startWebServer({ host: '127.0.0.1', port: 0, allowedOrigins: [], maxConnectionsPerIp: 50, bot: () => t.bot, support: { desk: () => desk } });
    await store.agents.create('alice', 'alice-password-1', 'agent');
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
  });
  after(async () => {
    await browser?.close();
    await server.close();
    await store.close();
  });

  it('ticks two waiting entries, dismisses them, and keeps the third', async () => {
    for (let i = 0; i < 3; i++) {
      const c = await FrameClient.connect(`${server.url.replace('http', 'ws')}/ws?visitor=${randomUUID()}`, {}, { localAddress: `127.0.80.${i + 1}` });
      await c.next((f) => f.type === 'history');
      c.send({ type: 'message', text: 'human please' });
      await c.next((f) => f.type === 'message' && f.message.role === 'bot');
      c.close();
    }
    await server.intakeIdle();
    const waiting = (await store.support.waiting()).map((e) => e.conversationId);
    assert.equal(waiting.length, 3);

    const page = await browser.newPage();
    page.on('dialog', (d) => void d.accept());
    await page.goto(`${server.url}/agent`);
    await page.getByTestId('login-username').fill('alice');
    await page.getByTestId('login-password').fill('alice-password-1');
    await page.getByTestId('login-submit').click();
    await page.waitForURL(`${server.url}/agent`);
    await page.getByTestId('queue-select').nth(2).waitFor();
    assert.equal(await page.getByTestId('dismiss-selected').isDisabled(), true);
    await page.getByTestId('queue-select').nth(0).check();
    await page.getByTestId('queue-select').nth(1).check();
    await page.getByTestId('dismiss-selected').click();
    await page.locator('#queue-count', { hasText: '1' }).waitFor();
    assert.deepEqual((await store.support.waiting()).map((e) => e.conversationId), waiting.slice(2));
    await page.close();
  });
});
