import assert from 'node:assert/strict';
import { ServerProcess } from '../helpers/server-process.js';
import { WebVisitor } from '../helpers/web-chat.js';

/**
 * Scripted conversations, English and Chinese, over the web socket against `crossfeed start`
 * (real NLU models, shipped catalog and FAQ): what a new user meets in the first minutes.
 */
describe('e2e: scripted conversations (web socket, crossfeed start)', function () {
  this.timeout(180000);
  let server: ServerProcess;
  let ws: string;
  before(async () => {
    server = await ServerProcess.start();
    ws = server.url.replace('http', 'ws');
  });
  after(async () => server?.stop());

  const usd = (c: { price: number; currency: string }) => (c.currency === 'USD' ? c.price : c.currency === 'CNY' ? c.price * 0.14 : c.price);

  it('en: budget, level and topic are kept across refinements', async () => {
    const v = await WebVisitor.open(ws);
    const first = await v.say('beginner python course under $30');
    assert.ok(first.cards.length > 0, first.text);
    for (const c of first.cards) assert.ok(c.topics.includes('python') && c.level === 'beginner' && usd(c) <= 30, `${c.id} ${c.priceLabel}`);
    const another = await v.say('another one');
    for (const c of another.cards) assert.ok(c.topics.includes('python') && c.level === 'beginner' && usd(c) <= 30, `another: ${c.id}`);
    const cheaper = await v.say('cheaper?');
    for (const c of cheaper.cards) assert.ok(c.topics.includes('python'), `cheaper: ${c.id}`);
    assert.doesNotMatch(cheaper.text, /under Free/);
    v.close();
  });

  it('zh: 预算、级别和主题在追问中保持', async () => {
    const v = await WebVisitor.open(ws);
    const first = await v.say('300元以内的python入门课');
    assert.ok(first.cards.length > 0, first.text);
    assert.match(first.text, /[\u4e00-\u9fff]/);
    for (const c of first.cards) assert.ok(c.topics.includes('python') && usd(c) <= 300 * 0.14 + 0.01, `${c.id} ${c.priceLabel}`);
    const cheaper = await v.say('再便宜一点的');
    for (const c of cheaper.cards) assert.ok(c.topics.includes('python'), `cheaper: ${c.id}`);
    v.close();
  });

  it('en + zh: insurance refusal and acceptance, always with disclosures', async () => {
    const v = await WebVisitor.open(ws);
    assert.match((await v.say('I need travel insurance')).text, /How old are you/);
    assert.match((await v.say('16')).text, /under 18/);
    const adult = await v.say("ok then I'm 18 actually");
    assert.ok(adult.cards.length > 0 && adult.cards.every((c) => c.kind === 'insurance' && c.disclosure), adult.text);
    const old = await v.say("I'm 90 and need health insurance");
    assert.doesNotMatch(old.text, /higher budget/);
    v.close();
    const z = await WebVisitor.open(ws);
    assert.match((await z.say('我想买旅游保险')).text, /多大/);
    assert.match((await z.say('16岁')).text, /未满18岁/);
    const zAdult = await z.say('我30岁');
    assert.ok(zAdult.cards.length > 0 && zAdult.cards.every((c) => c.disclosure), zAdult.text);
    z.close();
  });

  it('a claimed coupon code is kept after a reload, and claiming again shows the same code', async () => {
    let v = await WebVisitor.open(ws);
    const offer = await v.say('any ramen coupons in Brooklyn?');
    const card = offer.cards.find((c) => c.kind === 'coupon');
    assert.ok(card, offer.text);
    const claimed = await v.say(`Claim code: ${card.title}`, { action: { kind: 'claim', itemId: card.id } });
    const code = /CF-[A-Z0-9-]+/.exec(claimed.text)?.[0];
    assert.ok(code, claimed.text);
    v = await v.reload();
    assert.ok(v.history.some((m) => m.role === 'bot' && m.text.includes(code)), 'the code is in the history');
    assert.ok((await v.say(`!claim ${card.id}`)).text.includes(code));
    assert.ok((await v.say('!mycodes')).text.includes(code));
    v.close();
  });

  it('noise is never queued for an agent nor rewarded (en, zh)', async () => {
    const v = await WebVisitor.open(ws);
    for (const noise of ['lol', 'gg', '😂😂', 'haha', '哈哈哈', '666']) {
      const reply = await v.say(noise);
      assert.doesNotMatch(reply.text, /in line|queue|排队|Checked in|签到成功/i, `${noise}: ${reply.text}`);
    }
    v.close();
  });

  it('FAQ questions are answered with their source (en, zh)', async () => {
    const v = await WebVisitor.open(ws);
    assert.match((await v.say('how do I get a refund?')).text, /From our FAQ/);
    const z = await WebVisitor.open(ws);
    assert.match((await z.say('怎么退款？')).text, /来自常见问题/);
    v.close();
    z.close();
  });

  it('unknown commands are answered in a private chat, with what the bot can do (en, zh)', async () => {
    const v = await WebVisitor.open(ws);
    const unknown = await v.say('!mycodez');
    assert.match(unknown.text, /don't know the command "!mycodez"/);
    assert.match(unknown.text, /checkin/);
    const z = await WebVisitor.open(ws);
    assert.match((await z.say('!积分')).text, /我不认识|don't know/);
    v.close();
    z.close();
  });
});
