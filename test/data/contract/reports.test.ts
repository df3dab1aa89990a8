import assert from 'node:assert/strict';
import type { InteractionType } from '../../../data/store.js';
import { seededRng } from '../../../recommender/random.js';
import { parseCampaign } from '../../../recommender/campaigns/schema.js';
import { forEachStore, postgresUnderTest, sqliteUnderTest, type TestStore } from '../../helpers/stores.js';
import { coupon, course } from '../../helpers/catalog.js';

/**
 * Reports over one data set with explicit times, loaded the same way into each engine: day
 * boundaries, mixed-case channel names (byte order), ties, sums of integers and of doubles.
 */
const june = { from: new Date('2029-06-01T00:00:00Z'), to: new Date('2029-06-08T00:00:00Z') };
const everything = { from: new Date('2000-01-01T00:00:00Z'), to: new Date('2100-01-01T00:00:00Z') };
const TYPES: InteractionType[] = ['impression', 'impression', 'impression', 'click', 'claim', 'redeem', 'purchase'];
const PLACES = [['twitch', 'RamenLive'], ['twitch', 'ramenlive'], ['twitch', 'Zed'], ['discord', '42'], ['web', 'site']] as const;

interface Loaded { ana: number; bo: number; noodleCampaign: number; otherCampaign: number }

