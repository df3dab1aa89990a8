/**
 * A worker thread that runs the TypeScript-trained models (intent ensemble, entity tagger) for
 * NluEngine.parseBatch, so that on a 2-core machine they use the second core while the
 * transformers.js models run on the first (onnxruntime runs a session synchronously on the calling
 * thread). Same code and same weights as in the main thread, so results are identical.
 */
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { loadEntityModel, type EntityModel, type PredictedEntity } from './entities-train/index.js';
import { loadIntentModel, type IntentModel } from './intent/index.js';
import { reloadTrainedModels, type TrainedFiles, type TrainedModels } from './trained-models.js';

export interface TrainedOutput {
  /** `intent.predict(text).ranked` per text, when there is an intent model. */
  ranked: ({ intent: string; confidence: number }[] | undefined)[];
  /** `entities.predict(text)` per text, when there is an entity model. */
  entities: (PredictedEntity[] | undefined)[];
}

interface Request { id: number; texts: string[] }
const MARK = 'crossfeedTrainedModelsWorker';
type Reply = { id: number; out: TrainedOutput } | { id: number; error: string };

/** The main thread's handle: `run` resolves with the models' output for the texts, in order. */
export class TrainedModelsWorker {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (o: TrainedOutput) => void; reject: (e: Error) => void }>();
  private next = 0;
  private failed: Error | undefined;

  constructor(trained: TrainedModels) {
    // Models read from files are read again there (cheap); others travel as JSON (costs memory once).
    const source = trained.files && (trained.intent ? trained.files.intent : true) && (trained.entities ? trained.files.entities : true)
      ? { files: trained.files }
      : { intent: trained.intent?.toJSON(), entities: trained.entities?.toJSON() };
    this.worker = new Worker(new URL(import.meta.url), { workerData: { [MARK]: true, ...source }, resourceLimits: { maxYoungGenerationSizeMb: 8 } });
    this.worker.unref(); // an idle worker never keeps the process alive
    this.worker.on('message', (m: Reply) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (this.pending.size === 0) this.worker.unref();
      if ('error' in m) {
        this.failed ??= new Error(m.error); // the engine then runs the models in its own thread
        p.reject(this.failed);
      }
      else p.resolve(m.out);
    });
    const fail = (err: Error) => {
      this.failed ??= err;
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`trained-models worker exited with code ${code}`)));
  }

  get usable(): boolean {
    return !this.failed;
  }

  run(texts: string[]): Promise<TrainedOutput> {
    if (this.failed) return Promise.reject(this.failed);
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.ref(); // keep the process alive while an answer is due
      this.worker.postMessage({ id, texts } satisfies Request);
    });
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}

if (!isMainThread && parentPort && (workerData as Record<string, unknown> | null)?.[MARK] === true) {
  const port = parentPort;
  const data = workerData as { files?: TrainedFiles; intent?: unknown; entities?: unknown };
  let intent: IntentModel | undefined, entities: EntityModel | undefined, loadError: string | undefined;
  try {
    ({ intent, entities } = data.files ? reloadTrainedModels(data.files)
      : { intent: data.intent ? loadIntentModel(data.intent) : undefined, entities: data.entities ? loadEntityModel(data.entities) : undefined });
  } catch (err) {
    loadError = (err as Error).message;
  }
  port.on('message', ({ id, texts }: Request) => {
    if (loadError) return port.postMessage({ id, error: loadError } satisfies Reply);
    try {
      const out: TrainedOutput = {
        ranked: texts.map((t) => intent?.predict(t).ranked),
        entities: texts.map((t) => entities?.predict(t)),
      };
      port.postMessage({ id, out } satisfies Reply);
    } catch (err) {
      port.postMessage({ id, error: (err as Error).message } satisfies Reply);
    }
  });
}
