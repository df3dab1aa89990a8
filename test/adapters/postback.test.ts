import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { postbackSignature, type PartnerAccount } from '../../adapters/web/postback.js';
import { isAutomatedClient } from '../../adapters/web/redirect.js';
import { startWebServer, type WebServer } from '../../adapters/web/server.js';
import { ConfigError, loadConfig } from '../../bot/config.js';
import { openSqliteStore } from '../../data/sqlite/sqlite-store.js';
import { coupon, course } from '../helpers/catalog.js';

type TestStore = Awaited<ReturnType<typeof openSqliteStore>>;

const SECRETS = { noodle: 'noodle-secret-0123456789', ergo: 'ergo-secret-0123456789ab' };
const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36';

async function serve(store: TestStore, o: { burst?: number } = {}): Promise<WebServer> {
  const partners = new Map<string, PartnerAccount>([
    ['noodle', { secret: SECRETS.noodle, couponPartners: ['Noodle Yard'] }],
    ['ergo', { secret: SECRETS.ergo, couponPartners: [] }],
  ]);
  return startWebServer({
    host: '127.0.0.1', port: 0, allowedOrigins: [], maxConnectionsPerIp: 10, bot: () => undefined,
    partners: { partners, store: () => store, ...(o.burst === undefined ? {} : { burst: o.burst }) },
  });
}

