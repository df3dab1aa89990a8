import type { Migration } from '../migrations.js';

/** Migrations 1-8: catalog, people and conversations, tracking, FAQ and support, loyalty. */
export const baseMigrations: readonly Migration[] = [
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
];
