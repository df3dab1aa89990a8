import type { Store } from '../store.js';
import { SqliteCatalogStore } from './catalog-repo.js';
import { SqliteChannelStore } from './channel-repo.js';
import { SqliteIdentityStore } from './identity-repo.js';
import { SqliteConversationStore } from './conversation-repo.js';
import { SqliteCouponLedger, type CouponLedgerOptions } from './coupon-ledger.js';
import { Database } from './database.js';
import { SqliteInteractionStore } from './interaction-repo.js';
import { migrate } from './migrations.js';
import { SqliteTrackingStore } from './tracking-repo.js';
import { SqliteFaqStore } from './faq-repo.js';
import { SqliteSupportQueue } from './support-repo.js';
import { SqliteAgentStore } from './agent-repo.js';
import { SqlitePrivacyStore } from './privacy-repo.js';
import { SqlitePointsLedger, type PointsLedgerOptions } from './points-ledger.js';
import { SqliteRewardCatalog } from './reward-catalog.js';
import { SqliteCampaignStore } from './campaign-repo.js';
import { SpendLedgerWriter } from './spend-ledger.js';
import { SqliteReportStore } from './report-repo.js';

/** Opens (creating if needed) the SQLite database at `path` and brings its schema up to date. */
export async function openSqliteStore(path: string, o: { coupons?: CouponLedgerOptions; loyalty?: PointsLedgerOptions; campaigns?: { now?: () => Date } } = {}): Promise<Store & { db: Database }> {
  const db = await Database.open(path);
  await migrate(db);
  // The clock campaigns are billed and paced by; tests move it.
  const billing = new SpendLedgerWriter(o.campaigns?.now);
  return {
    db,
    catalog: new SqliteCatalogStore(db),
    channels: new SqliteChannelStore(db),
    identities: new SqliteIdentityStore(db),
    conversations: new SqliteConversationStore(db),
    interactions: new SqliteInteractionStore(db),
    coupons: new SqliteCouponLedger(db, { ...o.coupons, billing }),
    tracking: new SqliteTrackingStore(db, billing),
    faq: new SqliteFaqStore(db),
    support: new SqliteSupportQueue(db),
    agents: new SqliteAgentStore(db),
    privacy: new SqlitePrivacyStore(db),
    loyalty: { points: new SqlitePointsLedger(db, o.loyalty), rewards: new SqliteRewardCatalog(db) },
    campaigns: new SqliteCampaignStore(db, o.campaigns),
    reports: new SqliteReportStore(db),
    close: () => db.close(),
  };
}
