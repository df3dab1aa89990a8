/**
 * The hostile client of the abuse test and `npm run bench:abuse`, in its own thread: from one
 * address it keeps `maxOpen` chat sockets going, each with a fresh visitor id, sends
 * `messagesPerSocket` messages at once and hangs up, then reconnects. Bounded by `durationMs`
 * and `maxConnects`; loopback only (the caller passes a 127.x address).
 */
import { randomUUID } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import { WebSocket } from 'ws';

export interface FloodWorkerInput {
  wsBase: string;
  localAddress: string;
  durationMs: number;
  maxOpen: number;
  messagesPerSocket: number;
  maxConnects: number;
}

export interface FloodWorkerResult {
  connects: number;
  refused: number;
  sent: number;
  rateLimited: number;
  busy: number;
}

const TEXTS = ['hi', 'beginner python course under $30', 'any coupon for pizza?', 'talk to a person', 'what is this', 'javascript course'];
const input = workerData as FloodWorkerInput;
const result: FloodWorkerResult = { connects: 0, refused: 0, sent: 0, rateLimited: 0, busy: 0 };
const end = Date.now() + input.durationMs;
let open = 0;

function spawn(): void {
  if (Date.now() >= end || result.connects >= input.maxConnects) {
    if (open === 0) parentPort!.postMessage(result);
    return;
  }
  result.connects += 1;
  open += 1;
  let done = false;
  const ws = new WebSocket(`${input.wsBase}/ws?visitor=${randomUUID()}`, { localAddress: input.localAddress });
  const finish = () => {
    if (done) return;
    done = true;
    open -= 1;
    setImmediate(spawn);
  };
  ws.on('unexpected-response', (_req, res) => {
    result.refused += 1;
    res.resume();
    ws.terminate();
    finish();
  });
  ws.on('error', finish);
  ws.on('close', finish);
  ws.on('message', (data) => {
    const text = data.toString();
    if (text.includes('"rate_limited"')) result.rateLimited += 1;
    else if (text.includes('"busy"')) result.busy += 1;
  });
  ws.on('open', () => {
    for (let i = 0; i < input.messagesPerSocket; i++) ws.send(JSON.stringify({ type: 'message', text: TEXTS[i % TEXTS.length] }));
    result.sent += input.messagesPerSocket;
    ws.close();
  });
}

for (let i = 0; i < input.maxOpen; i++) spawn();
