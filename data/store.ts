import type { CampaignStore } from './campaigns.js';
import type { CatalogItem, ItemKind } from './catalog/types.js';
import type { ReportStore } from './reports.js';
import type { LoyaltyStore } from './loyalty.js';
import type { CouponLedger, TrackingStore } from './partners.js';
import type { AgentStore, FaqStore, PrivacyStore, SupportQueue } from './support.js';

/**
 * The storage interface the rest of crossfeed talks to. SQLite implements it by default
 * (data/sqlite/); a server database can implement it when one machine is not enough.
 */

export type MessageRole = 'user' | 'bot' | 'agent';
export type InteractionType = 'impression' | 'click' | 'claim' | 'redeem' | 'purchase';

export interface StoredMessage {
  id: number;
  role: MessageRole;
  text: string;
  /** Cards as rendered to the user, stored as given. */
  cards: unknown[];
  intent: string | null;
  confidence: number | null;
  clientId: string | null;
  createdAt: string;
}

export interface NewMessage {
  role: MessageRole;
  text: string;
  cards?: readonly unknown[];
  intent?: string | null;
  confidence?: number | null;
  clientId?: string | null;
}

export interface Conversation {
  id: number;
  userId: number;
  /** Dialogue state owned by bot/, stored as JSON. */
  state: unknown;
}

export interface CatalogStore {
  /** Adds or replaces items, all in one transaction. */
  upsert(items: readonly CatalogItem[], onProgress?: (done: number, total: number) => void): Promise<void>;
  list(kind?: ItemKind): Promise<CatalogItem[]>;
  get(id: string): Promise<CatalogItem | undefined>;
  count(): Promise<number>;
  /** Takes an item out of the catalog (or back in); true when it exists. Claimed codes stay valid. */
  setActive(id: string, active: boolean): Promise<boolean>;
  /** Goes up with every change to an item, whoever makes it; running bots reload when it moves. */
  version(): Promise<number>;
}

export interface ConversationStore {
  /** Finds or creates the user behind a platform identity. */
  resolveUser(platform: string, platformUserId: string, displayName: string): Promise<number>;
  open(platform: string, channel: string, userId: number): Promise<Conversation>;
  /** The conversation of a platform identity in a channel, without creating anything. */
  find(platform: string, channel: string, platformUserId: string): Promise<number | undefined>;
  append(conversationId: number, message: NewMessage): Promise<StoredMessage>;
  /** The newest `limit` messages, oldest first. */
  recent(conversationId: number, limit: number): Promise<StoredMessage[]>;
  saveState(conversationId: number, state: unknown): Promise<void>;
}

export interface InteractionStore {
  record(event: { userId: number | null; itemId: string; type: InteractionType; platform: string; channel: string }): Promise<void>;
  count(itemId: string, type: InteractionType): Promise<number>;
  /** Sponsored items shown since `since`, for one user and/or one channel (promotion caps). */
  countSponsoredImpressions(filter: { since: Date; userId?: number; platform?: string; channel?: string }): Promise<number>;
  /** The user's newest engagements (clicks, claims, redemptions, purchases), newest first. */
  engagements(userId: number, limit: number): Promise<{ itemId: string; type: InteractionType }[]>;
  /** Items people engaged with in a channel since `since`, most first. */
  channelFavourites(platform: string, channel: string, since: Date, limit: number): Promise<{ itemId: string; n: number }[]>;
  /** Everyone's engagements since `since`, oldest first, at most `limit` (collaborative training). */
  allEngagements(since: Date, limit: number): Promise<{ userId: number; itemId: string; type: InteractionType; at: number }[]>;
  /** Impressions and clicks per item since `since` (exploration statistics). */
  itemStats(since: Date): Promise<{ itemId: string; impressions: number; clicks: number }[]>;
}

export type LinkResult =
  | { status: 'linked' | 'already_linked'; userId: number }
  | { status: 'invalid' | 'expired' | 'platform_taken' };

/** One person across platforms: identities join a user through a one-time code. */
export interface IdentityStore {
  /** A code for `userId` to type on another platform. */
  createLinkCode(userId: number, ttlMs?: number, now?: Date): Promise<string>;
  /** Moves the identity (and what it did) to the code's user. */
  redeemLinkCode(code: string, platform: string, platformUserId: string, now?: Date): Promise<LinkResult>;
}

/** A channel the bot joins, added at run time (`crossfeed channels add`), with its own settings. */
export interface ChannelRecord {
  platform: string;
  name: string;
  /** Owned by bot/ (command prefix, unaddressed questions); stored as JSON. */
  settings: Record<string, unknown>;
  addedAt: string;
}

export interface ChannelStore {
  list(platform?: string): Promise<ChannelRecord[]>;
  /** Adds the channel or replaces its settings. */
  put(platform: string, name: string, settings: Record<string, unknown>): Promise<void>;
  /** True when a channel was removed. */
  remove(platform: string, name: string): Promise<boolean>;
}

export interface Store {
  readonly catalog: CatalogStore;
  readonly channels: ChannelStore;
  readonly identities: IdentityStore;
  readonly conversations: ConversationStore;
  readonly interactions: InteractionStore;
  /** Coupon claims (data/partners.ts). */
  readonly coupons: CouponLedger;
  /** Impression tokens, clicks and partner postbacks (data/partners.ts). */
  readonly tracking: TrackingStore;
  /** The FAQ knowledge base (data/support.ts). */
  readonly faq: FaqStore;
  /** The handoff queue (data/support.ts). */
  readonly support: SupportQueue;
  /** Support agents' accounts (data/support.ts). */
  readonly agents: AgentStore;
  /** Retention purge and "delete my data" (data/support.ts). */
  readonly privacy: PrivacyStore;
  /** Points ledger, check-ins and the rewards exchange (data/loyalty.ts). */
  readonly loyalty: LoyaltyStore;
  /** Partners, campaigns and the spend ledger (data/campaigns.ts). */
  readonly campaigns: CampaignStore;
  /** Aggregates for reports and the dashboard (data/reports.ts). */
  readonly reports: ReportStore;
  close(): Promise<void>;
}
