/**
 * A worker thread that runs the entity side of NluEngine.parseBatch (the shipped transformers.js
 * tagger and the TypeScript-trained entity model) while the engine's own thread runs the intent
 * side (the transformers.js classifier, the TypeScript intent ensemble, rules). onnxruntime runs a
 * session synchronously on the calling thread, so on a 2-core machine this is how both cores work
 * on one batch; the two halves cost about the same. Same code, files and batches as in the main
 * thread, so results are identical.
 */
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { loadEntityModel, type EntityModel, type PredictedEntity } from './entities-train/index.js';
import { loadTokenTagger, type ModelOptions, type TaggedGroup, type TokenTagger } from './models.js';
import { reloadTrainedModels, type TrainedFiles, type TrainedModels } from './trained-models.js';

export interface EntityOutput {
  /** The transformers.js tagger's groups per text. */
  groups: TaggedGroup[][];
  /** `entities.predict(text)` per text, when there is a TypeScript-trained entity model. */
  entities: (PredictedEntity[] | undefined)[];
}

interface Setup {
  /** Where the shipped tagger loads from (the engine's options). */
  tagger: ModelOptions;
  files?: TrainedFiles;
  entities?: unknown;
}
interface Request { id: number; texts: string[] }
const MARK = 'crossfeedEntityWorker';
type Reply = { id: number; out: EntityOutput } | { id: number; error: string } | { ready: true } | { loadError: string };

/** The main thread's handle: `run` resolves with the entity models' output for the texts, in order. */
export class EntityWorker {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (o: EntityOutput) => void; reject: (e: Error) => void }>();
  private next = 0;
  private failed: Error | undefined;
  /** Resolves once the models are loaded in the worker; rejects if they cannot be. */
  readonly ready: Promise<void>;

  constructor(tagger: ModelOptions, trained: TrainedModels) {
    // A model read from a file is read again there (cheap); one built in memory travels as JSON.
    const entities: Pick<Setup, 'files' | 'entities'> = !trained.entities ? {}
      : trained.files?.entities ? { files: { entities: trained.files.entities } }
      : { entities: trained.entities.toJSON() };
    const setup: Setup = { tagger, ...entities };
    this.worker = new Worker(new URL(import.meta.url), { workerData: { [MARK]: true, ...setup }, resourceLimits: { maxYoungGenerationSizeMb: 8 } });
    let loaded: { resolve: () => void; reject: (e: Error) => void };
    this.ready = new Promise((resolve, reject) => void (loaded = { resolve, reject }));
    this.ready.catch(() => undefined); // a caller that never awaits it sees the failure through run()
    this.worker.on('message', (m: Reply) => {
      if ('ready' in m) {
        this.worker.unref(); // an idle worker never keeps the process alive
        return loaded.resolve();
      }
      if ('loadError' in m) {
        this.failed ??= new Error(m.loadError);
        return loaded.reject(this.failed);
      }
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
      loaded.reject(err);
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`entity worker exited with code ${code}`)));
  }

  get usable(): boolean {
    return !this.failed;
  }

  run(texts: string[]): Promise<EntityOutput> {
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
  const setup = workerData as Setup;
  const ready: Promise<{ tagger: TokenTagger; entities: EntityModel | undefined }> = (async () => ({
    tagger: await loadTokenTagger('entities', setup.tagger),
    entities: setup.files ? reloadTrainedModels(setup.files).entities : setup.entities ? loadEntityModel(setup.entities) : undefined,
  }))();
  ready.then(() => port.postMessage({ ready: true } satisfies Reply), (err: unknown) => port.postMessage({ loadError: (err as Error).message } satisfies Reply));
  port.on('message', ({ id, texts }: Request) => {
    ready.then(async ({ tagger, entities }) => {
      const out: EntityOutput = {
        groups: await tagger(texts, { aggregation_strategy: 'simple' }),
        entities: texts.map((t) => entities?.predict(t)),
      };
      port.postMessage({ id, out } satisfies Reply);
    }).catch((err: unknown) => port.postMessage({ id, error: (err as Error).message } satisfies Reply));
  });
}