describe('adapters/web partner postbacks', () => {
  let store: TestStore;
  let server: WebServer;
  let alice: number;

  before(async () => {
    store = await openSqliteStore(':memory:');
    await store.catalog.upsert([coupon('cpn-noodle', { partner: 'Noodle Yard', stock: 10, perUserLimit: 5 }), course('crs-python')]);
    alice = await store.conversations.resolveUser('web', 'alice', 'Alice');
    server = await serve(store);
  });
  after(async () => {
    await server.close();
    await store.close();
  });

  const claim = async (requestId: string) => {
    const r = await store.coupons.claim({ itemId: 'cpn-noodle', userId: alice, requestId, platform: 'twitch', channel: 'mystreamer' });
    assert.ok(r.ok);
    return r.code;
  };
  /** Sends `body` signed with `secret` (by default the partner's own). */
  const post = (partner: string, body: unknown, o: { secret?: string; signature?: string | null; raw?: string } = {}) => {
    const raw = o.raw ?? JSON.stringify(body);
    const timestamp = (body as { timestamp?: string }).timestamp ?? '';
    const signature = o.signature === undefined ? postbackSignature(o.secret ?? SECRETS[partner as keyof typeof SECRETS] ?? 'x', timestamp, raw) : o.signature;
    return fetch(`${server.url}/postback/${partner}`, {
      method: 'POST', body: raw,
      headers: { 'content-type': 'application/json', ...(signature === null ? {} : { 'x-crossfeed-signature': signature }) },
    });
  };
  const now = (offsetMs = 0) => new Date(Date.now() + offsetMs).toISOString();
  const count = (itemId: string, type: 'redeem' | 'purchase' | 'click') => store.interactions.count(itemId, type);

  it('signs exactly as the README\'s worked example says', () => {
    const body = '{"type":"redemption","code":"CF-7KQ2-M9XH-4TNP","eventId":"evt-20271105-0001","timestamp":"2027-11-05T14:03:00Z"}';
    assert.equal(postbackSignature('noodle-secret-0123456789', '2027-11-05T14:03:00Z', body),
      'sha256=2a741d6a3eb9f7f7ff7c9acca4d37f773d73874678a392c978a8612a70287844');
  });

  it('accepts a well-signed redemption, marks the code redeemed and records one redeem', async () => {
    const code = await claim('pb-1');
    const res = await post('noodle', { type: 'redemption', code, eventId: 'evt-1', timestamp: now() });
    assert.deepEqual([res.status, await res.json()], [200, { status: 'accepted' }]);
    assert.ok((await store.coupons.find(code))?.redeemedAt);
    assert.equal(await count('cpn-noodle', 'redeem'), 1);
    const redeem = await store.db.get<{ platform: string; channel: string; user_id: number }>("SELECT * FROM interactions WHERE type = 'redeem'");
    assert.deepEqual([redeem?.platform, redeem?.channel, redeem?.user_id], ['twitch', 'mystreamer', alice], 'attributed to where it was claimed');
  });

  it('acknowledges a replay as a duplicate and never counts it again', async () => {
    const code = await claim('pb-2');
    const body = { type: 'redemption', code, eventId: 'evt-2', timestamp: now() };
    const before = await count('cpn-noodle', 'redeem');
    const answers = await Promise.all([1, 2, 3, 4].map(() => post('noodle', body)));
    const statuses = await Promise.all(answers.map(async (r) => [r.status, ((await r.json()) as { status: string }).status]));
    assert.deepEqual(statuses.sort(), [[200, 'accepted'], [200, 'duplicate'], [200, 'duplicate'], [200, 'duplicate']]);
    assert.equal(await count('cpn-noodle', 'redeem'), before + 1);
    // A different event for the same code is a conflict, not a second redemption.
    const second = await post('noodle', { ...body, eventId: 'evt-2b' });
    assert.deepEqual([second.status, ((await second.json()) as { error: string }).error], [409, 'already_redeemed']);
    assert.equal(await count('cpn-noodle', 'redeem'), before + 1);
  });

  it('rejects bad, missing and tampered signatures with 401 and changes nothing', async () => {
    const code = await claim('pb-3');
    const body = { type: 'redemption', code, eventId: 'evt-3', timestamp: now() };
    const wrongSecret = await post('noodle', body, { secret: SECRETS.ergo });
    assert.deepEqual([wrongSecret.status, ((await wrongSecret.json()) as { error: string }).error], [401, 'bad_signature']);
    const missing = await post('noodle', body, { signature: null });
    assert.deepEqual([missing.status, ((await missing.json()) as { error: string }).error], [401, 'missing_signature']);
    const garbage = await post('noodle', body, { signature: 'sha256=zz' });
    assert.equal(garbage.status, 401);
    const signedOther = postbackSignature(SECRETS.noodle, body.timestamp, JSON.stringify({ ...body, eventId: 'evt-other' }));
    const tampered = await post('noodle', body, { signature: signedOther });
    assert.equal(tampered.status, 401);
    assert.equal((await store.coupons.find(code))?.redeemedAt, null);
  });

  it('rejects timestamps more than 5 minutes off, even when correctly signed', async () => {
    const code = await claim('pb-4');
    for (const offset of [-6 * 60_000, 6 * 60_000]) {
      const res = await post('noodle', { type: 'redemption', code, eventId: `evt-4-${offset}`, timestamp: now(offset) });
      assert.deepEqual([res.status, ((await res.json()) as { error: string }).error], [401, 'stale_timestamp']);
    }
    const skewed = await post('noodle', { type: 'redemption', code, eventId: 'evt-4-ok', timestamp: now(-4 * 60_000) });
    assert.equal(skewed.status, 200, 'a few minutes of clock skew is fine');
  });

  it('answers unknown partners 404 and malformed bodies 400 with a clear message', async () => {
    const unknown = await post('nobody', { type: 'redemption', code: 'x', eventId: 'e', timestamp: now() });
    assert.deepEqual([unknown.status, ((await unknown.json()) as { error: string }).error], [404, 'unknown_partner']);
    const notJson = await post('noodle', { timestamp: now() }, { raw: '{not json' });
    assert.deepEqual([notJson.status, ((await notJson.json()) as { error: string }).error], [400, 'malformed_body']);
    const noEvent = await post('noodle', { type: 'redemption', code: 'x', timestamp: now() });
    const noEventBody = (await noEvent.json()) as { error: string; message: string };
    assert.equal(noEvent.status, 400);
    assert.match(noEventBody.message, /^eventId: /);
    console.log(`      400 message: ${noEventBody.message}`);
    const badType = await post('noodle', { type: 'refund', eventId: 'e', timestamp: now() });
    assert.equal(badType.status, 400);
    const noTarget = await post('noodle', { type: 'purchase', eventId: 'e', timestamp: now() });
    assert.match(((await noTarget.json()) as { message: string }).message, /token or itemId/);
  });

  it('refuses codes that are unknown or belong to another partner\'s coupon', async () => {
    const code = await claim('pb-5');
    const foreign = await post('ergo', { type: 'redemption', code, eventId: 'evt-5', timestamp: now() });
    assert.deepEqual([foreign.status, ((await foreign.json()) as { error: string }).error], [403, 'foreign_code']);
    const unknown = await post('noodle', { type: 'redemption', code: 'CF-2222-2222-2222', eventId: 'evt-5b', timestamp: now() });
    assert.deepEqual([unknown.status, ((await unknown.json()) as { error: string }).error], [422, 'unknown_code']);
    // A rejected event is not remembered: corrected, the same event id goes through.
    const fixed = await post('noodle', { type: 'redemption', code, eventId: 'evt-5b', timestamp: now() });
    assert.equal(fixed.status, 200);
  });

  it('records purchases once, attributed to the impression\'s user when the token is given', async () => {
    const token = await store.tracking.createImpression({ itemId: 'crs-python', userId: alice, platform: 'web', channel: 'widget' });
    const body = { type: 'purchase', token, amount: 19.99, currency: 'USD', eventId: 'ord-1', timestamp: now() };
    assert.equal((await post('noodle', body)).status, 200);
    assert.equal(((await (await post('noodle', body)).json()) as { status: string }).status, 'duplicate');
    assert.equal((await post('ergo', { type: 'purchase', itemId: 'crs-python', eventId: 'ord-1', timestamp: now() })).status, 200, 'event ids are per partner');
    assert.equal(await count('crs-python', 'purchase'), 2);
    const attributed = await store.db.get<{ user_id: number }>("SELECT user_id FROM interactions WHERE type = 'purchase' AND platform = 'web'");
    assert.equal(attributed?.user_id, alice);
    const mismatch = await post('noodle', { type: 'purchase', token, itemId: 'cpn-noodle', eventId: 'ord-2', timestamp: now() });
    assert.equal(mismatch.status, 422);
  });

  it('rate-limits each client address', async () => {
    const limited = await serve(store, { burst: 3 });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await fetch(`${limited.url}/postback/noodle`, { method: 'POST', body: '{}' })).status);
      assert.deepEqual(statuses, [400, 400, 400, 429, 429]);
    } finally {
      await limited.close();
    }
  });
});

