import type { InteractionStore, InteractionType } from '../data/store.js';
import { train, type CollabModel } from '../recommender/collab/index.js';

/** How much each kind of engagement says about taste. */
const WEIGHTS: Partial<Record<InteractionType, number>> = { click: 1, claim: 2, redeem: 3, purchase: 4 };

export interface CollaborativeOptions {
  /** Engagements of the last this-many days train the model. */
  windowDays: number;
  maxInteractions: number;
  refreshMs: number;
}

export const DefaultCollaborativeOptions = { windowDays: 180, maxInteractions: 1_000_000, refreshMs: 10 * 60_000 } as const satisfies CollaborativeOptions;

/**
 * The collaborative model the live bot ranks with: item-item neighbours (recommender/collab,
 * chosen by measurement) trained from the interaction log at start and every `refreshMs` in the
 * background. Until there is anything to learn from it contributes nothing.
 */
export class CollaborativeSignals {
  private model: CollabModel | undefined;
  private timer: NodeJS.Timeout | undefined;
  lastTrainedAt: Date | undefined;
  trainedOn = 0;

  constructor(private readonly interactions: InteractionStore, private readonly o: CollaborativeOptions = DefaultCollaborativeOptions) {}

  async refresh(now = new Date()): Promise<void> {
    const rows = await this.interactions.allEngagements(new Date(now.getTime() - this.o.windowDays * 86_400_000), this.o.maxInteractions);
    this.trainedOn = rows.length;
    this.lastTrainedAt = now;
    if (rows.length === 0) {
      this.model = undefined;
      return;
    }
    this.model = train(rows.map((r) => ({ user: String(r.userId), item: r.itemId, timestamp: r.at, weight: WEIGHTS[r.type] ?? 1 })), { algorithm: 'item-knn' });
  }

  /** Retrains every `refreshMs`; failures are reported and the previous model kept. */
  start(onError: (err: unknown) => void): void {
    this.timer = setInterval(() => void this.refresh().catch(onError), this.o.refreshMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Item -> score in 0..1 for someone who engaged with `history` (newest first). */
  scores(history: readonly string[], k = 50): Map<string, number> | undefined {
    if (!this.model || history.length === 0) return undefined;
    const recs = this.model.recommend(history, k).filter((r) => r.score > 0);
    const top = recs[0]?.score ?? 0;
    return top > 0 ? new Map(recs.map((r) => [r.itemId, r.score / top])) : undefined;
  }
}
