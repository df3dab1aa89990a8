import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startWebServer, type WebServer } from '../../adapters/web/server.js';
import { TwitchScheduler } from '../../adapters/twitch/scheduler.js';
import { metrics } from '../../bot/metrics.js';
import type { Store } from '../../data/store.js';
import { testBot } from '../helpers/test-bot.js';
import { FrameClient } from '../helpers/ws-client.js';

/** The value of one sample line (`name{labels} value`) of a Prometheus text page; 0 when absent. */
function sample(page: string, name: string, labels: Record<string, string> = {}): number {
  for (const line of page.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-z_]+)(\{[^}]*\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const got = Object.fromEntries([...(m[2] ?? '').matchAll(/([a-z_]+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => got[k] === v)) return Number(m[3]);
  }
  return 0;
}

describe('GET /metrics (Prometheus)', () => {
  let server: WebServer;
  let store: Store;

  before(async () => {
    const t = await testBot({ options: { promotionCaps: { perUserPerDay: 0, perChannelPerHour: 100 } } });
    store = t.store;
    server = await startWebServer({ host: '127.0.0.1', port: 0, allowedOrigins: [], maxConnectionsPerIp: 50, bot: () => t.bot });
  });
  after(async () => {
    await server.close();
    await store.close();
  });

  it('counts messages per platform, NLU latency, replies sent and promotion-cap refusals', async () => {
    const before = await (await fetch(`${server.url}/metrics`)).text();
    const c = await FrameClient.connect(`${server.url.replace('http', 'ws')}/ws?visitor=${randomUUID()}`);
    await c.next((f) => f.type === 'history');
    c.send({ type: 'message', text: 'recommend a python course', clientId: 'c-1' });
    await c.next((f) => f.type === 'message' && f.message.role === 'bot');
    c.close();
    // The visitor can see the reply a moment before the server has counted it as sent: read until it has (bounded).
    let res: Response;
    let page = '';
    const grew = (name: string, labels: Record<string, string> = {}) => sample(page, name, labels) - sample(before, name, labels);
    for (let i = 0; ; i++) {
      res = await fetch(`${server.url}/metrics`);
      page = await res.text();
      if (grew('crossfeed_replies_total', { platform: 'web', outcome: 'sent' }) >= 1 || i >= 50) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    assert.equal(grew('crossfeed_messages_received_total', { platform: 'web' }), 1);
    assert.ok(grew('crossfeed_nlu_latency_seconds_count') >= 1);
    assert.ok(grew('crossfeed_replies_total', { platform: 'web', outcome: 'sent' }) >= 1);
    assert.equal(grew('crossfeed_placement_refusals_total', { kind: 'cap', reason: 'per_user_per_day' }), 1);
    assert.match(page, /# TYPE crossfeed_outbound_queue_wait_seconds histogram/);
    assert.match(page, /^crossfeed_web_intake_queued 0$/m, 'the web intake queue is published');
    assert.doesNotMatch(page, /python/, 'no chat text in metrics');
  });

  it('counts what an outbound queue dropped, by reason, and how long it waited', async () => {
    const start = await metrics.replies.get();
    const dropped = () => start.values.find((v) => v.labels['platform'] === 'twitch' && v.labels['reason'] === 'not_connected')?.value ?? 0;
    const was = dropped();
    const transport = { canSend: () => false, whenReady: () => Promise.reject(new Error('down')), send: () => undefined };
    const channels = { get: () => ({ lastSentAt: 0, privileged: false, lastText: '', room: { slowSeconds: 0, emoteOnly: false, followersOnly: -1, subsOnly: false } }) };
    const plan = { windowMs: 30_000, userLimit: 20, privilegedLimit: 100, channelGapMs: 0, slowModeMarginMs: 0, duplicateWindowMs: 30_000 };
    let t = 1_000_000;
    const s = new TwitchScheduler(transport as never, channels as never, { plan, maxAnswerAgeMs: 0, maxPromotionAgeMs: 0, now: () => t++ } as never);
    const outcome = await s.enqueue({ channel: '#x', text: 'hi', kind: 'answer', createdAt: t } as never);
    assert.notEqual(outcome, 'sent');
    const after = await metrics.replies.get();
    const total = after.values.filter((v) => v.labels['platform'] === 'twitch' && v.labels['outcome'] === 'dropped').reduce((a, v) => a + v.value, 0);
    assert.ok(total >= 1 && total > was);
    const waits = await metrics.queueWaitSeconds.get();
    assert.ok(waits.values.some((v) => v.labels['platform'] === 'twitch' && v.metricName === 'crossfeed_outbound_queue_wait_seconds_count' && v.value >= 1));
  });
});