describe('adapters/web tracked links /r/<token>', () => {
  let store: TestStore;
  let server: WebServer;
  let alice: number;

  before(async () => {
    store = await openSqliteStore(':memory:');
    await store.catalog.upsert([course('crs-rust', { link: 'https://courses.example/rust?ref=crossfeed' }), course('crs-gone')]);
    alice = await store.conversations.resolveUser('twitch', 'alice', 'Alice');
    server = await serve(store);
  });
  after(async () => {
    await server.close();
    await store.close();
  });

  const impression = (itemId = 'crs-rust') => store.tracking.createImpression({ itemId, userId: alice, platform: 'twitch', channel: 'mystreamer' });
  const open = (path: string, userAgent: string | null = BROWSER, method = 'GET') =>
    fetch(`${server.url}${path}`, { method, redirect: 'manual', headers: userAgent === null ? {} : { 'user-agent': userAgent } });
  const clicks = async (token: string) => (await store.db.get<{ n: number }>(
    "SELECT count(*) AS n FROM interactions x JOIN impressions m ON m.item_id = x.item_id WHERE m.token = ? AND x.type = 'click'", [token]))?.n;

  it('gives each impression an unguessable URL-safe token', async () => {
    const tokens = await Promise.all(Array.from({ length: 50 }, () => impression()));
    assert.equal(new Set(tokens).size, 50);
    for (const t of tokens) assert.match(t, /^[A-Za-z0-9_-]{22}$/);
    const resolved = await store.tracking.resolve(tokens[0]!);
    assert.deepEqual([resolved?.itemId, resolved?.userId, resolved?.link, resolved?.clickedAt], ['crs-rust', alice, 'https://courses.example/rust?ref=crossfeed', null]);
  });

  it('redirects to the catalog link and counts one click per impression', async () => {
    await store.db.run("DELETE FROM interactions WHERE type = 'click'");
    const token = await impression();
    for (let i = 0; i < 3; i++) {
      const res = await open(`/r/${token}?url=https://evil.example/`);
      assert.equal(res.status, 302);
      assert.equal(res.headers.get('location'), 'https://courses.example/rust?ref=crossfeed');
    }
    assert.equal(await store.interactions.count('crs-rust', 'click'), 1);
    assert.ok((await store.tracking.resolve(token))?.clickedAt);
    const other = await impression();
    await Promise.all([1, 2, 3].map(() => open(`/r/${other}`)));
    assert.equal(await store.interactions.count('crs-rust', 'click'), 2, 'a second impression counts once, even clicked concurrently');
  });

  it('redirects link-preview bots, HEAD requests and prefetches without counting them', async () => {
    await store.db.run("DELETE FROM interactions WHERE type = 'click'");
    const token = await impression();
    const bots = [
      'Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)', 'Twitterbot/1.0', 'facebookexternalhit/1.1',
      'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)', 'TelegramBot (like TwitterBot)', 'WhatsApp/2.23.20.0',
      'LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)', 'Mozilla/5.0 (compatible; Googlebot/2.1)',
      'Mozilla/5.0 (compatible; bingbot/2.0)', 'curl/8.5.0', null,
    ];
    for (const ua of bots) {
      const res = await open(`/r/${token}`, ua);
      assert.equal(res.status, 302, String(ua));
    }
    assert.equal((await open(`/r/${token}`, BROWSER, 'HEAD')).status, 302);
    const prefetch = await fetch(`${server.url}/r/${token}`, { redirect: 'manual', headers: { 'user-agent': BROWSER, 'sec-purpose': 'prefetch' } });
    assert.equal(prefetch.status, 302);
    assert.equal(await store.interactions.count('crs-rust', 'click'), 0);
    assert.equal((await store.tracking.resolve(token))?.clickedAt, null);
    await open(`/r/${token}`);
    assert.equal(await clicks(token), 1, 'the person who follows the preview still counts');
    assert.ok(!isAutomatedClient(BROWSER));
    assert.ok(!isAutomatedClient('Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 Safari/604.1'));
  });

  it('answers unknown and malformed tokens with a 404 page, removed items with 410', async () => {
    for (const path of ['/r/AAAAAAAAAAAAAAAAAAAAAA', '/r/short', '/r/%2F%2Fevil.example']) {
      const res = await open(path);
      assert.equal(res.status, 404, path);
      assert.match(res.headers.get('content-type') ?? '', /text\/html/);
      assert.equal(res.headers.get('location'), null);
    }
    const token = await impression('crs-gone');
    await store.db.run("UPDATE items SET active = 0 WHERE id = 'crs-gone'");
    const gone = await open(`/r/${token}`);
    assert.deepEqual([gone.status, gone.headers.get('location')], [410, null]);
  });
});

