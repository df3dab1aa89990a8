import type { Database } from './database.js';

/**
 * Versioned schema. Append new migrations; never edit one that has shipped.
 * Each runs in its own transaction together with the bump of `schema_migrations`.
 */
export const migrations: readonly { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: 'catalog, users, conversations, interactions, coupon codes',
    sql: `
CREATE TABLE items (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('course','coupon','insurance')),
  title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
  description TEXT NOT NULL DEFAULT '',
  language TEXT NOT NULL CHECK (language IN ('en','zh')),
  price REAL NOT NULL CHECK (price >= 0),
  currency TEXT NOT NULL CHECK (length(currency) = 3),
  link TEXT NOT NULL,
  sponsored INTEGER NOT NULL DEFAULT 0 CHECK (sponsored IN (0,1)),
  disclosure TEXT,
  active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0,1)),
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
);
CREATE INDEX items_kind ON items(kind, active);

CREATE TABLE item_topics (
  item_id TEXT NOT NULL REFERENCES items(id) ON DELETE CASCADE,
  topic TEXT NOT NULL,
  position INTEGER NOT NULL,
  PRIMARY KEY (item_id, topic)
);
CREATE INDEX item_topics_topic ON item_topics(topic);

CREATE TABLE course_details (
  item_id TEXT PRIMARY KEY REFERENCES items(id) ON DELETE CASCADE,
  level TEXT NOT NULL CHECK (level IN ('beginner','intermediate','advanced')),
  duration_hours REAL NOT NULL CHECK (duration_hours > 0),
  rating REAL CHECK (rating BETWEEN 0 AND 5),
  ratings_count INTEGER NOT NULL DEFAULT 0,
  provider TEXT NOT NULL
);

CREATE TABLE coupon_details (
  item_id TEXT PRIMARY KEY REFERENCES items(id) ON DELETE CASCADE,
  partner TEXT NOT NULL,
  category TEXT NOT NULL CHECK (category IN ('restaurant','gaming_gear','home_goods')),
  cuisine TEXT,
  city TEXT,
  area TEXT,
  discount TEXT NOT NULL,
  value REAL,
  stock INTEGER NOT NULL CHECK (stock >= 0),
  expires_at TEXT NOT NULL,
  per_user_limit INTEGER NOT NULL DEFAULT 1 CHECK (per_user_limit >= 1),
  terms TEXT
);
CREATE INDEX coupon_city ON coupon_details(city);

CREATE TABLE insurance_details (
  item_id TEXT PRIMARY KEY REFERENCES items(id) ON DELETE CASCADE,
  insurer TEXT NOT NULL,
  insurance_type TEXT NOT NULL CHECK (insurance_type IN ('travel','phone_screen','accident','health','gaming_gear')),
  price_period TEXT NOT NULL DEFAULT 'month',
  min_age INTEGER NOT NULL CHECK (min_age >= 18),
  max_age INTEGER NOT NULL,
  regions TEXT NOT NULL,
  eligibility TEXT NOT NULL,
  CHECK (max_age >= min_age)
);

CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
);

CREATE TABLE identities (
  platform TEXT NOT NULL,
  platform_user_id TEXT NOT NULL,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  display_name TEXT NOT NULL,
  PRIMARY KEY (platform, platform_user_id)
);
CREATE INDEX identities_user ON identities(user_id);

CREATE TABLE conversations (
  id INTEGER PRIMARY KEY,
  platform TEXT NOT NULL,
  channel TEXT NOT NULL,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  state TEXT NOT NULL DEFAULT '{}',
  started_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  UNIQUE (platform, channel, user_id)
);

CREATE TABLE messages (
  id INTEGER PRIMARY KEY,
  conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
  role TEXT NOT NULL CHECK (role IN ('user','bot','agent')),
  text TEXT NOT NULL,
  cards TEXT NOT NULL DEFAULT '[]',
  intent TEXT,
  confidence REAL,
  client_id TEXT,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
);
CREATE INDEX messages_conversation ON messages(conversation_id, id);

CREATE TABLE interactions (
  id INTEGER PRIMARY KEY,
  user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
  item_id TEXT NOT NULL REFERENCES items(id) ON DELETE CASCADE,
  type TEXT NOT NULL CHECK (type IN ('impression','click','claim','redeem','purchase')),
  platform TEXT NOT NULL,
  channel TEXT NOT NULL,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
);
CREATE INDEX interactions_user ON interactions(user_id, type);
CREATE INDEX interactions_item ON interactions(item_id, type);

CREATE TABLE coupon_codes (
  code TEXT PRIMARY KEY,
  item_id TEXT NOT NULL REFERENCES items(id) ON DELETE CASCADE,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  request_id TEXT NOT NULL UNIQUE,
  claimed_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  redeemed_at TEXT
);
CREATE INDEX coupon_codes_user ON coupon_codes(user_id, item_id);
`,
  },
  {
    version: 2,
    name: 'channels the bot joins, with their settings',
    sql: `
CREATE TABLE channels (
  platform TEXT NOT NULL,
  name TEXT NOT NULL,
  settings TEXT NOT NULL DEFAULT '{}',
  added_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  PRIMARY KEY (platform, name)
);
`,
  },
  {
    version: 3,
    name: 'impression tokens, partner events, claim origin, claimed items kept',
    sql: `
CREATE TABLE impressions (
  token TEXT PRIMARY KEY,
  item_id TEXT NOT NULL REFERENCES items(id) ON DELETE CASCADE,
  user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
  platform TEXT NOT NULL,
  channel TEXT NOT NULL,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  clicked_at TEXT
);
CREATE INDEX impressions_item ON impressions(item_id);

CREATE TABLE partner_events (
  partner TEXT NOT NULL,
  event_id TEXT NOT NULL,
  type TEXT NOT NULL CHECK (type IN ('redemption','purchase')),
  code TEXT,
  item_id TEXT,
  user_id INTEGER,
  amount REAL,
  currency TEXT,
  occurred_at TEXT NOT NULL,
  received_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  PRIMARY KEY (partner, event_id)
);

ALTER TABLE coupon_codes ADD COLUMN platform TEXT;
ALTER TABLE coupon_codes ADD COLUMN channel TEXT;

-- coupon_codes cascade on item deletion; a removed coupon must be deactivated (active = 0) so
-- the codes people hold stay valid and redeemable.
CREATE TRIGGER items_keep_claimed BEFORE DELETE ON items
WHEN EXISTS (SELECT 1 FROM coupon_codes WHERE item_id = OLD.id)
BEGIN
  SELECT RAISE(ABORT, 'item has claimed coupon codes; deactivate it instead of deleting it');
END;
`,
  },
  {
    version: 4,
    name: 'one-time codes linking identities across platforms',
    sql: `
CREATE TABLE link_codes (
  code TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  expires_at TEXT NOT NULL,
  used_at TEXT,
  used_by TEXT,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
);
`,
  },
  {
    version: 5,
    name: 'ranking decisions logged with each impression (variant, position, propensity)',
    sql: `
ALTER TABLE impressions ADD COLUMN variant TEXT;
ALTER TABLE impressions ADD COLUMN position INTEGER;
ALTER TABLE impressions ADD COLUMN propensity REAL;
CREATE INDEX impressions_created ON impressions(created_at);
`,
  },
  {
    version: 6,
    name: 'support desk: FAQ knowledge base, handoff queue, agent accounts',
    sql: `
CREATE TABLE faq_entries (
  id TEXT PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 100),
  answer TEXT NOT NULL CHECK (length(answer) BETWEEN 1 AND 4000),
  tags TEXT NOT NULL DEFAULT '[]',
  language TEXT NOT NULL CHECK (language IN ('en','zh')),
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
);

CREATE TABLE faq_questions (
  entry_id TEXT NOT NULL REFERENCES faq_entries(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  question TEXT NOT NULL CHECK (length(question) BETWEEN 1 AND 500),
  PRIMARY KEY (entry_id, position)
);

-- One row: goes up with every change to the knowledge base, so running bots rebuild their index.
CREATE TABLE faq_version (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  version INTEGER NOT NULL
);
INSERT INTO faq_version (id, version) VALUES (1, 0);

CREATE TABLE agents (
  id INTEGER PRIMARY KEY,
  username TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(username) BETWEEN 1 AND 64),
  -- scrypt$<N>$<r>$<p>$<salt base64>$<hash base64>; never the password.
  password_hash TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('agent','admin')),
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
);

CREATE TABLE support_queue (
  id INTEGER PRIMARY KEY,
  conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
  status TEXT NOT NULL CHECK (status IN ('waiting','taken','closed')),
  reason TEXT NOT NULL CHECK (reason IN ('asked','misses','frustration')),
  agent_id INTEGER REFERENCES agents(id) ON DELETE SET NULL,
  enqueued_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  taken_at TEXT,
  closed_at TEXT,
  tag TEXT,
  contact_email TEXT,
  contact_message TEXT
);
-- A conversation has at most one open (waiting or taken) entry.
CREATE UNIQUE INDEX support_queue_open ON support_queue(conversation_id) WHERE status IN ('waiting','taken');
CREATE INDEX support_queue_status ON support_queue(status, id);
CREATE INDEX messages_created ON messages(created_at);
`,
  },
  {
    version: 7,
    name: 'loyalty: append-only points ledger with cached balances, check-in streaks, rewards and redemptions',
    sql: `
-- user_id has no foreign key: like coupon codes, the ledger outlives "delete my data" (amounts only).
CREATE TABLE points_ledger (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL,
  delta INTEGER NOT NULL CHECK (delta <> 0),
  reason TEXT NOT NULL CHECK (reason IN ('checkin','chat','redeem','grant','revoke')),
  note TEXT,
  idempotency_key TEXT NOT NULL UNIQUE,
  platform TEXT,
  channel TEXT,
  actor TEXT,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
);
CREATE INDEX points_ledger_user ON points_ledger(user_id, id);
CREATE INDEX points_ledger_channel ON points_ledger(platform, channel);

-- A cache of SUM(delta) per user, kept by the trigger below in the same statement as the entry:
-- an entry that would make it negative fails the CHECK and is not written either.
CREATE TABLE points_balances (
  user_id INTEGER PRIMARY KEY,
  balance INTEGER NOT NULL CONSTRAINT points_never_negative CHECK (balance >= 0),
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
);

CREATE TRIGGER points_ledger_balance AFTER INSERT ON points_ledger
BEGIN
  -- Two steps: SQLite checks CHECK constraints before an upsert's conflict, so a negative delta
  -- could never reach the DO UPDATE branch.
  INSERT OR IGNORE INTO points_balances (user_id, balance, updated_at) VALUES (NEW.user_id, 0, NEW.created_at);
  UPDATE points_balances SET balance = balance + NEW.delta, updated_at = NEW.created_at WHERE user_id = NEW.user_id;
END;
CREATE TRIGGER points_ledger_no_update BEFORE UPDATE ON points_ledger
BEGIN
  SELECT RAISE(ABORT, 'points_ledger is append-only');
END;
CREATE TRIGGER points_ledger_no_delete BEFORE DELETE ON points_ledger
BEGIN
  SELECT RAISE(ABORT, 'points_ledger is append-only');
END;

-- One row per user: the last day credited (in the zone of the channel checked in) and the streak.
CREATE TABLE points_checkins (
  user_id INTEGER PRIMARY KEY,
  last_day TEXT NOT NULL,
  streak INTEGER NOT NULL CHECK (streak >= 1)
);

CREATE TABLE rewards (
  id TEXT PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 40),
  name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  price INTEGER NOT NULL CHECK (price > 0),
  stock INTEGER CHECK (stock IS NULL OR stock >= 0),
  kind TEXT NOT NULL CHECK (kind IN ('coupon','code')),
  coupon_item_id TEXT REFERENCES items(id),
  code TEXT,
  scope TEXT,
  active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0,1)),
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  CHECK ((kind = 'coupon' AND coupon_item_id IS NOT NULL) OR (kind = 'code' AND code IS NOT NULL))
);

CREATE TABLE redemptions (
  id INTEGER PRIMARY KEY,
  request_id TEXT NOT NULL UNIQUE,
  user_id INTEGER NOT NULL,
  reward_id TEXT NOT NULL REFERENCES rewards(id),
  price INTEGER NOT NULL,
  code TEXT NOT NULL,
  ledger_id INTEGER NOT NULL UNIQUE REFERENCES points_ledger(id),
  platform TEXT NOT NULL,
  channel TEXT NOT NULL,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
);
CREATE INDEX redemptions_user ON redemptions(user_id);
`,
  },
  {
    version: 8,
    name: 'reply template logged with each impression (exploration over wordings)',
    sql: `
ALTER TABLE impressions ADD COLUMN template TEXT;
`,
  },
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

export async function migrate(db: Database): Promise<number[]> {
  await db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL,
    applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')))`);
  const rows = await db.all<{ version: number }>('SELECT version FROM schema_migrations');
  const done = new Set(rows.map((r) => r.version));
  const applied: number[] = [];
  for (const m of migrations) {
    if (done.has(m.version)) continue;
    const ran = await db.transaction(async (tx) => {
      // Another process may have applied it since the read above (two starting at once).
      if (await tx.get('SELECT 1 FROM schema_migrations WHERE version = ?', [m.version])) return false;
      await tx.exec(m.sql);
      await tx.run('INSERT INTO schema_migrations (version, name) VALUES (?, ?)', [m.version, m.name]);
      return true;
    });
    if (ran) applied.push(m.version);
  }
  return applied;
}
