/**
 * Partners, their campaigns and the spend ledger. Part of `Store` (data/store.ts); SQLite
 * implements it in data/sqlite/campaign-repo.ts and data/sqlite/spend-ledger.ts. Policy on top
 * (eligibility, pacing) is pure code in recommender/campaigns/.
 *
 * Money is integer minor units (cents, fen) with its ISO 4217 currency, never a float.
 */

export type PricingModel = 'click' | 'claim' | 'conversion';
export type CampaignStatus = 'active' | 'paused';
export type Pacing = 'even' | 'asap';

export const PRICING_MODELS: readonly PricingModel[] = ['click', 'claim', 'conversion'];

export interface Partner {
  id: string;
  name: string;
  createdAt: string;
}

/** Who may be shown a campaign's items. An empty or absent list means "any". */
export interface Targeting {
  platforms?: string[];
  /** `platform:channel` or a bare channel name (any platform). */
  channels?: string[];
  cities?: string[];
  topics?: string[];
  languages?: ('en' | 'zh')[];
}

/** Per-person limits on impressions of the campaign's items. */
export interface FrequencyCap {
  perUserPerDay?: number;
  perUserTotal?: number;
}

export interface CampaignInput {
  partnerId: string;
  name: string;
  itemIds: string[];
  startsAt: string;
  endsAt: string;
  currency: string;
  /** Minor units. */
  totalBudget: number;
  /** Minor units; null for no daily limit. */
  dailyBudget: number | null;
  pricing: PricingModel;
  /** Minor units charged per billable event. */
  price: number;
  pacing: Pacing;
  /** IANA zone the campaign's days (daily budget, pacing) are counted in. */
  timeZone: string;
  targeting: Targeting;
  frequencyCap: FrequencyCap;
}

export interface Campaign extends CampaignInput {
  id: number;
  status: CampaignStatus;
  createdAt: string;
  updatedAt: string;
}

/** A campaign with what it has spent (ledger totals; the day is the campaign's own). */
export interface CampaignWithSpend extends Campaign {
  spentTotal: number;
  spentToday: number;
  billedEvents: number;
}

/** What happened to one billable event. */
export type SpendOutcome = 'billed' | 'over_budget' | 'over_daily' | 'paused' | 'not_running';

export interface SpendEntry {
  id: number;
  campaignId: number;
  eventKey: string;
  eventType: PricingModel;
  itemId: string;
  userId: number | null;
  platform: string;
  channel: string;
  /** Minor units; 0 unless billed. */
  amount: number;
  currency: string;
  outcome: SpendOutcome;
  createdAt: string;
}

export interface CampaignStore {
  putPartner(id: string, name: string): Promise<Partner>;
  partners(): Promise<Partner[]>;
  partner(id: string): Promise<Partner | undefined>;
  /** Validated input (recommender/campaigns/schema.ts). Items must exist. */
  create(input: CampaignInput): Promise<Campaign>;
  update(id: number, input: CampaignInput): Promise<Campaign | undefined>;
  setStatus(id: number, status: CampaignStatus): Promise<boolean>;
  get(id: number, now?: Date): Promise<CampaignWithSpend | undefined>;
  /** Every campaign (or one partner's), with spend as of `now`. */
  list(filter?: { partnerId?: string }, now?: Date): Promise<CampaignWithSpend[]>;
  /** Campaigns that contain any of `itemIds`, with spend as of `now` (the eligibility inputs). */
  forItems(itemIds: readonly string[], now?: Date): Promise<CampaignWithSpend[]>;
  /** Impressions of each campaign's items shown to `userId`, since `since` and in all. */
  userImpressions(userId: number, campaignIds: readonly number[], since: Date): Promise<Map<number, { sinceCount: number; total: number }>>;
  /** The ledger, oldest first (reconciliation, exports). */
  ledger(filter?: { campaignId?: number; partnerId?: string }): Promise<SpendEntry[]>;
}

/** A campaign input that failed validation: every problem names its field. */
export class CampaignValidationError extends Error {
  readonly code = 'CF_CAMPAIGN_INVALID';
  constructor(readonly issues: readonly { field: string; message: string }[]) {
    super(issues.map((i) => `${i.field}: ${i.message}`).join('; '));
  }
}
