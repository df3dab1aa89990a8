import assert from 'node:assert/strict';
import { compose } from '../../bot/composer.js';
import type { BotContext } from '../../bot/context.js';
import { DefaultChannelPolicy, platformPolicy } from '../../bot/channel-policy.js';
import { emptyState } from '../../bot/dialogue.js';
import { rankingSignals } from '../../bot/stages/signals.js';
import type { InteractionStore } from '../../data/store.js';
import { seededRng } from '../../recommender/random.js';
import { course } from '../helpers/catalog.js';

const items = new Map([course('sql1', { topics: ['sql'], price: 20 }), course('sql2', { topics: ['sql', 'data science'], price: 40 }), course('py', { topics: ['python'] })].map((c) => [c.id, c]));

function fakeInteractions(statsCalls: { n: number }): InteractionStore {
  return {
    record: async () => undefined,
    count: async () => 0,
    countSponsoredImpressions: async () => 0,
    engagements: async () => [{ itemId: 'sql1', type: 'click' }, { itemId: 'sql2', type: 'purchase' }, { itemId: 'gone', type: 'click' }],
    channelFavourites: async () => [{ itemId: 'py', n: 7 }],
    allEngagements: async () => [],
    itemStats: async () => {
      statsCalls.n++;
      return [{ itemId: 'py', impressions: 10, clicks: 3 }];
    },
  };
}

function stage(statsCalls = { n: 0 }) {
  return rankingSignals({ interactions: fakeInteractions(statsCalls), item: (id) => items.get(id), toUsd: (p) => p }, seededRng(1));
}

async function run(userId: number, platform: 'web' | 'twitch', signals = stage()) {
  let seen: BotContext | undefined;
  const ctx: BotContext = {
    message: { platform, channel: 'c', user: { platformId: 'x', displayName: 'x', roles: [] }, text: 'a course', time: new Date(), direct: true },
    out: { send: async () => undefined }, policy: { ...DefaultChannelPolicy, ...platformPolicy(platform) }, text: 'a course', addressed: 'yes',
    conversation: { id: 1, userId, state: emptyState() },
    decision: { action: { type: 'recommend', request: { kind: 'course', text: 'a course' } }, state: emptyState() },
  };
  await compose<BotContext>([signals, async (c) => void (seen = c)])(ctx);
  return seen?.ranking;
}

describe('bot/stages/signals', () => {
  it('turns the user\'s engagements into topic affinities and a typical price, skipping removed items', async () => {
    const r = await run(2, 'web');
    assert.equal(r?.signals.topicAffinity?.get('sql'), 1);
    assert.equal(r?.signals.topicAffinity?.get('data science'), 0.5);
    assert.equal(r?.signals.typicalPriceUsd, 30);
    assert.equal(r?.signals.channelPopularity?.get('py'), 7);
    assert.equal(r?.signals.audience, 'general');
  });

  it('keeps each user in one variant; explorers get item statistics, cached between messages', async () => {
    const calls = { n: 0 };
    const shared = stage(calls);
    const a = await run(1, 'twitch', shared);
    const b = await run(1, 'twitch', shared);
    assert.equal(a?.variant, b?.variant);
    const variants = new Set(await Promise.all([1, 2, 3, 4, 5, 6].map(async (u) => (await run(u, 'web'))?.variant)));
    assert.deepEqual([...variants].sort(), ['control', 'explore']);
    // User 1 hashes into 'explore' for this experiment (FNV-1a; fixed).
    assert.equal(a?.variant, 'explore');
    assert.ok(a?.signals.explore && a.signals.itemStats?.get('py')?.clicks === 3);
    assert.equal(calls.n, 1, 'item statistics fetched once and cached');
    assert.equal(a?.signals.audience, 'gaming', 'a Twitch channel is a game-stream audience');
  });
});

describe('bot/stages/signals: exploring reply wordings', () => {
  it('explorers get a wording chosen by Thompson sampling on clicks per wording; control always the default', async () => {
    const clicksFor = (template: string) => (template === 'like' ? 40 : 1);
    const stage = () => rankingSignals({
      interactions: fakeInteractions({ n: 0 }), item: (id) => items.get(id), toUsd: (p) => p,
      templateStats: async () => ['picks', 'fit', 'like'].map((template) => ({ template, impressions: 100, clicks: clicksFor(template) })),
    }, seededRng(9));
    const chosen = new Map<string, number>();
    const shared = stage();
    for (let i = 0; i < 50; i++) {
      const t = (await run(1, 'web', shared))?.template ?? '';
      chosen.set(t, (chosen.get(t) ?? 0) + 1);
    }
    assert.ok((chosen.get('like') ?? 0) >= 45, `the wording that earns clicks wins (${JSON.stringify([...chosen])})`);
    assert.equal((await run(2, 'web', stage()))?.template, 'picks', 'user 2 is in control');
  });
});
