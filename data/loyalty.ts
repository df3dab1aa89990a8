/**
 * Loyalty storage: an append-only points ledger with a cached balance per user, daily check-ins,
 * and a rewards exchange. Part of `Store` (data/store.ts); SQLite implements it in
 * data/sqlite/points-ledger.ts. Balances belong to the internal user id, so identities linked
 * across platforms share one balance.
 */

/** Why points moved. Stable codes: exports and tests use them. */
export type PointsReason = 'checkin' | 'chat' | 'redeem' | 'grant' | 'revoke';

export interface PointsEntry {
  id: number;
  userId: number;
  /** Never 0; negative for redemptions and revocations. */
  delta: number;
  reason: PointsReason;
  /** Free text: an admin's reason, the reward redeemed, the streak day. */
  note: string | null;
  /** Unique across the ledger: the same key is never applied twice. */
  key: string;
  platform: string | null;
  channel: string | null;
  /** Who granted or revoked (admin changes only), e.g. `cli:alice` or `twitch:1234`. */
  actor: string | null;
  createdAt: string;
}

export interface PointsChange {
  userId: number;
  delta: number;
  reason: PointsReason;
  key: string;
  note?: string | undefined;
  platform?: string | undefined;
  channel?: string | undefined;
  actor?: string | undefined;
}

export type PointsErrorCode =
  | 'insufficient' // the change would take the balance below zero
  | 'key_conflict' // the key was already used for a different change
  | 'invalid'; // delta 0 or not an integer

export type ApplyResult =
  | { ok: true; status: 'applied' | 'repeat'; entry: PointsEntry; balance: number }
  | { ok: false; error: PointsErrorCode; balance: number };

/** Check-in rules in force where the user checks in (bot config `loyalty`, per channel). */
export interface CheckinRules {
  /** IANA time zone whose calendar day counts (`UTC`, `Asia/Shanghai`). */
  timeZone: string;
  /** Points for any check-in. */
  points: number;
  /** Extra points per consecutive day after the first... */
  streakBonus: number;
  /** ...up to this many extra points. */
  maxStreakBonus: number;
}

export interface CheckinRequest {
  userId: number;
  at: Date;
  rules: CheckinRules;
  platform: string;
  channel: string;
}

export type CheckinResult =
  | { status: 'checked_in'; day: string; streak: number; points: number; balance: number }
  | { status: 'already'; day: string; streak: number; balance: number };

export type RewardKind = 'coupon' | 'code';

export interface Reward {
  /** Short slug typed in `!redeem <id>`; unique. */
  id: string;
  name: string;
  price: number;
  /** Left to redeem; null = unlimited (a coupon reward is still limited by the coupon's own stock). */
  stock: number | null;
  kind: RewardKind;
  /** kind 'coupon': the catalog coupon item a fresh code is claimed from. */
  couponItemId: string | null;
  /** kind 'code': the discount code handed out (e.g. a partner's course code). */
  code: string | null;
  /** `platform:channel` it is offered in; null = everywhere. */
  scope: string | null;
  active: boolean;
}

export interface NewReward {
  id: string;
  name: string;
  price: number;
  stock?: number | null;
  kind: RewardKind;
  couponItemId?: string;
  code?: string;
  scope?: string | null;
}

export interface RedeemRequest {
  userId: number;
  rewardId: string;
  /** Unique per user request (chat message id, button interaction); the same id gets the same answer. */
  requestId: string;
  platform: string;
  channel: string;
}

export type RedeemErrorCode =
  | 'unknown_reward'
  | 'out_of_stock' // the reward's stock, or its coupon's
  | 'insufficient'
  | 'coupon_unavailable' // the coupon behind the reward expired, was removed, or the user's per-user limit is reached
  | 'request_id_conflict';

export type RedeemResult =
  | { ok: true; status: 'redeemed' | 'repeat'; rewardId: string; rewardName: string; code: string; price: number; balance: number }
  | { ok: false; error: RedeemErrorCode; balance: number };

export interface Mismatch { userId: number; cached: number | null; ledger: number }

export interface LeaderboardRow { userId: number; displayName: string | null; points: number }

export interface PointsLedger {
  balance(userId: number): Promise<number>;
  /** One change, atomically with the cached balance; a repeated key answers the first outcome. */
  apply(change: PointsChange): Promise<ApplyResult>;
  /** Many changes in one transaction (imports, tests); each is judged as `apply` would. */
  applyMany(changes: readonly PointsChange[]): Promise<ApplyResult[]>;
  /** At most one credit per user per calendar day (in `rules.timeZone`), with the streak bonus. */
  checkIn(request: CheckinRequest): Promise<CheckinResult>;
  /** Deducts the price and issues the code in one transaction; idempotent by `requestId`. */
  redeem(request: RedeemRequest): Promise<RedeemResult>;
  entries(o?: { userId?: number; afterId?: number; limit?: number }): Promise<PointsEntry[]>;
  /** Top balances; with `channel` (`platform:channel`), net points earned there instead. */
  leaderboard(o?: { limit?: number; scope?: string }): Promise<LeaderboardRow[]>;
  /** The user behind a platform login or display name (case-insensitive), for admin grants by @name. */
  findUser(platform: string, name: string): Promise<number | undefined>;
  /** Every user whose cached balance differs from the sum of their ledger entries (empty = consistent). */
  reconcile(): Promise<Mismatch[]>;
}

export interface RewardCatalog {
  /** Adds a reward or replaces its terms (stock included). */
  put(reward: NewReward): Promise<void>;
  get(id: string): Promise<Reward | undefined>;
  /** Active rewards offered in `scope` (`platform:channel`) plus those offered everywhere; all when omitted. */
  list(scope?: string): Promise<Reward[]>;
  /** Stops offering it (redemptions stay in the ledger); false when unknown. */
  deactivate(id: string): Promise<boolean>;
}

export interface LoyaltyStore {
  readonly points: PointsLedger;
  readonly rewards: RewardCatalog;
}
