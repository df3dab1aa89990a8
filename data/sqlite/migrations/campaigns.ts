import type { Migration } from '../migrations.js';

/** Migrations 9-12: partners and campaigns, report rollups, the catalog version, base ranks. */
export const campaignMigrations: readonly Migration[] = [
  {
    version: 9,
    name: 'partners, campaigns with budgets and targeting, append-only spend ledger, partner logins',
    sql: `
CREATE TABLE partners (
  id TEXT PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 64),
  name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
);

-- Money in integer minor units with its currency. Targeting and frequency caps are JSON owned by
-- recommender/campaigns/.
CREATE TABLE campaigns (
  id INTEGER PRIMARY KEY,
  partner_id TEXT NOT NULL REFERENCES partners(id),
  name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active','paused')),
  starts_at TEXT NOT NULL,
  ends_at TEXT NOT NULL,
  currency TEXT NOT NULL CHECK (length(currency) = 3),
  total_budget_minor INTEGER NOT NULL CHECK (total_budget_minor > 0),
  daily_budget_minor INTEGER CHECK (daily_budget_minor IS NULL OR daily_budget_minor > 0),
  pricing TEXT NOT NULL CHECK (pricing IN ('click','claim','conversion')),
  price_minor INTEGER NOT NULL CHECK (price_minor > 0),
  pacing TEXT NOT NULL DEFAULT 'even' CHECK (pacing IN ('even','asap')),
  time_zone TEXT NOT NULL DEFAULT 'UTC',
  targeting TEXT NOT NULL DEFAULT '{}',
  frequency_cap TEXT NOT NULL DEFAULT '{}',
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  CHECK (ends_at > starts_at)
);
CREATE INDEX campaigns_partner ON campaigns(partner_id);

CREATE TABLE campaign_items (
  campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
  item_id TEXT NOT NULL REFERENCES items(id),
  PRIMARY KEY (campaign_id, item_id)
);
CREATE INDEX campaign_items_item ON campaign_items(item_id);

-- One row per billable event (tracked click, claim, partner conversion) of a campaign's item,
-- billed or not: event_key is unique, so no event is ever charged twice.
CREATE TABLE spend_ledger (
  id INTEGER PRIMARY KEY,
  campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
  event_key TEXT NOT NULL UNIQUE,
  event_type TEXT NOT NULL CHECK (event_type IN ('click','claim','conversion')),
  item_id TEXT NOT NULL,
  user_id INTEGER,
  platform TEXT NOT NULL,
  channel TEXT NOT NULL,
  amount_minor INTEGER NOT NULL CHECK (amount_minor >= 0),
  currency TEXT NOT NULL,
  outcome TEXT NOT NULL CHECK (outcome IN ('billed','over_budget','over_daily','paused','not_running')),
  created_at TEXT NOT NULL,
  CHECK ((outcome = 'billed') = (amount_minor > 0))
);
CREATE INDEX spend_ledger_campaign ON spend_ledger(campaign_id, created_at);
CREATE INDEX spend_ledger_created ON spend_ledger(created_at);

-- A cache of the ledger's totals per campaign, kept by the trigger in the same statement.
CREATE TABLE campaign_spend (
  campaign_id INTEGER PRIMARY KEY REFERENCES campaigns(id) ON DELETE CASCADE,
  spent_minor INTEGER NOT NULL DEFAULT 0,
  billed_events INTEGER NOT NULL DEFAULT 0
);
CREATE TRIGGER spend_ledger_total AFTER INSERT ON spend_ledger WHEN NEW.amount_minor > 0
BEGIN
  INSERT OR IGNORE INTO campaign_spend (campaign_id) VALUES (NEW.campaign_id);
  UPDATE campaign_spend SET spent_minor = spent_minor + NEW.amount_minor, billed_events = billed_events + 1 WHERE campaign_id = NEW.campaign_id;
END;
CREATE TRIGGER spend_ledger_no_update BEFORE UPDATE ON spend_ledger
BEGIN
  SELECT RAISE(ABORT, 'spend_ledger is append-only');
END;
CREATE TRIGGER spend_ledger_no_delete BEFORE DELETE ON spend_ledger
BEGIN
  SELECT RAISE(ABORT, 'spend_ledger is append-only');
END;

-- Agent accounts gain the role 'partner', tied to one partner. SQLite cannot change a CHECK in
-- place: rebuild the table, keeping which agent holds which queue entry (dropping the old table
-- sets support_queue.agent_id to NULL through its foreign key).
CREATE TABLE agents_v9 (
  id INTEGER PRIMARY KEY,
  username TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(username) BETWEEN 1 AND 64),
  password_hash TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('agent','admin','partner')),
  partner_id TEXT REFERENCES partners(id),
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  CHECK ((role = 'partner') = (partner_id IS NOT NULL))
);
INSERT INTO agents_v9 (id, username, password_hash, role, partner_id, created_at)
  SELECT id, username, password_hash, role, NULL, created_at FROM agents;
CREATE TEMP TABLE queue_agents_v9 AS SELECT id, agent_id FROM support_queue WHERE agent_id IS NOT NULL;
DROP TABLE agents;
ALTER TABLE agents_v9 RENAME TO agents;
UPDATE support_queue SET agent_id = (SELECT k.agent_id FROM queue_agents_v9 k WHERE k.id = support_queue.id)
  WHERE id IN (SELECT id FROM queue_agents_v9);
DROP TABLE queue_agents_v9;
`,
  },
  {
    version: 10,
    name: 'report rollups: daily counts per item and per channel, daily logged-decision sums',
    sql: `
-- Reports read these instead of scanning a million interactions. Triggers keep them in the same
-- statement as the event; they are aggregates (no user ids), so they outlive "delete my data".
CREATE TABLE report_item_days (
  day TEXT NOT NULL,
  item_id TEXT NOT NULL,
  type TEXT NOT NULL,
  n INTEGER NOT NULL,
  PRIMARY KEY (day, item_id, type)
) WITHOUT ROWID;
CREATE TABLE report_channel_days (
  day TEXT NOT NULL,
  platform TEXT NOT NULL,
  channel TEXT NOT NULL,
  type TEXT NOT NULL,
  n INTEGER NOT NULL,
  PRIMARY KEY (day, platform, channel, type)
) WITHOUT ROWID;
INSERT INTO report_item_days (day, item_id, type, n)
  SELECT substr(created_at, 1, 10), item_id, type, count(*) FROM interactions GROUP BY 1, 2, 3;
INSERT INTO report_channel_days (day, platform, channel, type, n)
  SELECT substr(created_at, 1, 10), platform, channel, type, count(*) FROM interactions GROUP BY 1, 2, 3, 4;
CREATE TRIGGER interactions_report_rollup AFTER INSERT ON interactions
BEGIN
  INSERT INTO report_item_days (day, item_id, type, n) VALUES (substr(NEW.created_at, 1, 10), NEW.item_id, NEW.type, 1)
    ON CONFLICT (day, item_id, type) DO UPDATE SET n = n + 1;
  INSERT INTO report_channel_days (day, platform, channel, type, n) VALUES (substr(NEW.created_at, 1, 10), NEW.platform, NEW.channel, NEW.type, 1)
    ON CONFLICT (day, platform, channel, type) DO UPDATE SET n = n + 1;
END;

-- Logged ranking decisions for the experiment and off-policy estimates: per day, variant, item
-- and whether the logged propensity was at least 0.5, the sums self-normalized IPS needs
-- (w = 1 / propensity).
CREATE TABLE report_decision_days (
  day TEXT NOT NULL,
  variant TEXT NOT NULL,
  item_id TEXT NOT NULL,
  likely INTEGER NOT NULL,
  impressions INTEGER NOT NULL DEFAULT 0,
  clicks INTEGER NOT NULL DEFAULT 0,
  sum_w REAL NOT NULL DEFAULT 0,
  sum_w2 REAL NOT NULL DEFAULT 0,
  sum_w_click REAL NOT NULL DEFAULT 0,
  sum_w2_click REAL NOT NULL DEFAULT 0,
  PRIMARY KEY (day, variant, item_id, likely)
) WITHOUT ROWID;
INSERT INTO report_decision_days (day, variant, item_id, likely, impressions, clicks, sum_w, sum_w2, sum_w_click, sum_w2_click)
  SELECT substr(created_at, 1, 10), variant, item_id, propensity >= 0.5, count(*), count(clicked_at),
    sum(1.0 / propensity), sum(1.0 / (propensity * propensity)),
    sum(CASE WHEN clicked_at IS NOT NULL THEN 1.0 / propensity ELSE 0 END), sum(CASE WHEN clicked_at IS NOT NULL THEN 1.0 / (propensity * propensity) ELSE 0 END)
  FROM impressions WHERE variant IS NOT NULL AND propensity > 0 GROUP BY 1, 2, 3, 4;
CREATE TRIGGER impressions_report_rollup AFTER INSERT ON impressions WHEN NEW.variant IS NOT NULL AND NEW.propensity > 0
BEGIN
  INSERT INTO report_decision_days (day, variant, item_id, likely) VALUES (substr(NEW.created_at, 1, 10), NEW.variant, NEW.item_id, NEW.propensity >= 0.5)
    ON CONFLICT DO NOTHING;
  UPDATE report_decision_days SET impressions = impressions + 1, sum_w = sum_w + 1.0 / NEW.propensity, sum_w2 = sum_w2 + 1.0 / (NEW.propensity * NEW.propensity),
    clicks = clicks + (NEW.clicked_at IS NOT NULL),
    sum_w_click = sum_w_click + (CASE WHEN NEW.clicked_at IS NOT NULL THEN 1.0 / NEW.propensity ELSE 0 END),
    sum_w2_click = sum_w2_click + (CASE WHEN NEW.clicked_at IS NOT NULL THEN 1.0 / (NEW.propensity * NEW.propensity) ELSE 0 END)
  WHERE day = substr(NEW.created_at, 1, 10) AND variant = NEW.variant AND item_id = NEW.item_id AND likely = (NEW.propensity >= 0.5);
END;
CREATE TRIGGER impressions_click_rollup AFTER UPDATE OF clicked_at ON impressions
WHEN OLD.clicked_at IS NULL AND NEW.clicked_at IS NOT NULL AND NEW.variant IS NOT NULL AND NEW.propensity > 0
BEGIN
  UPDATE report_decision_days SET clicks = clicks + 1, sum_w_click = sum_w_click + 1.0 / NEW.propensity,
    sum_w2_click = sum_w2_click + 1.0 / (NEW.propensity * NEW.propensity)
  WHERE day = substr(NEW.created_at, 1, 10) AND variant = NEW.variant AND item_id = NEW.item_id AND likely = (NEW.propensity >= 0.5);
END;

-- A partner's or campaign's report by channel reads its items' interactions in the range.
CREATE INDEX interactions_item_time ON interactions(item_id, created_at);
`,
  },
  {
    version: 11,
    name: 'catalog version: goes up with every change to an item, so every process sharing the database reloads its catalog',
    sql: `
CREATE TABLE catalog_version (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  version INTEGER NOT NULL
);
INSERT INTO catalog_version (id, version) VALUES (1, 0);
-- Triggers, so every writer counts (dashboard, crossfeed catalog import, a script): an upsert always
-- touches its items row, deactivation too. Coupon stock and claims live elsewhere and do not count.
CREATE TRIGGER items_insert_bumps_catalog_version AFTER INSERT ON items
BEGIN UPDATE catalog_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER items_update_bumps_catalog_version AFTER UPDATE ON items
BEGIN UPDATE catalog_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER items_delete_bumps_catalog_version AFTER DELETE ON items
BEGIN UPDATE catalog_version SET version = version + 1 WHERE id = 1; END;
`,
  },
  {
    version: 12,
    name: 'base rank logged with each impression: the no-exploration off-policy estimate becomes exact',
    sql: `
-- Where the ranking without exploration put the item (0 = first) and how many it showed: the
-- deterministic policy shows the item exactly when base_rank < slots.
ALTER TABLE impressions ADD COLUMN base_rank INTEGER;
ALTER TABLE impressions ADD COLUMN slots INTEGER;
-- report_decision_days.likely now means "the ranking without exploration shows it": exact for
-- impressions with a base rank; older ones keep the approximation (logged propensity >= 0.5).
DROP TRIGGER impressions_report_rollup;
DROP TRIGGER impressions_click_rollup;
CREATE TRIGGER impressions_report_rollup AFTER INSERT ON impressions WHEN NEW.variant IS NOT NULL AND NEW.propensity > 0
BEGIN
  INSERT INTO report_decision_days (day, variant, item_id, likely) VALUES (substr(NEW.created_at, 1, 10), NEW.variant, NEW.item_id, (CASE WHEN NEW.base_rank IS NOT NULL AND NEW.slots IS NOT NULL THEN NEW.base_rank < NEW.slots ELSE NEW.propensity >= 0.5 END))
    ON CONFLICT DO NOTHING;
  UPDATE report_decision_days SET impressions = impressions + 1, sum_w = sum_w + 1.0 / NEW.propensity, sum_w2 = sum_w2 + 1.0 / (NEW.propensity * NEW.propensity),
    clicks = clicks + (NEW.clicked_at IS NOT NULL),
    sum_w_click = sum_w_click + (CASE WHEN NEW.clicked_at IS NOT NULL THEN 1.0 / NEW.propensity ELSE 0 END),
    sum_w2_click = sum_w2_click + (CASE WHEN NEW.clicked_at IS NOT NULL THEN 1.0 / (NEW.propensity * NEW.propensity) ELSE 0 END)
  WHERE day = substr(NEW.created_at, 1, 10) AND variant = NEW.variant AND item_id = NEW.item_id AND likely = (CASE WHEN NEW.base_rank IS NOT NULL AND NEW.slots IS NOT NULL THEN NEW.base_rank < NEW.slots ELSE NEW.propensity >= 0.5 END);
END;
CREATE TRIGGER impressions_click_rollup AFTER UPDATE OF clicked_at ON impressions
WHEN OLD.clicked_at IS NULL AND NEW.clicked_at IS NOT NULL AND NEW.variant IS NOT NULL AND NEW.propensity > 0
BEGIN
  UPDATE report_decision_days SET clicks = clicks + 1, sum_w_click = sum_w_click + 1.0 / NEW.propensity,
    sum_w2_click = sum_w2_click + 1.0 / (NEW.propensity * NEW.propensity)
  WHERE day = substr(NEW.created_at, 1, 10) AND variant = NEW.variant AND item_id = NEW.item_id AND likely = (CASE WHEN NEW.base_rank IS NOT NULL AND NEW.slots IS NOT NULL THEN NEW.base_rank < NEW.slots ELSE NEW.propensity >= 0.5 END);
END;
`,
  },
];
