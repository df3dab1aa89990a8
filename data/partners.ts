/**
 * Partner-facing storage: the coupon ledger (claims) and tracking (impression tokens, clicks,
 * signed partner postbacks). Part of `Store` (data/store.ts); SQLite implements both in
 * data/sqlite/coupon-ledger.ts and data/sqlite/tracking-repo.ts.
 */

export interface ClaimRequest {
  itemId: string;
  /** Internal user id (`ConversationStore.resolveUser`). */
  userId: number;
  /** Unique per user request (e.g. the chat message id); the same id always gets the same answer. */
  requestId: string;
  /** Where the claim happened; recorded with the 'claim' interaction and the later 'redeem'. */
  platform: string;
  channel: string;
}

/** Why a claim was refused. Stable codes: the bot and the tests branch on them. */
export type ClaimErrorCode =
  | 'unknown_item' // no such item, or removed from the catalog (inactive)
  | 'not_a_coupon'
  | 'expired'
  | 'limit_reached' // the user already holds per_user_limit codes of this coupon
  | 'out_of_stock'
  | 'request_id_conflict'; // the request id was already used by another user or item

export type ClaimResult =
  | { ok: true; status: 'claimed' | 'repeat'; code: string; itemId: string; claimedAt: string }
  | { ok: false; error: ClaimErrorCode };

export interface CouponCode {
  code: string;
  itemId: string;
  userId: number;
  requestId: string;
  claimedAt: string;
  redeemedAt: string | null;
}

export interface CouponLedger {
  /**
   * Claims one code: stock goes down by exactly one, per-user limit and expiry are enforced, and
   * a repeated `requestId` returns the first answer's code without touching stock. Safe across
   * processes sharing the database file (one BEGIN IMMEDIATE transaction per claim).
   */
  claim(request: ClaimRequest): Promise<ClaimResult>;
  find(code: string): Promise<CouponCode | undefined>;
  /** The codes one user holds, newest first (`!mycodes`, and a repeated claim shows the held code). */
  held(userId: number, limit?: number): Promise<CouponCode[]>;
}

export interface NewImpression {
  itemId: string;
  userId: number | null;
  platform: string;
  channel: string;
  /**
   * The ranking decision behind the impression, for fair comparison of variants: the user's A/B
   * variant, the 0-based position, and the probability the policy shows this item (1 when the
   * ranking was deterministic); `baseRank`: where the ranking without exploration put the item (0 = first)
   * and `slots`: how many it shows, so a no-exploration policy is evaluated exactly (it shows the item iff baseRank < slots).
   */
  decision?: { variant: string; position: number; propensity: number; template?: string; baseRank?: number; slots?: number };
}

export interface Impression extends NewImpression {
  token: string;
  createdAt: string;
  clickedAt: string | null;
  /** The catalog's link for the item: the only place `/r/<token>` redirects to. */
  link: string;
  /** False once the item was removed from the catalog. */
  itemActive: boolean;
}

/** A partner's report, already authenticated and validated (adapters/web/postback.ts). */
export type PartnerEvent =
  | { type: 'redemption'; eventId: string; timestamp: string; code: string }
  | {
    type: 'purchase'; eventId: string; timestamp: string;
    /** Impression token from the tracked link, for attribution to the user who clicked. */
    token?: string;
    itemId?: string;
    amount?: number;
    currency?: string;
  };

export type PartnerEventError =
  | 'unknown_code'
  | 'foreign_code' // the code belongs to another partner's coupon
  | 'already_redeemed' // a different event already redeemed this code
  | 'unknown_token'
  | 'unknown_item'
  | 'item_mismatch'; // token and itemId name different items

export type PartnerEventOutcome =
  | { status: 'accepted'; itemId: string; userId: number | null }
  | { status: 'duplicate' }
  | { status: 'rejected'; error: PartnerEventError };

export interface TrackingStore {
  /** A fresh unguessable, URL-safe token for one shown card (the link becomes `/r/<token>`). */
  createImpression(impression: NewImpression): Promise<string>;
  resolve(token: string): Promise<Impression | undefined>;
  /** Marks the impression clicked; true only for its first click, which alone records a 'click' interaction. */
  recordClick(token: string): Promise<boolean>;
  /** Cards shown and clicked per reply template since `since` (exploration over wordings). */
  templateStats(since: Date): Promise<{ template: string; impressions: number; clicks: number }[]>;
  /**
   * Applies a partner's event at most once per (partner, eventId), in one transaction with its
   * effect: a redemption marks the code redeemed and records 'redeem'; a purchase records
   * 'purchase'. A rejected event is not remembered, so the partner may correct and resend it.
   * `partnerNames` are the coupon `partner` values this partner may redeem codes of.
   */
  recordPartnerEvent(partner: string, partnerNames: readonly string[], event: PartnerEvent): Promise<PartnerEventOutcome>;
}
