/** One implicit-feedback event: an impression, click, claim, redemption or purchase. */
export interface Interaction {
  user: string;
  item: string;
  /** Milliseconds (or any monotonic unit); only the order matters. Out-of-order input is fine. */
  timestamp: number;
  /** Strength of the signal (a purchase counts more than a click). Default 1; must be > 0. */
  weight?: number;
}

export interface ScoredItem {
  itemId: string;
  score: number;
}

export type CollabAlgorithm = 'item-knn' | 'als' | 'popularity' | 'ease';

/** Per-request context for `recommend`. */
export interface RecommendOptions {
  /**
   * Multiplies the weight of these history items (e.g. what the person looked at or clicked in
   * this conversation: "another one like that"). Items absent weigh 1.
   */
  boost?: ReadonlyMap<string, number>;
}

/**
 * A trained collaborative model. `recommend` works from a history of item ids alone, so a user
 * unseen at training time (or one linked across platforms later) gets recommendations too.
 */
export interface CollabModel {
  readonly algorithm: CollabAlgorithm;
  /** Items the model knows (appeared in training). */
  readonly itemCount: number;
  /**
   * Up to k items, best first, never one in `history` or `exclude`. Unknown ids in the history
   * are ignored; when the history says too little, the rest is filled by popularity (score 0).
   */
  recommend(history: readonly string[], k: number, exclude?: Iterable<string>, options?: RecommendOptions): ScoredItem[];
  /** The k items most similar to `itemId`; [] for an unknown item. */
  similar(itemId: string, k: number): ScoredItem[];
  toJSON(): CollabModelJSON;
}

export interface CollabModelJSON {
  format: 'crossfeed-collab';
  version: 1;
  algorithm: CollabAlgorithm;
  items: string[];
  /** Per-algorithm arrays; typed arrays are stored as base64 of their little-endian bytes. */
  data: Record<string, string | number>;
}

/** Reports long work: `done` of `total` units in the named phase. */
export type ProgressCallback = (done: number, total: number, phase: string) => void;

export type CollabErrorCode = 'EMPTY_INPUT' | 'BAD_INTERACTION' | 'BAD_OPTIONS' | 'BAD_MODEL_JSON';

/** Errors with a stable code; tests assert on the code. */
export class CollabError extends Error {
  override readonly name = 'CollabError';
  constructor(readonly code: CollabErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
