import assert from 'node:assert/strict';
import { publicUrlWarning } from '../../bot/config.js';
import { loadConfig } from '../../bot/config.js';
import { twitchHarness, viewer } from '../helpers/twitch-harness.js';

describe('defect 11: Twitch and Discord never get links to 127.0.0.1', () => {
  it('a Twitch viewer gets catalog links and no loopback support page when web.publicUrl is unset', async () => {
    const h = await twitchHarness({ channels: ['streamer'], links: { trackingBaseUrl: 'http://127.0.0.1:8080', supportWebUrl: 'http://127.0.0.1:8080' } });
    try {
      const ask = await h.server.say('streamer', viewer('alice'), '!course python');
      const human = await h.server.say('streamer', viewer('bob'), '@crossfeed I want to talk to a human');
      await h.server.waitFor(() => h.answersTo(ask).length > 0 && h.answersTo(human).length > 0, 10_000, 'both answers');
      const texts = [...h.answersTo(ask), ...h.answersTo(human)].map((s) => s.text);
      for (const t of texts) assert.doesNotMatch(t, /127\.0\.0\.1|localhost/, t);
      assert.ok(texts.some((t) => /https:\/\//.test(t)), 'catalog links instead');
    } finally {
      await h.close();
    }
  });

  it('warns at start when Twitch or Discord is on and web.publicUrl is unset or loopback', () => {
    const env = { TWITCH_USERNAME: 'crossfeed_bot', TWITCH_OAUTH_TOKEN: 'oauth:x' };
    const base = { env, cwd: '/nonexistent-crossfeed-dir' };
    const unset = loadConfig({ ...base, env });
    assert.match(publicUrlWarning(unset) ?? '', /Twitch is on but web\.publicUrl .* is not set/);
    assert.match(publicUrlWarning(loadConfig({ ...base, env: { ...env, CROSSFEED_PUBLIC_URL: 'http://127.0.0.1:8080' } })) ?? '', /loopback/);
    assert.equal(publicUrlWarning(loadConfig({ ...base, env: { ...env, CROSSFEED_PUBLIC_URL: 'https://chat.example.com' } })), undefined);
    assert.equal(publicUrlWarning(loadConfig({ ...base, env: {} })), undefined, 'web only: nothing to warn about');
  });
});
