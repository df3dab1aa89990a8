import assert from 'node:assert/strict';
import { testBot } from '../helpers/test-bot.js';

const twitchViewer = { platform: 'twitch' as const, channel: 'streamer', direct: false, user: { platformId: 'tw-1', displayName: 'Viewer', roles: [] } };

describe('bot/stages/account-link: one person across platforms', () => {
  it('gives a code in a private chat only; the code typed on Twitch joins that identity, its history and coupons to the same user, once', async () => {
    const { conversation, store } = await testBot();
    const webUser = await store.conversations.resolveUser('web', 'u1', 'Viewer One');
    // The Twitch identity already did something before linking.
    await conversation.say('!course python', twitchViewer);
    const twitchUser = await store.conversations.resolveUser('twitch', 'tw-1', 'Viewer');
    assert.notEqual(twitchUser, webUser);
    await store.interactions.record({ userId: twitchUser, itemId: (await store.catalog.list('course'))[0]!.id, type: 'click', platform: 'twitch', channel: 'streamer' });

    const publicAsk = await conversation.say('!link', twitchViewer);
    assert.match(publicAsk[0]?.text ?? '', /private chat/);
    assert.doesNotMatch(publicAsk[0]?.text ?? '', /[A-Z2-9]{8}/, 'no code in public chat');

    const [privateReply] = await conversation.say('!link');
    const code = /\b([A-HJ-NP-Z2-9]{8})\b/.exec(privateReply?.text ?? '')?.[1];
    assert.ok(code, privateReply?.text);

    const linked = await conversation.say(`!link ${code.toLowerCase()}`, twitchViewer);
    assert.match(linked[0]?.text ?? '', /^Linked/);
    assert.equal(await store.conversations.resolveUser('twitch', 'tw-1', 'Viewer'), webUser);
    assert.equal((await store.interactions.engagements(webUser, 10)).length, 1, 'the Twitch click now belongs to the same person');

    const again = await conversation.say(`!link ${code}`, { ...twitchViewer, user: { platformId: 'tw-2', displayName: 'Other', roles: [] } });
    assert.match(again[0]?.text ?? '', /isn't valid/, 'a code works once');
    await store.close();
  });

  it('refuses expired codes and a second account on the same platform', async () => {
    const { store } = await testBot();
    const user = await store.conversations.resolveUser('web', 'w', 'W');
    const old = await store.identities.createLinkCode(user, 1_000, new Date(Date.now() - 60_000));
    assert.deepEqual(await store.identities.redeemLinkCode(old, 'twitch', 'a'), { status: 'expired' });
    const first = await store.identities.createLinkCode(user);
    assert.equal((await store.identities.redeemLinkCode(first, 'twitch', 'a')).status, 'linked');
    const second = await store.identities.createLinkCode(user);
    assert.deepEqual(await store.identities.redeemLinkCode(second, 'twitch', 'b'), { status: 'platform_taken' });
    await store.close();
  });
});

describe('account linking and loyalty points', () => {
  it('moves the points of an identity that had no other identity, exactly once, and keeps the ledger reconciled', async () => {
    const { store } = await testBot();
    const target = await store.conversations.resolveUser('web', 'w1', 'W');
    const other = await store.conversations.resolveUser('discord', 'd1', 'D');
    await store.loyalty.points.apply({ userId: other, delta: 70, reason: 'grant', key: 'g1' });
    await store.loyalty.points.apply({ userId: target, delta: 5, reason: 'grant', key: 'g2' });
    const code = await store.identities.createLinkCode(target);
    assert.equal((await store.identities.redeemLinkCode(code, 'discord', 'd1')).status, 'linked');
    assert.equal(await store.loyalty.points.balance(target), 75);
    assert.equal(await store.loyalty.points.balance(other), 0);
    assert.deepEqual(await store.loyalty.points.reconcile(), []);
    await store.close();
  });
});