async function load(store: TestStore, setClock: (iso: string) => void): Promise<Loaded> {
  await store.catalog.upsert([coupon('cpn-ramen', { stock: 100, perUserLimit: 100 }), course('crs-py'), course('crs-go'), course('Crs-upper')]);
  await store.campaigns.putPartner('noodle', 'Noodle Yard');
  await store.campaigns.putPartner('other', 'Other Brand');
  const base = { startsAt: '2029-05-01T00:00:00Z', endsAt: '2029-07-01T00:00:00Z', pacing: 'asap' };
  const noodleCampaign = (await store.campaigns.create(parseCampaign({ ...base, partnerId: 'noodle', name: 'Clicks', itemIds: ['cpn-ramen', 'crs-py'], currency: 'USD', totalBudget: '100', pricing: 'click', price: '0.25' }))).id;
  const otherCampaign = (await store.campaigns.create(parseCampaign({ ...base, partnerId: 'other', name: 'Claims', itemIds: ['cpn-ramen'], currency: 'CNY', totalBudget: '100', pricing: 'claim', price: '1.5' }))).id;
  const ana = await store.conversations.resolveUser('twitch', 'ana', 'Ana');
  const bo = await store.conversations.resolveUser('twitch', 'bo', 'Bo');
  const users = [ana, bo, null];
  const items = ['cpn-ramen', 'crs-py', 'crs-go', 'Crs-upper'];

  // Interactions at explicit times over ten days around the June week, on its edges too.
  const rng = seededRng(7);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!;
  const times = ['2029-05-31T23:59:59.999Z', '2029-06-01T00:00:00.000Z', '2029-06-07T23:59:59.999Z', '2029-06-08T00:00:00.000Z'];
  for (let i = 0; i < 120; i++) times.push(new Date(Date.parse('2029-05-30T00:00:00Z') + Math.floor(rng() * 10 * 86_400_000)).toISOString());
  await store.db.transaction(async (tx) => {
    for (const at of times) {
      const [platform, channel] = pick(PLACES);
      await tx.run('INSERT INTO interactions (user_id, item_id, type, platform, channel, created_at) VALUES (?, ?, ?, ?, ?, ?)',
        [pick(users), pick(items), pick(TYPES), platform, channel, at]);
    }
  });

  // Logged ranking decisions, some clicked (billed to the click campaign on the clock's day).
  const propensities = [1, 0.5, 0.3, 0.7, 0.125];
  for (let i = 0; i < 30; i++) {
    const token = `tok-${String(i).padStart(18, '0')}`;
    const at = new Date(Date.parse('2029-06-01T00:00:00Z') + i * 5 * 3_600_000).toISOString();
    const baseRank = i % 3 === 0 ? null : i % 4;
    await store.db.run(`INSERT INTO impressions (token, item_id, user_id, platform, channel, variant, position, propensity, template, base_rank, slots, created_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [token, pick(items), pick(users), 'twitch', pick(['RamenLive', 'ramenlive']), i % 2 ? 'A' : 'B', i % 3, pick(propensities), pick(['short', 'long']), baseRank, baseRank === null ? null : 2, at]);
    if (i % 3 !== 1) {
      setClock(at);
      await store.tracking.recordClick(token);
    }
  }
  // Claims billed to the claim campaign.
  for (const [i, day] of ['2029-06-02', '2029-06-02', '2029-06-05'].entries()) {
    setClock(`${day}T1${i}:00:00.000Z`);
    await store.coupons.claim({ itemId: 'cpn-ramen', userId: i % 2 ? bo : ana, requestId: `r-${i}`, platform: 'twitch', channel: 'Zed' });
  }

  // Conversations and messages at explicit times.
  const lines: [number, string, string, 'user' | 'bot', string | null, number | null][] = [
    [ana, 'RamenLive', 'where is ramen', 'user', 'oos', 0.9],
    [ana, 'RamenLive', 'Sorry, I can only help with courses.', 'bot', null, null],
    [ana, 'RamenLive', 'refund?', 'user', 'faq', 0.8],
    [ana, 'RamenLive', "I'm not sure which of these you mean: refunds, returns", 'bot', null, null],
    [ana, 'Zed', 'python course', 'user', 'recommend', 0.95],
    [ana, 'Zed', 'Here are three.', 'bot', null, null],
    [bo, 'Zed', 'hmm', 'user', 'recommend', 0.2],
    [bo, 'Zed', '退款', 'user', 'faq', 0.9],
    [bo, 'Zed', '不太确定你问的是哪一个：退款、退货', 'bot', null, null],
    [bo, 'Zed', 'thanks', 'user', 'faq', 0.9],
    [bo, 'Zed', 'You are welcome.', 'bot', null, null],
    [bo, 'Zed', 'which one', 'user', 'faq', 0.9],
    [bo, 'Zed', "i'M NOT SURE which of these you mean: no, the prefix is exact", 'bot', null, null],
  ];
  for (const [i, [userId, channel, text, role, intent, confidence]] of lines.entries()) {
    const conv = await store.conversations.open('twitch', channel, userId);
    const m = await store.conversations.append(conv.id, { role, text, intent, confidence });
    await store.db.run('UPDATE messages SET created_at = ? WHERE id = ?', [`2029-06-0${1 + (i % 5)}T12:00:0${i % 10}.000Z`, m.id]);
    await store.conversations.saveState(conv.id, { last: text });
  }
  // Both of Ana's conversations last changed at the same instant: a tie the order must break.
  await store.db.run("UPDATE conversations SET updated_at = '2029-06-03T00:00:00.000Z'");
  await store.interactions.record({ userId: ana, itemId: 'crs-go', type: 'click', platform: 'web', channel: 'site' });
  await store.interactions.record({ userId: ana, itemId: 'crs-py', type: 'click', platform: 'web', channel: 'site' });
  await store.loyalty.points.apply({ userId: ana, delta: 40, reason: 'grant', key: 'g-1', actor: 'test' });
  return { ana, bo, noodleCampaign, otherCampaign };
}

/** Every report over the data set, in a form that compares across engines (doubles to 9 digits). */
async function snapshot(store: TestStore, l: Loaded) {
  const round = (x: number) => Number(x.toPrecision(9));
  const r = store.reports;
  const out: Record<string, unknown> = {};
  for (const [name, scope] of Object.entries({ june, everything, noodle: { ...june, partnerId: 'noodle' }, claims: { ...june, campaignId: l.otherCampaign } })) {
    for (const group of ['item', 'platform', 'channel'] as const) out[`counts:${name}:${group}`] = await r.counts(scope, group);
    for (const group of ['item', 'platform', 'channel', 'campaign'] as const) out[`spend:${name}:${group}`] = await r.spend(scope, group);
    if (name !== 'everything') out[`series:${name}`] = await r.series(scope);
    out[`decisions:${name}`] = (await r.decisions(scope))
      .map((d) => ({ ...d, sumW: round(d.sumW), sumW2: round(d.sumW2), sumWClick: round(d.sumWClick), sumW2Click: round(d.sumW2Click) }))
      .sort((a, b) => `${a.variant}|${a.itemId}|${a.baseTop}`.localeCompare(`${b.variant}|${b.itemId}|${b.baseTop}`));
  }
  out.unanswered = await r.unanswered(june.from, 50);
  out.activity = (await r.activity(5)).map((a) => ({ ...a }));
  out.person = await r.person('twitch', 'ana');
  out.nobody = await r.person('twitch', 'nobody');
  out.campaignItems = await r.campaignItems({});
  out.favourites = await store.interactions.channelFavourites('twitch', 'RamenLive', june.from, 10);
  out.itemStats = (await store.interactions.itemStats(june.from)).sort((a, b) => (a.itemId < b.itemId ? -1 : 1));
  out.templates = (await store.tracking.templateStats(june.from)).sort((a, b) => (a.template < b.template ? -1 : 1));
  out.leaderboard = await store.loyalty.points.leaderboard();
  return out;
}

forEachStore('store: reports', (s) => {
  let store: TestStore;
  let clock: Date;
  let loaded: Loaded;
  before(async () => {
    clock = new Date('2029-06-01T00:00:00Z');
    store = await s.fresh({ campaigns: { now: () => clock }, coupons: { now: () => clock } });
    loaded = await load(store, (iso) => { clock = new Date(iso); });
  });
  after(() => store.close());

  it('counts whole UTC days [from, to): an event at 23:59:59.999 belongs to its day, one at midnight to the next', async () => {
    const inJune = (await store.db.all<{ type: string; n: number }>(
      "SELECT type, count(*) AS n FROM interactions WHERE created_at >= '2029-06-01' AND created_at < '2029-06-08' GROUP BY type ORDER BY type"));
    const want = Object.fromEntries(inJune.map((r) => [r.type, r.n]));
    const totals = (await store.reports.counts(june, 'platform')).reduce((t, r) => ({
      impressions: t.impressions + r.impressions, clicks: t.clicks + r.clicks, claims: t.claims + r.claims, conversions: t.conversions + r.conversions,
    }), { impressions: 0, clicks: 0, claims: 0, conversions: 0 });
    assert.deepEqual(totals, { impressions: want.impression ?? 0, clicks: want.click ?? 0, claims: want.claim ?? 0, conversions: (want.redeem ?? 0) + (want.purchase ?? 0) });
    const series = await store.reports.series(june);
    assert.deepEqual(series.map((d) => d.at), ['2029-06-01', '2029-06-02', '2029-06-03', '2029-06-04', '2029-06-05', '2029-06-06', '2029-06-07']);
    for (const d of series) assert.ok(Object.values(d).every((v) => typeof v === 'string' || Number.isInteger(v)), JSON.stringify(d));
  });

  it('groups channels as platform:channel in byte order, case kept', async () => {
    const keys = (await store.reports.counts(june, 'channel')).map((r) => r.key);
    assert.deepEqual(keys, [...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    assert.ok(keys.includes('twitch:RamenLive') && keys.includes('twitch:ramenlive') && keys.indexOf('twitch:RamenLive') < keys.indexOf('twitch:Zed'));
    assert.ok(keys.indexOf('twitch:Zed') < keys.indexOf('twitch:ramenlive'));
    assert.deepEqual((await store.reports.counts(june, 'item')).map((r) => r.key)[0], 'Crs-upper');
  });

  it('sums spend in minor units per currency, campaign and day', async () => {
    const byCampaign = await store.reports.spend(june, 'campaign');
    const ledger = await store.campaigns.ledger();
    const billed = (id: number) => ledger.filter((e) => e.campaignId === id && e.outcome === 'billed');
    assert.deepEqual(byCampaign, [
      { key: String(loaded.noodleCampaign), currency: 'USD', amount: billed(loaded.noodleCampaign).length * 25, billedEvents: billed(loaded.noodleCampaign).length },
      { key: String(loaded.otherCampaign), currency: 'CNY', amount: 450, billedEvents: 3 },
    ]);
    const series = await store.reports.series({ ...june, campaignId: loaded.otherCampaign });
    assert.deepEqual(series.filter((d) => d.spend > 0).map((d) => [d.at, d.spend]), [['2029-06-02', 300], ['2029-06-05', 150]]);
    assert.deepEqual(await store.reports.spend({ ...june, partnerId: 'nobody' }, 'item'), []);
  });

  it('sums inverse propensities per variant, item and base ranking', async () => {
    const rows = await store.reports.decisions(june);
    const logged = await store.db.all<{ propensity: number; clicked: number }>('SELECT propensity, CASE WHEN clicked_at IS NULL THEN 0 ELSE 1 END AS clicked FROM impressions');
    assert.equal(rows.reduce((t, d) => t + d.impressions, 0), 30);
    assert.equal(rows.reduce((t, d) => t + d.clicks, 0), logged.filter((x) => x.clicked).length);
    const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-9, `${a} vs ${b}`);
    close(rows.reduce((t, d) => t + d.sumW, 0), logged.reduce((t, x) => t + 1 / x.propensity, 0));
    close(rows.reduce((t, d) => t + d.sumW2Click, 0), logged.reduce((t, x) => t + x.clicked / (x.propensity * x.propensity), 0));
  });

  it('lists unanswered lines (FAQ choices matched by exact prefix) and activity newest first', async () => {
    const lines = await store.reports.unanswered(june.from, 10);
    assert.deepEqual(lines.map((l) => l.text), ['退款', 'hmm', 'refund?', 'where is ramen']);
    assert.deepEqual(lines[0], { text: '退款', platform: 'twitch', channel: 'Zed', at: '2029-06-03T12:00:07.000Z', intent: 'faq' });
    assert.deepEqual((await store.reports.activity(3)).map((a) => a.text), ["i'M NOT SURE which of these you mean: no, the prefix is exact", 'which one', 'You are welcome.']);
  });

  it('tells a person what is kept about them, ties in a stable order', async () => {
    const me = await store.reports.person('twitch', 'ana');
    assert.ok(me);
    assert.equal(me.userId, loaded.ana);
    assert.deepEqual(me.identities, [{ platform: 'twitch', displayName: 'Ana' }]);
    assert.deepEqual(me.conversations.map((c) => [c.channel, c.messages]), [['Zed', 2], ['RamenLive', 4]], 'same updated_at: the newer conversation first');
    assert.deepEqual(me.conversations[0]!.state, { last: 'Here are three.' });
    const n = (id: string) => me.engagements.find((e) => e.itemId === id)?.n ?? 0;
    const ordered = [...me.engagements].sort((a, b) => b.n - a.n || (a.itemId < b.itemId ? -1 : 1));
    assert.deepEqual(me.engagements, ordered, 'most first, ties by item id');
    assert.ok(n('crs-go') >= 1 && n('crs-py') >= 1);
    assert.equal(me.points, 40);
    assert.equal(await store.reports.person('twitch', 'nobody'), undefined);
  });
});

describe('store: reports agree between SQLite and PostgreSQL', () => {
  it('gives equal answers on the same data', async function () {
    this.timeout(120_000);
    const answers = [];
    for (const s of [sqliteUnderTest(), postgresUnderTest()]) {
      let clock = new Date('2029-06-01T00:00:00Z');
      const store = await s.fresh({ campaigns: { now: () => clock }, coupons: { now: () => clock } });
      try {
        const loaded = await load(store, (iso) => { clock = new Date(iso); });
        answers.push(await snapshot(store, loaded));
      } finally {
        await store.close();
        await s.dispose();
      }
    }
    const [sqlite, postgres] = answers as [Record<string, unknown>, Record<string, unknown>];
    for (const key of Object.keys(sqlite)) assert.deepEqual(postgres[key], sqlite[key], key);
    assert.deepEqual(Object.keys(postgres), Object.keys(sqlite));
  });
});
