/**
 * The cascade's speed on unaddressed chat, today's engine beside the new one in the same run:
 *   today: every model on every message (no hints; the engine without the encoder)
 *   new:   unaddressed chat (hints { addressed: false }): the first stage on everything, entity
 *          models and the encoder only on what it lets through
 *   bot:   as the bot runs it: the TypeScript intent model loaded too, and the channel's confidence
 *          passed (hints { addressed: false, answerAt: 0.85 }), so stage 0 drops what can't be answered
 * on the chat-noise lines (data/nlu/eval/chat-noise.txt) mixed with the held-out requests in the
 * proportion given by --requests (default 0.02: 2 of 100 chat lines are requests), in batches of 64.
 * Also: single-message latency (p50/p99) of an addressed English message, which reaches the encoder,
 * and resident memory before/after.
 * Run: npm run bench:nlu:cascade [-- --messages 6000] [-- --requests 0.02]
 */
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { NluEngine } from '../../../nlp/engine.js';
import { packageRoot } from '../../../data/paths.js';
import { loadConfig } from '../../config.js';
import { loadTrainedModels } from '../../../nlp/trained-models.js';

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
};
const N = Number(arg('messages', '6000'));
const REQ = Number(arg('requests', '0.02'));
const B = 64;
const config = loadConfig();
const holdout = parse(readFileSync(join(packageRoot, 'data', 'nlu', 'eval', 'product-holdout.yaml'), 'utf8')) as { intents: Record<string, string[]> };
const requests = Object.values(holdout.intents).flat();
const english = requests.filter((t) => !/[\u4e00-\u9fff]/.test(t));
const noise = readFileSync(join(packageRoot, 'data', 'nlu', 'eval', 'chat-noise.txt'), 'utf8').split('\n').filter(Boolean);
const stream = Array.from({ length: N }, (_, k) => ((k * 7919) % 1000) / 1000 < REQ ? requests[k % requests.length]! : noise[k % noise.length]!);
const mib = () => (process.memoryUsage().rss / 2 ** 20).toFixed(0);
const out = (line: string) => process.stdout.write(line + '\n');
const cpu = cpus();
out(`cascade speed, ${new Date().toISOString()}, ${cpu[0]?.model ?? 'unknown CPU'} x ${cpu.length}, Node ${process.version}, load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
out(`  ${N} unaddressed chat messages (${(REQ * 100).toFixed(1)}% held-out requests, the rest chat noise), batches of ${B}`);
out('| engine | messages/s | encoders saw | entity models saw | p50 ms | p99 ms (addressed, English) | RSS MiB before -> after |');
out('|---|---|---|---|---|---|---|');

const NAMES = {
  today: 'today (every model on every message)',
  new: 'cascade, no TypeScript model (stage 1 on everything)',
  bot: 'cascade as the bot runs it (TypeScript model, stage 0 at 0.85)',
} as const;
for (const variant of ['today', 'new', 'bot'] as const) {
  const seen = { encoder: 0, entities: 0 };
  const nlu = await NluEngine.load({
    modelDir: config.models.dir, threads: config.models.threads, encoder: variant !== 'today',
    ...(variant === 'bot' ? { trained: loadTrainedModels(config.nlu.trainedDir) } : {}),
    onModelCall: (m, texts) => { if (m !== 'intent') seen[m === 'encoder-zh' ? 'encoder' : m] += texts.length; },
  });
  const hints = variant === 'today' ? undefined
    : stream.map(() => (variant === 'bot' ? { addressed: false, answerAt: config.bot.unaddressedMinConfidence } : { addressed: false }));
  await nlu.parseBatch(stream.slice(0, 256), hints?.slice(0, 256)); // warm-up
  seen.encoder = 0;
  seen.entities = 0;
  const before = mib();
  const t = performance.now();
  for (let k = 0; k < N; k += B) await nlu.parseBatch(stream.slice(k, k + B), hints?.slice(k, k + B));
  const rate = N / ((performance.now() - t) / 1000);
  const times: number[] = [];
  for (let k = 0; k < 300; k++) {
    const s = performance.now();
    await nlu.parse(english[k % english.length]!);
    times.push(performance.now() - s);
  }
  times.sort((a, b) => a - b);
  const q = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]!.toFixed(2);
  out(`| ${NAMES[variant]} | ${rate.toFixed(0)} | ` +
    `${seen.encoder} | ${seen.entities} | ${q(0.5)} | ${q(0.99)} | ${before} -> ${mib()} |`);
  await nlu.close();
}
