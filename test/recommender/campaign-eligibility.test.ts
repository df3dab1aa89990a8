import assert from 'node:assert/strict';
import { billingOutcome, startOfDay } from '../../data/campaign-budget.js';
import { CampaignValidationError, type CampaignWithSpend } from '../../data/campaigns.js';
import { blockedItems, campaignVerdict, pacedAllowance } from '../../recommender/campaigns/eligibility.js';
import { formatMinor, parseMinor } from '../../recommender/campaigns/money.js';
import { parseCampaign } from '../../recommender/campaigns/schema.js';

function campaign(o: Partial<CampaignWithSpend> = {}): CampaignWithSpend {
  return {
    id: 1, partnerId: 'noodle', name: 'Ramen week', itemIds: ['cpn-a'], startsAt: '2029-06-01T00:00:00.000Z', endsAt: '2029-06-11T00:00:00.000Z',
    currency: 'USD', totalBudget: 10_000, dailyBudget: 1_000, pricing: 'click', price: 50, pacing: 'asap', timeZone: 'UTC',
    targeting: {}, frequencyCap: {}, status: 'active', createdAt: '', updatedAt: '', spentTotal: 0, spentToday: 0, billedEvents: 0, ...o,
  };
}
const at = (iso: string) => ({ platform: 'twitch', channel: 'ramenlive', now: new Date(iso) });

describe('recommender/campaigns: eligibility, pacing and budgets (pure, injected clock)', () => {
  it('stops a paused, not yet started, ended or spent campaign', () => {
    const noon = at('2029-06-05T12:00:00Z');
    assert.deepEqual(campaignVerdict(campaign(), noon), { ok: true });
    assert.deepEqual(campaignVerdict(campaign({ status: 'paused' }), noon), { ok: false, reason: 'paused' });
    assert.deepEqual(campaignVerdict(campaign(), at('2029-05-31T23:59:59Z')), { ok: false, reason: 'not_started' });
    assert.deepEqual(campaignVerdict(campaign(), at('2029-06-11T00:00:00Z')), { ok: false, reason: 'ended' });
    assert.deepEqual(campaignVerdict(campaign({ spentTotal: 9_951 }), noon), { ok: false, reason: 'budget_spent' }, 'less than one price left');
    assert.deepEqual(campaignVerdict(campaign({ spentTotal: 9_950 }), noon), { ok: true }, 'exactly one price left');
    assert.deepEqual(campaignVerdict(campaign({ spentToday: 951, spentTotal: 951 }), noon), { ok: false, reason: 'daily_budget_spent' });
  });

  it('paces evenly: half the daily budget by noon, plus one event', () => {
    const c = campaign({ pacing: 'even' });
    assert.equal(pacedAllowance(c, new Date('2029-06-05T12:00:00Z')), 550);
    assert.deepEqual(campaignVerdict({ ...c, spentToday: 549, spentTotal: 549 }, at('2029-06-05T12:00:00Z')), { ok: true });
    assert.deepEqual(campaignVerdict({ ...c, spentToday: 550, spentTotal: 550 }, at('2029-06-05T12:00:00Z')), { ok: false, reason: 'paced' });
    assert.deepEqual(campaignVerdict({ ...c, spentToday: 550, spentTotal: 550 }, at('2029-06-05T18:00:00Z')), { ok: true }, 'later the same day');
    // Without a daily budget the remaining total is spread over the remaining days.
    assert.equal(pacedAllowance(campaign({ pacing: 'even', dailyBudget: null }), new Date('2029-06-01T00:00:00Z')), 50);
    assert.equal(pacedAllowance(campaign({ pacing: 'even', dailyBudget: null }), new Date('2029-06-01T23:59:59.999Z')), 1_050);
  });

  it('counts days in the campaign\'s zone', () => {
    assert.equal(startOfDay(new Date('2029-06-05T15:30:00Z'), 'Asia/Shanghai').toISOString(), '2029-06-04T16:00:00.000Z');
    assert.equal(startOfDay(new Date('2029-03-11T12:00:00Z'), 'America/New_York').toISOString(), '2029-03-11T05:00:00.000Z');
    const c = campaign({ pacing: 'even', timeZone: 'Asia/Shanghai' });
    assert.equal(pacedAllowance(c, new Date('2029-06-05T04:00:00Z')), 550, 'noon in Shanghai');
  });

  it('targets platforms, channels, cities, topics and languages; nothing known never matches a target', () => {
    const c = campaign({ targeting: { platforms: ['twitch'], channels: ['twitch:ramenlive'], cities: ['new york'], languages: ['en'] } });
    assert.deepEqual(campaignVerdict(c, { ...at('2029-06-05T12:00:00Z'), city: 'New York', language: 'en' }), { ok: true });
    assert.deepEqual(campaignVerdict(c, { ...at('2029-06-05T12:00:00Z'), city: 'Boston', language: 'en' }), { ok: false, reason: 'targeting' });
    assert.deepEqual(campaignVerdict(c, { ...at('2029-06-05T12:00:00Z'), language: 'en' }), { ok: false, reason: 'targeting' });
    assert.deepEqual(campaignVerdict(c, { ...at('2029-06-05T12:00:00Z'), platform: 'discord', city: 'New York', language: 'en' }), { ok: false, reason: 'targeting' });
    assert.deepEqual(campaignVerdict(campaign({ targeting: { topics: ['python'] } }), { ...at('2029-06-05T12:00:00Z'), topic: 'Python' }), { ok: true });
  });

  it('caps impressions per person', () => {
    const c = campaign({ frequencyCap: { perUserPerDay: 2, perUserTotal: 5 } });
    const noon = at('2029-06-05T12:00:00Z');
    assert.deepEqual(campaignVerdict(c, noon, { today: 1, total: 1 }), { ok: true });
    assert.deepEqual(campaignVerdict(c, noon, { today: 2, total: 2 }), { ok: false, reason: 'frequency_cap' });
    assert.deepEqual(campaignVerdict(c, noon, { today: 0, total: 5 }), { ok: false, reason: 'frequency_cap' });
  });

  it('blocks an item only when no campaign holding it allows it; items in no campaign are untouched', () => {
    const spent = campaign({ id: 1, itemIds: ['a', 'b'], spentTotal: 10_000 });
    const live = campaign({ id: 2, itemIds: ['b'] });
    const { blocked, refusals } = blockedItems([spent, live], at('2029-06-05T12:00:00Z'));
    assert.deepEqual([...blocked], ['a']);
    assert.deepEqual([...refusals], [[1, 'budget_spent']]);
  });

  it('bills while a whole price still fits the budget, never past it', () => {
    const c = campaign();
    const now = new Date('2029-06-05T12:00:00Z');
    assert.equal(billingOutcome(c, { total: 9_950, today: 0 }, now), 'billed');
    assert.equal(billingOutcome(c, { total: 9_951, today: 0 }, now), 'over_budget');
    assert.equal(billingOutcome(c, { total: 951, today: 951 }, now), 'over_daily');
    assert.equal(billingOutcome({ ...c, status: 'paused' }, { total: 0, today: 0 }, now), 'paused');
    assert.equal(billingOutcome(c, { total: 0, today: 0 }, new Date('2029-06-12T00:00:00Z')), 'not_running');
  });
});

