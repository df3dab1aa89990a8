/**
 * Worker-thread entry for the EASE solve (recommender/collab/ease-solver.ts starts it): the
 * n^3 inverse runs here so the bot keeps answering while it trains. Receives the interaction
 * matrix's typed arrays and the options; posts progress, then the Float32 weights (transferred).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { easeWeights, type EaseOptions } from './ease.js';
import type { InteractionMatrix } from './matrix.js';
import { CollabError } from './types.js';

export interface EaseWorkerInput {
  matrix: Pick<InteractionMatrix, 'items' | 'userCount' | 'userPtr' | 'itemsOf'>;
  options: EaseOptions;
}

export type EaseWorkerMessage =
  | { type: 'progress'; done: number; total: number; phase: string }
  | { type: 'done'; weights: Float32Array }
  | { type: 'error'; code: string | undefined; message: string };

const port = parentPort;
if (port) {
  const input = workerData as EaseWorkerInput;
  let last = 0;
  try {
    const weights = easeWeights(input.matrix as InteractionMatrix, input.options, (done, total, phase) => {
      const now = Date.now();
      if (now - last < 200 && done < total) return;
      last = now;
      port.postMessage({ type: 'progress', done, total, phase } satisfies EaseWorkerMessage);
    });
    port.postMessage({ type: 'done', weights } satisfies EaseWorkerMessage, [weights.buffer as ArrayBuffer]);
  } catch (err) {
    port.postMessage({ type: 'error', code: err instanceof CollabError ? err.code : undefined, message: (err as Error).message } satisfies EaseWorkerMessage);
  }
}
