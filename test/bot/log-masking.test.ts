import assert from 'node:assert/strict';
import { maskingLog } from '../../data/pii.js';
import { twitchHarness } from '../helpers/twitch-harness.js';

const LINE = 'notice in #shop: msg_custom write to ana.lee@example.com or call +1 (555) 123-4567';

describe('adapter logs: emails and phone numbers masked at the composition root', () => {
  it('a log line with an email and a phone number passes through the wrapped logger masked, prefix kept', () => {
    const lines: string[] = [];
    const log = maskingLog((line) => void lines.push(line), 'twitch: ');
    log(LINE);
    log('joined #shop in 120 ms');
    log('interaction 1234567890123456789 failed'); // Discord snowflakes are too long to be phone numbers
    assert.deepEqual(lines, [
      'twitch: notice in #shop: msg_custom write to a***@example.com or call [phone ***67]',
      'twitch: joined #shop in 120 ms',
      'twitch: interaction 1234567890123456789 failed',
    ]);
  });

  it('the Twitch adapter, given the wrapped logger (as bot/app/commands/twitch.ts does), logs a chat NOTICE masked', async () => {
    const lines: string[] = [];
    const h = await twitchHarness({ channels: ['shop'], adapter: { log: maskingLog((line) => void lines.push(line), 'twitch: ') } });
    try {
      h.server.sendRaw('@msg-id=msg_custom :tmi.twitch.tv NOTICE #shop :write to ana.lee@example.com or call +1 (555) 123-4567');
      await h.server.waitFor(() => lines.some((l) => l.includes('msg_custom')), 5_000, 'notice logged');
      const notice = lines.find((l) => l.includes('msg_custom'))!;
      assert.equal(notice, 'twitch: notice in #shop: msg_custom write to a***@example.com or call [phone ***67]');
      assert.ok(!lines.some((l) => l.includes('ana.lee@') || l.includes('123-4567')), lines.join('\n'));
    } finally {
      await h.close();
    }
  });
});
