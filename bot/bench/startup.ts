/**
 * Cold start benchmark: starts `crossfeed start` on a fresh database, measures the time until
 * /healthz answers ok, the resident memory once healthy, and after a burst of chat messages.
 * Run: npm run bench:start [-- --runs 3 --messages 200]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { packageRoot } from '../../data/paths.js';

const args = process.argv.slice(2);
const opt = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const RUNS = opt('runs', 3);
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

async function once(run: number): Promise<{ healthyMs: number; rssHealthy: number; rssAfter: number; p50: number; p95: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'crossfeed-bench-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const t0 = performance.now();
  const child = spawn(process.execPath, [join(packageRoot, 'bin', 'crossfeed.js'), 'start'], {
    cwd: dir, env: { ...process.env, PORT: String(port), CROSSFEED_DB: join(dir, 'bench.db') }, stdio: 'ignore',
  });
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`crossfeed exited with ${child.exitCode}`);
      const ok = await fetch(`${url}/healthz`).then((r) => r.ok, () => false);
      if (ok) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const healthyMs = performance.now() - t0;
    await new Promise((r) => setTimeout(r, 500));
    const rssHealthy = rssMiB(child.pid!);
    const latencies = await chatBurst(url, MESSAGES);
    const rssAfter = rssMiB(child.pid!);
    process.stdout.write(`run ${run}: healthy in ${healthyMs.toFixed(0)} ms, RSS ${rssHealthy.toFixed(0)} MiB healthy, ${rssAfter.toFixed(0)} MiB after ${MESSAGES} messages, reply p50 ${pct(latencies, 50).toFixed(1)} ms p95 ${pct(latencies, 95).toFixed(1)} ms\n`);
    return { healthyMs, rssHealthy, rssAfter, p50: pct(latencies, 50), p95: pct(latencies, 95) };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
}

type Result = Awaited<ReturnType<typeof once>>;
const results: Result[] = [];
for (let i = 1; i <= RUNS; i++) results.push(await once(i));
const median = (k: keyof Result) => pct(results.map((r) => r[k]), 50);
process.stdout.write(`median of ${RUNS}: cold start to healthy ${median('healthyMs').toFixed(0)} ms, ` +
  `RSS healthy ${median('rssHealthy').toFixed(0)} MiB, after ${MESSAGES} messages ${median('rssAfter').toFixed(0)} MiB, ` +
  `reply latency p50 ${median('p50').toFixed(1)} ms p95 ${median('p95').toFixed(1)} ms (includes the socket round trip)\n`);
