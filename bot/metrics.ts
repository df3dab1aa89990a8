import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Nlu } from '../nlp/types.js';

/**
 * Prometheus metrics of one crossfeed process (`GET /metrics` on the web server). Labels are
 * platforms and fixed reason codes only: never a user, a channel or any chat text.
 */
export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'crossfeed_process_' });

export const metrics = {
  messages: new Counter({ name: 'crossfeed_messages_received_total', help: 'Chat messages handed to the bot', labelNames: ['platform'] as const, registers: [registry] }),
  nluSeconds: new Histogram({
    name: 'crossfeed_nlu_latency_seconds', help: 'Time to understand one message (intent, entities, language)',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers: [registry],
  }),
  replies: new Counter({
    name: 'crossfeed_replies_total', help: 'Replies by platform and outcome (sent, or dropped with the reason)',
    labelNames: ['platform', 'outcome', 'reason'] as const, registers: [registry],
  }),
  refusals: new Counter({
    name: 'crossfeed_placement_refusals_total', help: 'Sponsored placements withheld: promotion caps and campaign budgets, pacing, targeting, frequency caps',
    labelNames: ['kind', 'reason'] as const, registers: [registry],
  }),
  queueWaitSeconds: new Histogram({
    name: 'crossfeed_outbound_queue_wait_seconds', help: 'Time a reply waited in the platform account\'s outbound queue before it was sent or dropped',
    labelNames: ['platform'] as const, buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30], registers: [registry],
  }),
};

/** The NLU, timed. */
export function timedNlu(nlu: Nlu): Nlu {
  return {
    encoder: nlu.encoder,
    chineseEncoder: nlu.chineseEncoder,
    async parse(text, hints) {
      const end = metrics.nluSeconds.startTimer();
      try {
        // The hints carry the cascade's "addressed" flag: dropping them would send chat noise to the encoder.
        return await nlu.parse(text, hints);
      } finally {
        end();
      }
    },
  };
}

/** What an outbound queue did with one reply, and how long it waited. */
export function observeSend(platform: string, outcome: string, waitedMs: number): void {
  metrics.replies.inc({ platform, outcome: outcome === 'sent' ? 'sent' : 'dropped', reason: outcome === 'sent' ? '' : outcome });
  metrics.queueWaitSeconds.observe({ platform }, Math.max(0, waitedMs) / 1000);
}
