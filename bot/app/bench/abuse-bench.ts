/**
 * Abuse benchmark: one address (127.0.0.1) floods the web chat with reconnecting sockets and fresh
 * visitor ids (at most 20 open, 8 messages each) while a normal visitor at 127.0.11.1 asks a
 * question every `--ask-ms`. Runs the full bot (shipped models, SQLite in a temporary folder)
 * twice, each in its own process: "before" with the per-address limits and the work queue off
 * (the previous behaviour: per-socket limit and open-socket cap only), and "after" with the
 * defaults. Prints the normal visitor's answered share (within 3 s) and latency side by side.
 * Run: npm run bench:abuse [-- --seconds 15 --ask-ms 700 --concurrency 4]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startWebServer } from '../../../adapters/web/server.js';
import { buildCore } from '../app.js';
import { loadConfig } from '../../config.js';
import { runFlood, type FloodReport } from './web-flood.js';

const args = process.argv.slice(2);
const arg = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const num = (name: string, fallback: number, max: number): number => {
  const v = Number(arg(name) ?? fallback);
  if (!Number.isFinite(v) || v <= 0 || v > max) throw new Error(`--${name} must be a number in (0, ${max}]`);
  return v;
};
const SECONDS = num('seconds', 15, 120);
const ASK_MS = num('ask-ms', 700, 10_000);
const ANSWERED_WITHIN_MS = 3000;
/** Optional: the "after" run's `web.intake.concurrency` (default: the shipped default). */
const CONCURRENCY = arg('concurrency') === undefined ? undefined : num('concurrency', 8, 1000);

async function phase(limits: boolean): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'crossfeed-bench-abuse-'));
  const config = loadConfig();
  config.database.path = join(dir, 'bench.db');
  const core = await buildCore(config);
  const web = await startWebServer({
    host: '127.0.0.1', port: 0, allowedOrigins: [], maxConnectionsPerIp: 20, bot: () => core.bot, abuseLimits: limits,
    ...(CONCURRENCY ? { intake: { concurrency: CONCURRENCY } } : {}),
  });
  const report = await runFlood({
    url: web.url, floodAddress: '127.0.0.1', visitorAddress: '127.0.11.1', durationMs: SECONDS * 1000, askEveryMs: ASK_MS,
    answeredWithinMs: ANSWERED_WITHIN_MS,
  });
  const stats = web.stats();
  process.stdout.write(`${JSON.stringify({ report, accepted: limits ? stats.accepted : report.flood.sent, shed: stats.shed })}\n`);
  rmSync(dir, { recursive: true, force: true });
  // The "before" run may leave a backlog of thousands of messages: not waited for.
  process.exit(0);
}

function runPhase(name: 'before' | 'after'): { report: FloodReport; accepted: number; shed: number } {
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--phase', name, '--seconds', String(SECONDS), '--ask-ms', String(ASK_MS), ...(CONCURRENCY ? ['--concurrency', String(CONCURRENCY)] : [])], {
    encoding: 'utf8', timeout: (SECONDS + 120) * 1000, maxBuffer: 64 * 2 ** 20,
  });
  const line = r.stdout.trim().split('\n').filter((l) => l.startsWith('{')).at(-1);
  if (!line) throw new Error(`the ${name} run printed no result (exit ${r.status}): ${r.stderr.slice(-2000)}`);
  return JSON.parse(line);
}

const pct = (xs: number[], p: number) => (xs.length ? String(Math.round(xs[Math.min(xs.length - 1, Math.floor(xs.length * p))]!)) : '-');

function main(): void {
  process.stdout.write(`abuse bench: ${SECONDS} s flood from 127.0.0.1 (20 sockets, fresh visitor ids, 8 messages each); normal visitor at 127.0.11.1 asks every ${ASK_MS} ms\n`);
  const rows = (['before', 'after'] as const).map((name) => {
    process.stdout.write(`  running "${name}"...\n`);
    return [name, runPhase(name)] as const;
  });
  const table = [
    ['', ...rows.map(([n]) => n === 'before' ? 'before (limits off)' : 'after (defaults)')],
    ['normal visitor: asked', ...rows.map(([, r]) => String(r.report.asked))],
    ['answered within 3 s', ...rows.map(([, r]) => `${r.report.answered} (${(r.report.answeredShare * 100).toFixed(0)}%)`)],
    ['answered at all', ...rows.map(([, r]) => String(r.report.latenciesMs.length))],
    ['latency p50 / p90 / max, ms', ...rows.map(([, r]) => `${pct(r.report.latenciesMs, 0.5)} / ${pct(r.report.latenciesMs, 0.9)} / ${pct(r.report.latenciesMs, 1)}`)],
    ['refused (busy / rate limited)', ...rows.map(([, r]) => String(r.report.refused))],
    ['flood: sockets opened / refused', ...rows.map(([, r]) => `${r.report.flood.connects} / ${r.report.flood.refused}`)],
    ['flood: messages sent / taken in', ...rows.map(([, r]) => `${r.report.flood.sent} / ${r.accepted}`)],
    ['RSS start -> peak, MiB', ...rows.map(([, r]) => `${r.report.rssStartMb.toFixed(0)} -> ${r.report.rssPeakMb.toFixed(0)}`)],
  ];
  const widths = table[0]!.map((_, c) => Math.max(...table.map((row) => row[c]!.length)));
  for (const row of table) process.stdout.write(`${row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('   ')}\n`);
}

const phaseArg = arg('phase');
if (phaseArg === 'before' || phaseArg === 'after') await phase(phaseArg === 'after');
else if (phaseArg === 'after-only') {
  const r = runPhase('after');
  process.stdout.write(`after: ${r.report.answered}/${r.report.asked} within 3 s; latency p50 ${pct(r.report.latenciesMs, 0.5)} p90 ${pct(r.report.latenciesMs, 0.9)} ms; flood taken in ${r.accepted}\n`);
}
else main();
