import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../bot/config.js';

describe('bot/config: twitch', () => {
  let dir: string;
  beforeEach(() => void (dir = mkdtempSync(join(tmpdir(), 'crossfeed-cfg-twitch-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const problems = (env: NodeJS.ProcessEnv): string => {
    try {
      loadConfig({ env, cwd: dir });
    } catch (err) {
      assert.ok(err instanceof ConfigError, String(err));
      assert.equal(err.code, 'CF_CONFIG');
      return err.problems.join('\n');
    }
    return assert.fail('expected a ConfigError');
  };
  const file = (yaml: string) => writeFileSync(join(dir, 'crossfeed.config.yaml'), yaml);

  it('stays off without credentials and uses Twitch\'s own server by default', () => {
    const c = loadConfig({ env: {}, cwd: dir });
    assert.deepEqual([c.twitch.username, c.twitch.token, c.twitch.channels], [undefined, undefined, []]);
    assert.equal(c.twitch.server, 'wss://irc-ws.chat.twitch.tv:443');
  });

  it('is on with TWITCH_USERNAME and TWITCH_OAUTH_TOKEN', () => {
    const c = loadConfig({ env: { TWITCH_USERNAME: 'crossfeed_bot', TWITCH_OAUTH_TOKEN: 'oauth:abc123' }, cwd: dir });
    assert.deepEqual([c.twitch.username, c.twitch.token], ['crossfeed_bot', 'oauth:abc123']);
  });

  it('takes the login from the file and the token from the environment', () => {
    file('twitch:\n  username: from_file\n  channels: [one, {name: two, commandPrefix: "?"}]\n');
    const c = loadConfig({ env: { TWITCH_OAUTH_TOKEN: 'secret' }, cwd: dir });
    assert.deepEqual([c.twitch.username, c.twitch.token, c.twitch.channels], ['from_file', 'secret', ['one', { name: 'two', commandPrefix: '?' }]]);
  });

  it('refuses half the credentials, naming the missing variable', () => {
    const noToken = problems({ TWITCH_USERNAME: 'crossfeed_bot' });
    assert.match(noToken, /TWITCH_OAUTH_TOKEN/);
    assert.doesNotMatch(noToken, /TWITCH_USERNAME is not set/);
    const noName = problems({ TWITCH_OAUTH_TOKEN: 'oauth:abc123' });
    assert.match(noName, /twitch\.username: TWITCH_USERNAME is not set/);
    assert.doesNotMatch(noName, /secret|abc123/, 'never echoes the token');
  });

  it('refuses a token in the config file, even with the environment set', () => {
    file('twitch:\n  username: crossfeed_bot\n  token: oauth:leaked\n');
    const text = problems({ TWITCH_OAUTH_TOKEN: 'oauth:abc123' });
    assert.match(text, /twitch\.token: secrets never go in the config file; set TWITCH_OAUTH_TOKEN/);
    assert.doesNotMatch(text, /leaked/);
  });

  it('reads TWITCH_CHANNELS as a comma list and the environment wins over the file', () => {
    file('twitch:\n  channels: [from_file]\n');
    const c = loadConfig({ env: { TWITCH_CHANNELS: ' Alpha, #beta,,gamma_3 ,' }, cwd: dir });
    assert.deepEqual(c.twitch.channels, ['Alpha', '#beta', 'gamma_3']);
  });

  it('names a bad channel from TWITCH_CHANNELS and the variable it came from', () => {
    const text = problems({ TWITCH_CHANNELS: 'fine_one,x' });
    assert.match(text, /twitch\.channels\.1: .*\(from environment variable TWITCH_CHANNELS\)/);
  });

  it('validates CROSSFEED_TWITCH_SERVER', () => {
    for (const good of ['ws://127.0.0.1:6667', 'wss://irc-ws.chat.twitch.tv:443', 'ws://localhost/']) {
      assert.equal(loadConfig({ env: { CROSSFEED_TWITCH_SERVER: good }, cwd: dir }).twitch.server, good);
    }
    for (const bad of ['http://localhost:6667', 'irc.chat.twitch.tv:6667', 'ws://host:80/path', 'ws://']) {
      assert.match(problems({ CROSSFEED_TWITCH_SERVER: bad }), /^twitch\.server: .*ws:\/\/ or wss:\/\/.*\(from environment variable CROSSFEED_TWITCH_SERVER\)$/m, bad);
    }
  });

  it('checks the other twitch settings in the file', () => {
    file('twitch:\n  maxAnswerAgeSeconds: 0\n  answersPerViewerPerMinute: 1.5\n  maxMessagesInHand: 0\n  nickname: x\n');
    const text = problems({});
    assert.match(text, /twitch\.maxMessagesInHand: /);
    assert.match(text, /twitch\.maxAnswerAgeSeconds: /);
    assert.match(text, /twitch\.answersPerViewerPerMinute: /);
    assert.match(text, /twitch: .*nickname/);
    assert.match(text, /crossfeed\.config\.yaml/);
  });
});
