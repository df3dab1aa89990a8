import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { supportFrame } from '../../adapters/web/agent-desk.js';
import { CATALOGUE, pageSection } from '../../bot/i18n/catalogue.js';
import { chromium } from 'playwright-core';
import { packageRoot } from '../../data/paths.js';
import { webChat } from '../helpers/web-chat.js';

const PUBLIC = join(packageRoot, 'adapters', 'web', 'public');
const publicFile = (name: string) => readFileSync(join(PUBLIC, name), 'utf8');
/** Every key a page names with data-text="key" or data-text-<attr>="key". */
const pageKeys = (html: string) => [...html.matchAll(/data-text(?:-[a-z-]+)?="(\w+)"/g)].map((m) => m[1]!);

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('defect 9: one message catalogue per language', () => {
  it('every key exists in both en and zh, non-empty, with the same placeholders', () => {
    const en = Object.keys(CATALOGUE.en).sort();
    const zh = Object.keys(CATALOGUE.zh).sort();
    assert.deepEqual(zh, en);
    for (const k of en) {
      assert.ok(CATALOGUE.en[k]!.trim() && CATALOGUE.zh[k]!.trim(), k);
      assert.deepEqual(placeholders(CATALOGUE.zh[k]!), placeholders(CATALOGUE.en[k]!), k);
    }
  });

  it('a Chinese conversation gets Chinese topic names, reasons and card labels', async () => {
    const chat = await webChat();
    try {
      const v = await chat.visitor();
      const courses = await v.say('摄影入门课');
      assert.doesNotMatch(courses.text, /photography/i, courses.text);
      assert.match(courses.text, /摄影/);
      for (const c of courses.cards) {
        assert.deepEqual([c.labels.kind, c.labels.link, c.labels.sponsored], ['课程', '查看课程', '推广']);
        assert.doesNotMatch(c.reason ?? '', /covers|level|within/i);
      }
      const coupons = await v.say('上海的拉面优惠券');
      const coupon = coupons.cards.find((c) => c.kind === 'coupon');
      assert.ok(coupon, coupons.text);
      assert.equal(coupon.labels.claim, '领取优惠码');
      assert.doesNotMatch(coupon.reason ?? '', /valid until|Shanghai|online/, coupon.reason);
      const insurance = await v.say('旅游保险，我30岁');
      for (const c of insurance.cards) assert.doesNotMatch(c.reason ?? '', /Suits you|[a-z]{4,}/, c.reason);
      v.close();
    } finally {
      await chat.close();
    }
  });

  it('the pages\' words (chat page, widget, console, FAQ admin, queue status) are catalogue keys in both languages', () => {
    for (const key of ['page.placeholder', 'page.connected', 'page.send', 'page.openChat', 'console.take', 'console.stateWaiting', 'admin.save', 'admin.saved', 'desk.waiting']) {
      assert.ok(CATALOGUE.en[key] && CATALOGUE.zh[key], key);
    }
    for (const [file, ns] of [['index.html', 'page'], ['agent.html', 'console'], ['agent-login.html', 'console'], ['admin.html', 'admin']] as const) {
      const keys = pageKeys(publicFile(file));
      assert.ok(keys.length > 5, file);
      for (const k of keys) assert.ok(k in pageSection(ns, 'en') && k in pageSection(ns, 'zh'), `${file}: ${k}`);
    }
    // The pages keep no table of their own: page-text.js re-exports the served catalogue.
    assert.doesNotMatch(publicFile('page-text.js'), /\ben: \{/);
    // The widget is a classic script on other sites (it cannot import): its three words must match.
    const words = publicFile('widget.js').match(/const WORDS = (\{[\s\S]*?\n  \});/);
    assert.ok(words, 'widget.js WORDS');
    const table = new Function(`return ${words[1]}`)() as Record<'en' | 'zh', { title: string; open: string; close: string }>;
    for (const lang of ['en', 'zh'] as const) {
      const page = pageSection('page', lang);
      assert.deepEqual(table[lang], { title: page.title, open: page.openChat, close: page.closeChat }, lang);
    }
  });

  it('the queue position is a catalogue text the page shows in its language', () => {
    const frame = supportFrame('waiting', 3) as { key: string; vars: Record<string, unknown>; text: string };
    assert.equal(frame.text, "You're number 3 in line.");
    assert.equal(pageSection('desk', 'zh')[frame.key]!.replace('{n}', String(frame.vars.n)), '你排在第 3 位。');
    const chat = readFileSync(join(PUBLIC, 'chat.js'), 'utf8');
    assert.match(chat, /DESK_TEXT\[/);
    assert.match(chat, /frame\.key/);
  });

  it('the server serves the pages\' words generated from the catalogue, and a Chinese page shows them', async () => {
    const chat = await webChat();
    const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
    try {
      const res = await fetch(`${chat.server.url}/page-catalogue.js`);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /javascript/);
      const mod = await import(`data:text/javascript;base64,${Buffer.from(await res.text()).toString('base64')}`);
      for (const [name, ns] of [['PAGE_TEXT', 'page'], ['CONSOLE_TEXT', 'console'], ['ADMIN_TEXT', 'admin'], ['DESK_TEXT', 'desk'], ['CARD_TEXT', 'card']] as const) {
        assert.deepEqual(mod[name], { en: pageSection(ns, 'en'), zh: pageSection(ns, 'zh') }, name);
      }
      const page = await browser.newPage();
      await page.goto(`${chat.server.url}/?lang=zh`);
      await page.getByTestId('chat-status').filter({ hasText: '已连接' }).waitFor();
      assert.equal(await page.getByTestId('chat-input').getAttribute('placeholder'), '输入消息，按回车发送');
      assert.equal(await page.locator('.tagline').textContent(), '关于课程、优惠券或保险的问题？尽管问。');
      assert.equal(await page.locator('button.send').getAttribute('aria-label'), '发送消息');
    } finally {
      await browser.close();
      await chat.close();
    }
  });
});
