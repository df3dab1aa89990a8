import { Gauge } from 'prom-client';
import { registry } from '../../bot/metrics.js';
import type { IntakeStats } from './intake.js';

/** Web chat intakes of this process (one per running web server), read at each scrape. */
const intakes = new Set<() => IntakeStats>();

function total(pick: (s: IntakeStats) => number): number {
  let sum = 0;
  for (const stats of intakes) sum += pick(stats());
  return sum;
}

function gauge(name: string, help: string, pick: (s: IntakeStats) => number): void {
  new Gauge({ name, help, registers: [registry], collect() { this.set(total(pick)); } });
}

gauge('crossfeed_web_intake_queued', 'Web chat messages waiting for the bot', (s) => s.queued);
gauge('crossfeed_web_intake_in_flight', 'Web chat messages with the bot now', (s) => s.inFlight);
gauge('crossfeed_web_intake_oldest_wait_seconds', 'How long the oldest waiting web chat message has waited', (s) => s.oldestWaitMs / 1000);
gauge('crossfeed_web_intake_answer_p90_seconds', 'Queue-to-answer time of recent web chat messages, 90th percentile', (s) => s.recentAnswerP90Ms / 1000);
gauge('crossfeed_web_intake_shed_total', 'Web chat messages refused with a busy frame since start', (s) => s.shed);

/** Publishes one intake's figures in `/metrics` until the returned function is called. */
export function publishIntake(stats: () => IntakeStats): () => void {
  intakes.add(stats);
  return () => intakes.delete(stats);
}