describe('bot/config: partners', () => {
  let dir: string;
  beforeEach(() => void (dir = mkdtempSync(join(tmpdir(), 'crossfeed-cfg-partners-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const file = (yaml: string) => writeFileSync(join(dir, 'crossfeed.config.yaml'), yaml);
  const problems = (env: NodeJS.ProcessEnv): string => {
    try {
      loadConfig({ env, cwd: dir });
    } catch (err) {
      assert.ok(err instanceof ConfigError, String(err));
      return err.problems.join('\n');
    }
    return assert.fail('expected a ConfigError');
  };

  it('has no partners by default and reads secrets from CROSSFEED_PARTNER_SECRETS', () => {
    assert.deepEqual(loadConfig({ env: {}, cwd: dir }).partners, {});
    file('partners:\n  noodle:\n    couponPartners: [Noodle Yard]\n');
    const c = loadConfig({ env: { CROSSFEED_PARTNER_SECRETS: 'noodle:abcdefghijklmnop:q, ergo:0123456789abcdef' }, cwd: dir });
    assert.deepEqual(c.partners, {
      noodle: { secret: 'abcdefghijklmnop:q', couponPartners: ['Noodle Yard'] },
      ergo: { secret: '0123456789abcdef', couponPartners: [] },
    });
  });

  it('refuses a secret in the config file without echoing it', () => {
    file('partners:\n  noodle:\n    secret: leaked-secret-0123456789\n');
    const text = problems({ CROSSFEED_PARTNER_SECRETS: 'noodle:0123456789abcdef' });
    assert.match(text, /partners\.noodle\.secret: secrets never go in the config file; set CROSSFEED_PARTNER_SECRETS/);
    assert.doesNotMatch(text, /leaked/);
  });

  it('refuses a partner without a secret, short secrets and malformed entries, naming the variable', () => {
    file('partners:\n  noodle: {}\n');
    assert.match(problems({}), /partners\.noodle\.secret: not set; add noodle:<secret> to CROSSFEED_PARTNER_SECRETS/);
    rmSync(join(dir, 'crossfeed.config.yaml'));
    const short = problems({ CROSSFEED_PARTNER_SECRETS: 'noodle:tooshort' });
    assert.match(short, /partners\.noodle\.secret: .*at least 16 characters \(from environment variable CROSSFEED_PARTNER_SECRETS\)/);
    assert.doesNotMatch(short, /tooshort/);
    assert.match(problems({ CROSSFEED_PARTNER_SECRETS: 'noodle' }), /entry 1 of CROSSFEED_PARTNER_SECRETS is not <partner>:<secret>/);
    assert.match(problems({ CROSSFEED_PARTNER_SECRETS: 'Bad Id:0123456789abcdef' }), /partners/);
  });
});
