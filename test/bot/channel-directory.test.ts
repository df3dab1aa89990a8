import assert from 'node:assert/strict';
import { Bot } from '../../bot/bot.js';
import { ChannelDirectory, policyFrom } from '../../bot/channel-directory.js';
import type { ChatMessage } from '../../bot/message.js';
import { openSqliteStore } from '../../data/sqlite/sqlite-store.js';
import { KeywordNlu } from '../helpers/keyword-nlu.js';
import { TestConversation, testBot } from '../helpers/test-bot.js';

describe('bot/channel-directory', () => {
  let store: Awaited<ReturnType<typeof openSqliteStore>>;
  beforeEach(async () => void (store = await openSqliteStore(':memory:')));
  afterEach(() => store.close());

  it('merges config and database channels; the database wins for a channel in both', async () => {
    const dir = new ChannelDirectory(store.channels, { twitch: ['Alpha', { name: '#Beta', commandPrefix: '?', answerUnaddressed: true }] });
    await store.channels.put('twitch', 'beta', { commandPrefix: '$$', unaddressedMinConfidence: 0.5 });
    await store.channels.put('twitch', 'gamma', { answerUnaddressed: false });
    await store.channels.put('discord', 'general', { commandPrefix: '>' });
    assert.deepEqual(dir.channels('twitch'), ['alpha', 'beta'], 'the database is read on refresh');
    await dir.refresh();
    assert.deepEqual(dir.channels('twitch'), ['alpha', 'beta', 'gamma']);
    assert.deepEqual(dir.channels('discord'), ['general']);
    assert.deepEqual(dir.policy('twitch', 'beta'), { commandPrefix: '$$', answerUnaddressed: true, unaddressedMinConfidence: 0.5 });
    assert.deepEqual(dir.policy('twitch', '#BETA'), dir.policy('twitch', 'beta'), 'names are logins: no #, any case');
    assert.deepEqual(dir.policy('twitch', 'alpha'), {});
    assert.deepEqual(dir.policy('twitch', 'gamma'), { answerUnaddressed: false });
    assert.equal(dir.policy('twitch', 'nowhere'), undefined);
    assert.equal(dir.policy('discord', 'alpha'), undefined, 'channels are per platform');
  });

  it('ignores settings that are not well-typed known ones', async () => {
    assert.deepEqual(policyFrom({ commandPrefix: '!!!!', answerUnaddressed: 'yes', unaddressedMinConfidence: 1.5, colour: 'red' }), {});
    assert.deepEqual(policyFrom({ commandPrefix: '', unaddressedMinConfidence: -0.1 }), {});
    assert.deepEqual(policyFrom({ commandPrefix: '~', answerUnaddressed: false, unaddressedMinConfidence: 0 }),
      { commandPrefix: '~', answerUnaddressed: false, unaddressedMinConfidence: 0 });
    await store.channels.put('twitch', 'odd', { commandPrefix: 7, answerUnaddressed: false, unaddressedMinConfidence: '0.3' });
    const dir = new ChannelDirectory(store.channels, {});
    await dir.refresh();
    assert.deepEqual(dir.policy('twitch', 'odd'), { answerUnaddressed: false });
  });

  it('refresh picks up channels added and removed while running', async () => {
    const dir = new ChannelDirectory(store.channels, { twitch: [{ name: 'shared', commandPrefix: '?' }] });
    await store.channels.put('twitch', 'shared', { commandPrefix: '$' });
    await store.channels.put('twitch', 'later', {});
    await dir.refresh();
    assert.deepEqual([dir.channels('twitch'), dir.policy('twitch', 'shared')], [['later', 'shared'], { commandPrefix: '$' }]);
    assert.equal(await store.channels.remove('twitch', 'later'), true);
    assert.equal(await store.channels.remove('twitch', 'shared'), true);
    await store.channels.put('twitch', 'newer', { commandPrefix: '>' });
    await dir.refresh();
    assert.deepEqual(dir.channels('twitch'), ['newer', 'shared'], 'a config channel stays');
    assert.deepEqual(dir.policy('twitch', 'shared'), { commandPrefix: '?' }, 'back to the config file settings');
    assert.equal(dir.policy('twitch', 'later'), undefined);
    assert.deepEqual(dir.policy('twitch', 'newer'), { commandPrefix: '>' });
  });

  it('the bot uses each channel\'s command prefix and unaddressed-question setting', async () => {
    const { store: botStore, recommender } = await testBot();
    try {
      await botStore.channels.put('twitch', 'quiet', { commandPrefix: '?' });
      const dir = new ChannelDirectory(botStore.channels, { twitch: ['plain', { name: 'chatty', answerUnaddressed: true }] });
      await dir.refresh();
      const bot = new Bot({ nlu: new KeywordNlu(), recommender, store: botStore, options: { answerUnaddressed: false }, channelPolicy: dir.policy,
        onError: (err) => { throw err; } });
      const viewer = (channel: string) => new TestConversation(bot, botStore, {
        platform: 'twitch', channel, direct: false, user: { platformId: `v-${channel}`, displayName: 'Viewer', roles: [] },
      } satisfies Omit<ChatMessage, 'text' | 'time'>);
      const answered = async (channel: string, text: string) => (await viewer(channel).say(text)).length > 0;
      assert.equal(await answered('quiet', '?course python'), true);
      assert.equal(await answered('quiet', '!course python'), false, '"!" is another bot\'s prefix there');
      assert.equal(await answered('plain', '!course python'), true);
      assert.equal(await answered('plain', '?course python'), false);
      assert.equal(await answered('plain', 'any python course?'), false, 'unaddressed questions are off by default here');
      assert.equal(await answered('chatty', 'any python course?'), true, 'the channel turned them on');
    } finally {
      await botStore.close();
    }
  });
});
