import type { InteractionStore, InteractionType } from '../data/store.js';
import { train, type CollabModel, type Interaction } from '../recommender/collab/index.js';
import type { EaseOptions } from '../recommender/collab/ease.js';
import { LAMBDA_SEARCH_ITEMS, selectModel, type SelectableAlgorithm, type Selection, type ValidationFigures } from '../recommender/eval/select.js';

/** How much each kind of engagement says about taste. */
const WEIGHTS: Partial<Record<InteractionType, number>> = { click: 1, claim: 2, redeem: 3, purchase: 4 };

export interface CollaborativeOptions {
  /** Engagements of the last this-many days train the model. */
  windowDays: number;
  maxInteractions: number;
  refreshMs: number;
  /**
   * 'background' (default): item-kNN is trained at once, then popularity, item-kNN and EASE are
   * compared on the log's own time split in the background and the best is served when ready.
   * 'await': refresh() waits for the choice (tests, CLI). 'off': item-kNN only, as before.
   */
  selection?: 'background' | 'await' | 'off';
  /** Weight of items engaged with in this conversation relative to older history (measured: docs/recommender.md). */
  sessionBoost?: number;
  ease?: EaseOptions;
  /** One line per model choice (the figures behind it) and per failure. */
  log?: (line: string) => void;
}

export const DefaultCollaborativeOptions: CollaborativeOptions & Required<Pick<CollaborativeOptions, 'selection' | 'sessionBoost'>> = {
  windowDays: 180, maxInteractions: 1_000_000, refreshMs: 10 * 60_000, selection: 'background', sessionBoost: 3,
};

/** What the bot serves and why: the status it exposes (collaborative.status()). */
export interface CollaborativeStatus {
  served: SelectableAlgorithm | 'none';
  trainedOn: number;
  lastTrainedAt?: string;
  /** The last model choice: validation recall@k per model, EASE's lambda, when it was made. */
  choice?: { at: string; k: number; validationUsers: number; figures: ValidationFigures[]; lambda?: number; seconds: number };
  choosing: boolean;
}

/**
 * The collaborative model the live bot ranks with, retrained from the interaction log at start and
 * every `refreshMs` in the background. Which model is served (popularity, item-kNN or EASE) is
 * chosen by measurement on this deployment's own log: each user's latest engagement is held out,
 * and the best recall@10 wins (recommender/eval/select.ts). EASE trains in a worker thread.
 * Until there is anything to learn from it contributes nothing.
 */
export class CollaborativeSignals {
  private model: CollabModel | undefined;
  private timer: NodeJS.Timeout | undefined;
  private choosing: Promise<void> | undefined;
  private choice: CollaborativeStatus['choice'];
  private generation = 0;
  private readonly o: CollaborativeOptions & Required<Pick<CollaborativeOptions, 'selection' | 'sessionBoost'>>;
  private known = new Set<string>();
  private readonly stopping = new AbortController();
  lastTrainedAt: Date | undefined;
  trainedOn = 0;

  constructor(private readonly interactions: InteractionStore, options: CollaborativeOptions = DefaultCollaborativeOptions) {
    this.o = { ...DefaultCollaborativeOptions, ...options };
  }

  get served(): SelectableAlgorithm | 'none' {
    return (this.model?.algorithm as SelectableAlgorithm | undefined) ?? 'none';
  }

  status(): CollaborativeStatus {
    return {
      served: this.served, trainedOn: this.trainedOn, choosing: this.choosing !== undefined,
      ...(this.lastTrainedAt ? { lastTrainedAt: this.lastTrainedAt.toISOString() } : {}),
      ...(this.choice ? { choice: this.choice } : {}),
    };
  }

