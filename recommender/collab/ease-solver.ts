import { Worker } from 'node:worker_threads';
import { DefaultEaseOptions, EaseModel, easeWeights, type EaseOptions } from './ease.js';
import type { EaseWorkerInput, EaseWorkerMessage } from './ease-worker.js';
import type { InteractionMatrix } from './matrix.js';
import { CollabError, type CollabErrorCode, type ProgressCallback } from './types.js';

/** Trains EASE weights for a prepared matrix; `signal` stops it (the promise rejects with an AbortError). */
export type EaseSolver = (m: InteractionMatrix, options: EaseOptions, onProgress?: ProgressCallback, signal?: AbortSignal) => Promise<EaseModel>;

function abortError(): Error {
  const err = new Error('EASE training was stopped');
  err.name = 'AbortError';
  return err;
}

/** In this thread (tests, small catalogs). */
export const solveEaseInline: EaseSolver = async (m, options, onProgress, signal) => {
  if (signal?.aborted) throw abortError();
  const o = { ...DefaultEaseOptions, ...options };
  return new EaseModel(m.items, m.popularity, easeWeights(m, o, onProgress), o.lambda, o.maxHistory);
};

/** In a worker thread, so the bot keeps answering during the O(n^3) solve. */
export const solveEaseInWorker: EaseSolver = (m, options, onProgress, signal) => {
  if (signal?.aborted) return Promise.reject(abortError());
  const o = { ...DefaultEaseOptions, ...options };
  const input: EaseWorkerInput = { matrix: { items: m.items, userCount: m.userCount, userPtr: m.userPtr, itemsOf: m.itemsOf }, options: o };
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./ease-worker.js', import.meta.url), { workerData: input });
    let settled = false;
    // Stopping the bot must not wait for an O(n^3) solve: the worker is terminated.
    const onAbort = () => { if (!settled) { settled = true; reject(abortError()); void worker.terminate(); } };
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.once('exit', () => signal?.removeEventListener('abort', onAbort));
    worker.on('message', (msg: EaseWorkerMessage) => {
      if (msg.type === 'progress') onProgress?.(msg.done, msg.total, msg.phase);
      else if (msg.type === 'done') { settled = true; resolve(new EaseModel(m.items, m.popularity, msg.weights, o.lambda, o.maxHistory)); void worker.terminate(); }
      else { settled = true; reject(new CollabError((msg.code ?? 'BAD_OPTIONS') as CollabErrorCode, msg.message)); void worker.terminate(); }
    });
    worker.on('error', (err) => { if (!settled) { settled = true; reject(err); } });
    worker.on('exit', (code) => { if (!settled) { settled = true; reject(new Error(`EASE worker exited with code ${code}`)); } });
  });
};
