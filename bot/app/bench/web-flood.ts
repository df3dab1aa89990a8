/**
 * One abuse scenario for the web chat, shared by the flood test and `npm run bench:abuse`: a
 * hostile address floods (bot/app/bench/web-flood-worker.ts, in its own thread) while a normal visitor
 * from another address asks a question every `askEveryMs`. Reports the normal visitor's answered
 * share and latencies, and the process's resident memory before and at its peak.
 */
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { WebSocket } from 'ws';
import type { FloodWorkerInput, FloodWorkerResult } from './web-flood-worker.js';

export interface FloodOptions {
  /** The server's http://host:port. */
  url: string;
  floodAddress: string;
  visitorAddress: string;
  durationMs: number;
  askEveryMs: number;
  /** An answer later than this counts as not answered. */
  answeredWithinMs: number;
  maxOpen?: number;
  messagesPerSocket?: number;
  maxConnects?: number;
  question?: string;
}

export interface FloodReport {
  asked: number;
  /** Answered within `answeredWithinMs`. */
  answered: number;
  answeredShare: number;
  /** Latencies of the answers that came at all (within the run plus a grace period), ms. */
  latenciesMs: number[];
  /** Visitor messages refused with "busy" or "rate limited". */
  refused: number;
  rssStartMb: number;
  rssPeakMb: number;
  flood: FloodWorkerResult;
}

export async function runFlood(o: FloodOptions): Promise<FloodReport> {
  const wsBase = o.url.replace(/^http/, 'ws');
  const rssStart = process.memoryUsage().rss;
  let rssPeak = rssStart;
  const sampler = setInterval(() => { rssPeak = Math.max(rssPeak, process.memoryUsage().rss); }, 200);

  const visitor = await connect(`${wsBase}/ws?visitor=${randomUUID()}`, o.visitorAddress);
  const sentAt = new Map<string, number>();
  const answeredAt = new Map<string, number>();
  let refused = 0;
  let lastEcho: string | undefined;
  visitor.on('message', (data) => {
    const f = JSON.parse(data.toString()) as { type: string; code?: string; message?: { role: string; clientId?: string } };
    if (f.type === 'error' && (f.code === 'busy' || f.code === 'rate_limited')) refused += 1;
    if (f.type !== 'message' || !f.message) return;
    if (f.message.role === 'user' && f.message.clientId) lastEcho = f.message.clientId;
    else if (f.message.role === 'bot' && lastEcho && !answeredAt.has(lastEcho)) answeredAt.set(lastEcho, Date.now());
  });

  const workerInput: FloodWorkerInput = {
    wsBase, localAddress: o.floodAddress, durationMs: o.durationMs, maxOpen: o.maxOpen ?? 20,
    messagesPerSocket: o.messagesPerSocket ?? 8, maxConnects: o.maxConnects ?? 200_000,
  };
  const worker = new Worker(fileURLToPath(new URL('./web-flood-worker.js', import.meta.url)), { workerData: workerInput });
  const floodDone = new Promise<FloodWorkerResult>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });

  const start = Date.now();
  for (let i = 0; Date.now() - start < o.durationMs; i++) {
    const id = `q-${i}`;
    sentAt.set(id, Date.now());
    visitor.send(JSON.stringify({ type: 'message', text: o.question ?? 'beginner python course under $30', clientId: id }));
    await sleep(o.askEveryMs);
  }
  const flood = await floodDone;
  await worker.terminate();
  // Answers still on their way count for latency, not for the share (a bounded grace period).
  const graceEnd = Date.now() + o.answeredWithinMs;
  while (answeredAt.size < sentAt.size && Date.now() < graceEnd) await sleep(100);
  visitor.close();
  clearInterval(sampler);

  const latenciesMs = [...answeredAt].map(([id, t]) => t - sentAt.get(id)!).sort((a, b) => a - b);
  const answered = latenciesMs.filter((ms) => ms <= o.answeredWithinMs).length;
  return {
    asked: sentAt.size, answered, answeredShare: sentAt.size ? answered / sentAt.size : 0, latenciesMs, refused,
    rssStartMb: rssStart / 2 ** 20, rssPeakMb: rssPeak / 2 ** 20, flood,
  };
}

function connect(url: string, localAddress: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { localAddress });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