  async refresh(now = new Date()): Promise<void> {
    const rows = await this.interactions.allEngagements(new Date(now.getTime() - this.o.windowDays * 86_400_000), this.o.maxInteractions);
    this.trainedOn = rows.length;
    this.lastTrainedAt = now;
    const generation = ++this.generation;
    if (rows.length === 0) {
      this.model = undefined;
      this.known = new Set();
      return;
    }
    this.known = new Set(rows.map((r) => r.itemId));
    const log: Interaction[] = rows.map((r) => ({ user: String(r.userId), item: r.itemId, timestamp: r.at, weight: WEIGHTS[r.type] ?? 1 }));
    // Item-kNN at once (fast), unless a chosen model is being kept warm: then the choice below replaces it.
    if (!this.model || this.o.selection === 'off' || this.model.algorithm === 'item-knn') this.model = train(log, { algorithm: 'item-knn' });
    if (this.o.selection === 'off' || this.choosing || this.stopping.signal.aborted) return;
    const run = this.choose(log, generation, now).finally(() => { this.choosing = undefined; });
    this.choosing = run;
    if (this.o.selection === 'await') await run;
    else run.catch((err) => { if (!this.stopping.signal.aborted) this.o.log?.(`collaborative model choice failed, serving ${this.served}: ${String(err)}`); });
  }

  /** Resolves when a running model choice (if any) is done. */
  async settled(): Promise<void> {
    await this.choosing?.catch(() => undefined);
  }

  private async choose(log: Interaction[], generation: number, now: Date): Promise<void> {
    const t0 = Date.now();
    // After the first choice, lambda is re-checked around the last one (3 solves) instead of a full grid.
    // Above 5,000 items (a solve takes minutes) only the last lambda is re-validated.
    const last = this.choice?.lambda;
    const recheck = last === undefined ? undefined : (this.model?.itemCount ?? 0) > LAMBDA_SEARCH_ITEMS.short ? [last] : [last / 2, last, last * 2];
    const s: Selection = await selectModel(log, { k: 10, signal: this.stopping.signal, ...(this.o.ease ? { ease: this.o.ease } : {}), ...(recheck ? { lambdas: recheck } : {}) });
    if (generation !== this.generation && this.trainedOn === 0) return; // emptied meanwhile
    this.model = s.model;
    this.choice = {
      at: now.toISOString(), k: s.k, validationUsers: s.validationUsers, figures: s.figures, seconds: (Date.now() - t0) / 1000,
      ...(s.lambda !== undefined ? { lambda: s.lambda } : {}),
    };
    const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
    const figures = s.figures.map((f) => (f.skipped ? `${f.algorithm} skipped (${f.skipped})` : `${f.algorithm} ${pct(f.recall)}${f.lambda !== undefined ? ` (lambda ${f.lambda})` : ''}`)).join(', ');
    this.o.log?.(`collaborative model: serving ${s.served}, validation recall@${s.k} on ${s.validationUsers} users' latest engagements: ${figures || 'no held-out users yet'} (${this.choice.seconds.toFixed(1)} s)`);
  }

  /** Whether the model has seen the item (it has engagements); others get a content-based stand-in (recommender/cold-start.ts). */
  knows(itemId: string): boolean {
    return this.known.has(itemId);
  }

  /** Retrains every `refreshMs`; failures are reported and the previous model kept. */
  start(onError: (err: unknown) => void): void {
    this.timer = setInterval(() => void this.refresh().catch(onError), this.o.refreshMs);
    this.timer.unref();
  }

  /** Stops retraining and terminates a running EASE solve, so shutting down never waits for it. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.stopping.abort();
  }

  /**
   * Item -> score in 0..1 for someone who engaged with `history`. `session`: the items among them
   * engaged with in this conversation, which weigh `sessionBoost` times more ("another one like that").
   */
  scores(history: readonly string[], k = 50, session: readonly string[] = []): Map<string, number> | undefined {
    if (!this.model || history.length === 0) return undefined;
    const boost = session.length ? new Map(session.map((id) => [id, this.o.sessionBoost])) : undefined;
    const recs = this.model.recommend(history, k, [], boost ? { boost } : {}).filter((r) => r.score > 0);
    const top = recs[0]?.score ?? 0;
    return top > 0 ? new Map(recs.map((r) => [r.itemId, r.score / top])) : undefined;
  }
}
