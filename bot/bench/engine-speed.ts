/**
 * Whole-engine speed, as the bot runs it: shipped transformers.js intent + entity models, the
 * TypeScript-trained models and the rules, one message at a time.
 * Run: npm run bench:nlu:engine [-- --messages 20000]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadNlu } from '../app.js';
import { loadConfig } from '../config.js';
import { readCatalogFile } from '../../data/catalog/importer.js';
import { packageRoot, seedCatalogDir } from '../../data/paths.js';

const i = process.argv.indexOf('--messages');
const N = i >= 0 ? Number(process.argv[i + 1]) : 20000;
const config = loadConfig();
const items = (await Promise.all(['courses.json', 'coupons.json', 'insurance.json'].map((f) => readCatalogFile(join(seedCatalogDir, f))))).flatMap((r) => r.items);
const nlu = await loadNlu(config, items);
const holdout = parse(readFileSync(join(packageRoot, 'data', 'nlu', 'eval', 'product-holdout.yaml'), 'utf8')) as { intents: Record<string, string[]> };
const noise = readFileSync(join(packageRoot, 'data', 'nlu', 'eval', 'chat-noise.txt'), 'utf8').split('\n').filter(Boolean);
const texts = [...Object.values(holdout.intents).flat(), ...noise];

for (const t of texts.slice(0, 200)) await nlu.parse(t); // warm-up
const rss = () => process.memoryUsage().rss / 2 ** 20;
const rssStart = rss();
const times: number[] = [];
for (let k = 0; k < N; k++) {
  const t0 = performance.now();
  await nlu.parse(texts[k % texts.length]!);
  times.push(performance.now() - t0);
  if (k === Math.floor(N / 2)) process.stderr.write(`... ${k} messages, RSS ${rss().toFixed(0)} MiB\n`);
}
times.sort((a, b) => a - b);
const pct = (p: number) => times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))]!.toFixed(2);
const total = times.reduce((a, b) => a + b, 0);
process.stdout.write(`whole engine (intent + entities, shipped + trained models, rules), ${N} messages one at a time:\n` +
  `  p50 ${pct(50)} ms, p99 ${pct(99)} ms, ${(N / (total / 1000)).toFixed(0)} messages/s on one call at a time\n` +
  `  RSS ${rssStart.toFixed(0)} MiB after warm-up, ${rss().toFixed(0)} MiB after ${N} messages\n`);
