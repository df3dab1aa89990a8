/**
 * Read-only aggregates for reports and the dashboard (SQLite: data/sqlite/report-repo.ts). Each
 * query covers a half-open time range [from, to) and may be scoped to one partner's campaign
 * items, which is how a partner login sees only its own numbers.
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

export type SqlGroup = 'item' | 'platform' | 'channel';

export interface ReportStore {
  /** Counts grouped by item id, platform, or `platform:channel`. */
  counts(scope: ReportScope, group: SqlGroup): Promise<({ key: string } & EventCounts)[]>;
  /** Billed spend grouped by campaign id, item id, platform or `platform:channel`. */
  spend(scope: ReportScope, group: SqlGroup | 'campaign'): Promise<SpendByKey[]>;
  /** Counts and spend per UTC day or hour (overview chart). */
  series(scope: ReportScope, bucket: 'day' | 'hour'): Promise<({ at: string; spend: number } & EventCounts)[]>;
  /** Logged ranking decisions, aggregated: impressions and clicks per variant, item and propensity. */
  decisions(scope: ReportScope): Promise<{ variant: string; itemId: string; propensity: number; impressions: number; clicks: number }[]>;
  /** Item ids -> campaign ids (and partner) for the campaigns in scope. */
  campaignItems(scope: Pick<ReportScope, 'partnerId' | 'campaignId'>): Promise<{ campaignId: number; partnerId: string; itemId: string }[]>;
}
