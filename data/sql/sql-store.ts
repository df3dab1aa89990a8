import type { Store } from '../store.js';
import { SqlAgentStore } from './agent-repo.js';
import { SqlCampaignStore } from './campaign-repo.js';
import { SqlCatalogStore } from './catalog-repo.js';
import { SqlChannelStore } from './channel-repo.js';
import { SqlConversationStore } from './conversation-repo.js';
import { SqlCouponLedger, type CouponLedgerOptions } from './coupon-ledger.js';
import { SqlFaqStore } from './faq-repo.js';
import { SqlIdentityStore } from './identity-repo.js';
import { SqlInteractionStore } from './interaction-repo.js';
import { SqlPointsLedger, type PointsLedgerOptions } from './points-ledger.js';
import { SqlPrivacyStore } from './privacy-repo.js';
import { SqlReportStore } from './report-repo.js';
import { SqlRewardCatalog } from './reward-catalog.js';
import type { SqlDatabase } from './sql-database.js';
import { SpendLedgerWriter } from './spend-ledger.js';
import { SqlSupportQueue } from './support-repo.js';
import { SqlTrackingStore } from './tracking-repo.js';

export interface SqlStoreOptions {
  coupons?: CouponLedgerOptions;
  loyalty?: PointsLedgerOptions;
  campaigns?: { now?: () => Date };
}

/** The whole `Store` over one database whose schema is up to date, whichever engine runs it. */
export function sqlStore<D extends SqlDatabase>(db: D, o: SqlStoreOptions = {}): Store & { db: D } {
  // The clock campaigns are billed and paced by; tests move it.
  const billing = new SpendLedgerWriter(o.campaigns?.now);
  return {
    db,
    catalog: new SqlCatalogStore(db),
    channels: new SqlChannelStore(db),
    identities: new SqlIdentityStore(db),
    conversations: new SqlConversationStore(db),
    interactions: new SqlInteractionStore(db),
    coupons: new SqlCouponLedger(db, { ...o.coupons, billing }),
    tracking: new SqlTrackingStore(db, billing),
    faq: new SqlFaqStore(db),
    support: new SqlSupportQueue(db),
    agents: new SqlAgentStore(db),
    privacy: new SqlPrivacyStore(db),
    loyalty: { points: new SqlPointsLedger(db, o.loyalty), rewards: new SqlRewardCatalog(db) },
    campaigns: new SqlCampaignStore(db, o.campaigns),
    reports: new SqlReportStore(db),
    close: () => db.close(),
  };
}