describe('recommender/campaigns: money and validation', () => {
  it('keeps money as integer minor units of its currency', () => {
    assert.equal(parseMinor('12.5', 'USD'), 1250);
    assert.equal(parseMinor(12.05, 'USD'), 1205);
    assert.equal(parseMinor('300', 'JPY'), 300);
    assert.equal(parseMinor('0.10', 'CNY'), 10);
    assert.throws(() => parseMinor('1.005', 'USD'), /2 decimals/);
    assert.throws(() => parseMinor('1.5', 'JPY'), /0 decimals/);
    assert.throws(() => parseMinor('-3', 'USD'), /not an amount/);
    assert.equal(formatMinor(1205, 'USD'), '12.05');
    assert.equal(formatMinor(300, 'JPY'), '300');
  });

  const good = {
    partnerId: 'noodle', name: 'Ramen week', itemIds: ['cpn-a'], startsAt: '2029-06-01T00:00:00Z', endsAt: '2029-06-11T00:00:00Z',
    currency: 'USD', totalBudget: '100', dailyBudget: '10.00', pricing: 'click', price: '0.50',
  };

  it('accepts a campaign and converts its amounts', () => {
    const c = parseCampaign(good);
    assert.equal(c.totalBudget, 10_000);
    assert.equal(c.dailyBudget, 1_000);
    assert.equal(c.price, 50);
    assert.equal(c.pacing, 'even');
    assert.equal(c.timeZone, 'UTC');
    assert.equal(c.startsAt, '2029-06-01T00:00:00.000Z');
  });

  const fields = (input: unknown): string[] => {
    try {
      parseCampaign(input);
    } catch (err) {
      assert.ok(err instanceof CampaignValidationError);
      return err.issues.map((i) => i.field);
    }
    assert.fail('expected a validation error');
  };

  it('names every bad field', () => {
    assert.deepEqual(fields({ ...good, endsAt: '2029-05-01T00:00:00Z' }), ['endsAt']);
    assert.deepEqual(fields({ ...good, totalBudget: '-1' }), ['totalBudget']);
    assert.deepEqual(fields({ ...good, totalBudget: '0' }), ['totalBudget']);
    assert.deepEqual(fields({ ...good, dailyBudget: '500' }), ['dailyBudget']);
    assert.deepEqual(fields({ ...good, price: '0.001' }), ['price']);
    assert.deepEqual(fields({ ...good, price: '20' }), ['price']);
    assert.deepEqual(fields({ ...good, timeZone: 'Mars/Olympus' }), ['timeZone']);
    assert.deepEqual(fields({ ...good, currency: 'usd' }), ['currency']);
    assert.deepEqual(fields({ ...good, startsAt: 'tomorrow' }), ['startsAt']);
    assert.deepEqual(fields({ ...good, itemIds: [] }), ['itemIds']);
    assert.deepEqual(fields({ ...good, pricing: 'impression' }), ['pricing']);
    assert.deepEqual(fields({ ...good, budget: 3 }), ['(body)']);
  });
});
