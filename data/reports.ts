/**
 * Read-only aggregates for reports and the dashboard (SQLite: data/sqlite/report-repo.ts). Each
 * query covers whole UTC days [from, to) (from and to are UTC midnights; daily rollups answer
 * them) and may be scoped to one partner's campaign items, which is how a partner login sees
 * only its own numbers.
 */

export interface ReportScope {
  from: Date;
  to: Date;
  /** Only items of this partner's campaigns. */
  partnerId?: string;
  /** Only items of this campaign. */
  campaignId?: number;
}

/** Event counts of one group key. */
export interface EventCounts {
  impressions: number;
  clicks: number;
  claims: number;
  /** Partner-confirmed redemptions and purchases. */
  conversions: number;
}

export interface SpendByKey {
  key: string;
  currency: string;
  /** Minor units billed. */
  amount: number;
  billedEvents: number;
}

export interface PersonRecord {
  userId: number;
  identities: { platform: string; displayName: string }[];
  /** Dialogue state per conversation (owned by bot/), as stored. */
  conversations: { platform: string; channel: string; state: unknown; messages: number }[];
  /** Engagements per item: clicks, claims, redemptions, purchases. */
  engagements: { itemId: string; n: number }[];
  points: number;
}

export type SqlGroup = 'item' | 'platform' | 'channel';

/** Impressions logged with a ranking decision; w = 1 / logged propensity. */
export interface DecisionSums {
  variant: string;
  itemId: string;
  /**
   * The ranking without exploration shows the item: its logged base rank is within the slots shown
   * (exact); impressions logged before base ranks were (migration 12) fall back to propensity >= 0.5.
   */
  baseTop: boolean;
  impressions: number;
  clicks: number;
  sumW: number;
  sumW2: number;
  sumWClick: number;
  sumW2Click: number;
}

export interface ReportStore {
  /** Counts grouped by item id, platform, or `platform:channel`. */
  counts(scope: ReportScope, group: SqlGroup): Promise<({ key: string } & EventCounts)[]>;
  /** Billed spend grouped by campaign id, item id, platform or `platform:channel`. */
  spend(scope: ReportScope, group: SqlGroup | 'campaign'): Promise<SpendByKey[]>;
  /** Counts and spend (minor units, all currencies added) per UTC day (overview chart). */
  series(scope: ReportScope): Promise<({ at: string; spend: number } & EventCounts)[]>;
  /** Logged ranking decisions per variant, item and whether the ranking without exploration shows it, with IPS sums. */
  decisions(scope: ReportScope): Promise<DecisionSums[]>;
  /**
   * User lines since `since` the bot could not answer (out of scope or unsure, confidence < 0.5)
   * or answered with FAQ choices, newest first.
   */
  unanswered(since: Date, limit: number): Promise<{ text: string; platform: string; channel: string; at: string; intent: string | null }[]>;
  /** What the bot said lately, newest first, with where. */
  activity(limit: number): Promise<{ platform: string; channel: string; role: string; text: string; at: string }[]>;
  /** Everything kept about the person behind a platform identity ("what do you know about me"). */
  person(platform: string, platformUserId: string): Promise<PersonRecord | undefined>;
  /** Item ids -> campaign ids (and partner) for the campaigns in scope. */
  campaignItems(scope: Pick<ReportScope, 'partnerId' | 'campaignId'>): Promise<{ campaignId: number; partnerId: string; itemId: string }[]>;
}
