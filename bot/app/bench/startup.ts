/**
 * Cold start benchmark: starts the bot on a fresh database, measures the time until /healthz
 * answers ok, the resident memory once healthy, and after a burst of chat messages. Each run is
 * measured three ways side by side: from `node bin/crossfeed.js start`, from `npm start` (what a
 * user types: npm itself, the staleness check, then the same program), and, with --with-tsc, the
 * old `npm start` that compiled TypeScript first (the baseline this replaced).
 * Run: npm run bench:start [-- --runs 5 --messages 200 --with-tsc]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { packageRoot } from '../../../data/paths.js';

const args = process.argv.slice(2);
const opt = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const RUNS = opt('runs', 5);
const WITH_TSC = args.includes('--with-tsc');
const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const MESSAGES = opt('messages', 200);

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

/** Sends `n` messages, 7 per visitor socket (the per-socket rate limit allows bursts of 8). */
async function chatBurst(url: string, n: number): Promise<number[]> {
  const texts = ['recommend me a beginner python course under $30', 'gg lol', 'another one', '有没有python入门课', 'cheaper?', 'any ramen coupons in Brooklyn?', 'hi'];
  const latencies: number[] = [];
  for (let sent = 0; sent < n; ) {
    const ws = new WebSocket(`${url.replace('http', 'ws')}/ws?visitor=${crypto.randomUUID()}`);
    await new Promise((r) => ws.once('open', r));
    for (let j = 0; j < 7 && sent < n; j++, sent++) {
      const t0 = performance.now();
      const done = new Promise<void>((resolve) => {
        const onMsg = (d: Buffer) => {
          const f = JSON.parse(String(d));
          if ((f.type === 'message' && f.message.role === 'bot') || f.type === 'error') {
            ws.off('message', onMsg);
            resolve();
          }
        };
        ws.on('message', onMsg);
      });
      ws.send(JSON.stringify({ type: 'message', text: texts[sent % texts.length] }));
      await done;
      latencies.push(performance.now() - t0);
    }
    ws.close();
    await new Promise((r) => ws.once('close', r));
  }
  return latencies;
}

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;

type Mode = 'node' | 'npm start' | 'tsc + node (before)';

function launch(mode: Mode, dir: string, port: number) {
  const env = { ...process.env, PORT: String(port), CROSSFEED_DB: join(dir, 'bench.db') };
  const cli = join(packageRoot, 'bin', 'crossfeed.js');
  // npm's own process group is signalled as a terminal's Ctrl-C would (npm does not wait for its script).
  if (mode === 'node') return spawn(process.execPath, [cli, 'start'], { cwd: dir, env, stdio: 'ignore', detached: true });
  if (mode === 'npm start') return spawn('npm', ['start', '--silent'], { cwd: packageRoot, env, stdio: 'ignore', detached: true });
  const tsc = join(packageRoot, 'node_modules', 'typescript', 'bin', 'tsc');
  return spawn('sh', ['-c', `"${process.execPath}" "${tsc}" -p tsconfig.json && exec "${process.execPath}" "${cli}" start`], { cwd: packageRoot, env, stdio: 'ignore', detached: true });
}

interface Result { healthyMs: number; rssHealthy: number; rssAfter: number; p50: number; p95: number }

async function once(mode: Mode, run: number, messages: number): Promise<Result> {
  const dir = mkdtempSync(join(tmpdir(), 'crossfeed-bench-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const t0 = performance.now();
  const child = launch(mode, dir, port);
  const exited = new Promise((r) => child.once('exit', r));
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${mode} exited with ${child.exitCode}`);
      const ok = await fetch(`${url}/healthz`).then((r) => r.ok, () => false);
      if (ok) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const healthyMs = performance.now() - t0;
    if (!messages) {
      process.stdout.write(`${mode} run ${run}: healthy in ${healthyMs.toFixed(0)} ms\n`);
      return { healthyMs, rssHealthy: NaN, rssAfter: NaN, p50: NaN, p95: NaN };
    }
    await new Promise((r) => setTimeout(r, 500));
    const pid = child.pid!; // messages are sent only in node mode, where the child is the server
    const rssHealthy = rssMiB(pid);
    const latencies = await chatBurst(url, messages);
    const rssAfter = rssMiB(pid);
    process.stdout.write(`${mode} run ${run}: healthy in ${healthyMs.toFixed(0)} ms, RSS ${rssHealthy.toFixed(0)} MiB healthy, ${rssAfter.toFixed(0)} MiB after ${messages} messages, reply p50 ${pct(latencies, 50).toFixed(1)} ms p95 ${pct(latencies, 95).toFixed(1)} ms\n`);
    return { healthyMs, rssHealthy, rssAfter, p50: pct(latencies, 50), p95: pct(latencies, 95) };
  } finally {
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      // already gone
    }
    await exited;
    rmSync(dir, { recursive: true, force: true });
  }
}

const modes: Mode[] = ['node', 'npm start', ...(WITH_TSC ? ['tsc + node (before)' as const] : [])];
const results = new Map<Mode, Result[]>(modes.map((m) => [m, []]));
process.stdout.write(`bench:start on ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), Node ${process.version}, load average ${load()}\n`);
// Interleaved, so that a change in machine load hits every mode alike.
for (let i = 1; i <= RUNS; i++) for (const m of modes) results.get(m)!.push(await once(m, i, m === 'node' ? MESSAGES : 0));
const median = (rs: Result[], k: keyof Result) => pct(rs.map((r) => r[k]), 50);
process.stdout.write(`\nmedian of ${RUNS}, start to healthy /healthz (load average now ${load()}):\n`);
for (const m of modes) process.stdout.write(`  ${m.padEnd(22)} ${median(results.get(m)!, 'healthyMs').toFixed(0).padStart(6)} ms\n`);
const n = results.get('node')!;
if (MESSAGES) {
  process.stdout.write(`node: RSS healthy ${median(n, 'rssHealthy').toFixed(0)} MiB, after ${MESSAGES} messages ${median(n, 'rssAfter').toFixed(0)} MiB, ` +
    `reply latency p50 ${median(n, 'p50').toFixed(1)} ms p95 ${median(n, 'p95').toFixed(1)} ms (includes the socket round trip)\n`);
}
