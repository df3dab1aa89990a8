/**
 * The Twitch account's limits as every instance of the bot sees them together. Twitch counts an
 * account's messages and JOINs over all its connections, so when several instances share one
 * account, each line and each JOIN must also fit what the others already sent. One instance alone
 * needs none of this (its scheduler's own window is the whole account); the composition root
 * injects an implementation (Redis, data/redis/chat-budget.ts) only when instances share Redis.
 *
 * Every call checks and records in one step: a granted slot is already counted for everyone.
 */
export interface SharedChatBudget {
  /** One chat line to `channel`: the account's window, the channel's gap and the duplicate rule. */
  takeMessage(request: MessageSlot): Promise<BudgetAnswer>;
  /** One JOIN: the account's join window. */
  takeJoin(request: WindowSlot): Promise<BudgetAnswer>;
}

export interface WindowSlot {
  /** At most `limit` in any `windowMs` (already with the plan's headroom). */
  readonly limit: number;
  readonly windowMs: number;
}

export interface MessageSlot extends WindowSlot {
  readonly channel: string;
  readonly text: string;
  /** Minimum spacing in this channel (0 where the bot is privileged). */
  readonly gapMs: number;
  /** The same text in this channel within this time is refused (0 where the bot is privileged). */
  readonly duplicateWindowMs: number;
}

export type BudgetAnswer =
  | { readonly granted: true }
  | { readonly granted: false; readonly waitMs: number }
  | { readonly granted: false; readonly duplicate: true };

/** How long to back off when the shared budget can't be reached (then ask again; never send unchecked). */
export const BUDGET_UNREACHABLE_RETRY_MS = 500;
