import type { ItemKind, Level } from '../data/catalog/types.js';

/** The one adult age: insurance is suggested only to people who said they are at least this old. */
export const ADULT_AGE = 18;

/** A money limit as the recommender needs it (the NLU's Budget has the same fields). */
export interface PriceLimit {
  currency: string;
  min?: number;
  max?: number;
}

/** What the user asked for, after dialogue state filled in the gaps. Plain data, easy to store. */
export interface RecommendRequest {
  kind: ItemKind;
  /** The user's words, for lexical relevance. */
  text: string;
  topic?: string;
  level?: Level;
  budget?: PriceLimit;
  /**
   * A price ceiling the user did not state ("cheaper than those": below the cheapest shown). A
   * hard filter like the budget, but never called "your budget" and never kept for later turns.
   */
  ceiling?: PriceLimit;
  /** A refinement: the topic is the thread of the conversation and is never relaxed. */
  keepTopic?: boolean;
  /** Teaching language asked for explicitly: a hard filter. */
  language?: 'en' | 'zh';
  /** Language the user writes in: a soft preference. */
  userLanguage?: 'en' | 'zh';
  location?: string;
  cuisine?: string;
  brand?: string;
  insuranceType?: string;
  age?: number;
  region?: string;
  /** Items already shown in this conversation ("another one"). */
  excludeIds?: string[];
  /**
   * False when sponsored placements must not be shown (the user opted out of promotions, or a
   * promotion cap is reached): only unsponsored items are suggested. Insurance the user asked
   * for is an answer, not a promotion, and stays available (always with its disclosure).
   */
  allowSponsored?: boolean;
  /** Items a campaign does not allow here and now (bot/stages/campaigns.ts): never suggested. */
  blockedIds?: string[];
}

export interface Suggestion {
  itemId: string;
  score: number;
  /** One line on why it fits. */
  reason: string;
  /** What the reason says, as a key (insurance: the suitability feature), so it can be said in any language. */
  reasonKey?: string;
  /** When chosen by exploration: the probability the policy shows this item (logged for fair comparison). */
  propensity?: number;
  /** Where the ranking without exploration put this item (0 = first): logged so a no-exploration policy is evaluated exactly. */
  baseRank?: number;
}

export interface RecommendResult {
  suggestions: Suggestion[];
  /** Filters dropped to find anything (never budget, age or eligibility). */
  relaxed: ('level' | 'language' | 'topic')[];
  /** True when Thompson sampling chose among near-ties. */
  explored?: boolean;
}
