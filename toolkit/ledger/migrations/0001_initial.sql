-- The ledger of one project as the first versions kept it: files the inbox took, units, deals, changes, money.
-- {serial_pk} is SQLite's INTEGER PRIMARY KEY AUTOINCREMENT or PostgreSQL's BIGSERIAL PRIMARY KEY.
CREATE TABLE files (
    id {serial_pk},
    name TEXT NOT NULL,
    claim_path TEXT NOT NULL UNIQUE,
    sha256 TEXT,
    size INTEGER,
    received_at TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'claimed',
    outcome TEXT,
    document TEXT, deal_no TEXT, unit TEXT,
    filed_path TEXT, report_path TEXT,
    duplicate_of INTEGER,
    reasons TEXT,
    decided_at TEXT
);
CREATE INDEX files_sha ON files(sha256);
CREATE INDEX files_deal ON files(deal_no, document, outcome);
CREATE TABLE units (
    code TEXT PRIMARY KEY,
    status TEXT NOT NULL,
    deal_no TEXT,
    file_id INTEGER,
    updated_at TEXT NOT NULL,
    pending TEXT,
    needs_pricing INTEGER NOT NULL DEFAULT 0,
    price TEXT
);
CREATE TABLE unit_events (
    id {serial_pk},
    code TEXT NOT NULL, status TEXT NOT NULL, deal_no TEXT, file_id INTEGER, at TEXT NOT NULL
);
CREATE TABLE deals (
    deal_no TEXT PRIMARY KEY, unit TEXT NOT NULL, status TEXT NOT NULL,
    buyers TEXT NOT NULL, total TEXT NOT NULL, deposit TEXT NOT NULL, payment_method TEXT NOT NULL,
    subscribe_date TEXT NOT NULL, updated_at TEXT NOT NULL
);
CREATE TABLE changes (
    no TEXT PRIMARY KEY, kind TEXT NOT NULL, deal_no TEXT NOT NULL, unit TEXT NOT NULL,
    status TEXT NOT NULL,
    payload TEXT NOT NULL, requested_by TEXT, approved_by TEXT, approval_no TEXT, date TEXT NOT NULL,
    new_unit TEXT
);
CREATE TABLE receipts (
    no TEXT PRIMARY KEY, date TEXT NOT NULL, payer TEXT NOT NULL, unit TEXT NOT NULL, deal_no TEXT,
    kind TEXT NOT NULL, amount TEXT NOT NULL, channel TEXT NOT NULL, account TEXT NOT NULL,
    cashier TEXT, status TEXT NOT NULL DEFAULT '有效'
);
CREATE TABLE deposits (
    id {serial_pk}, date TEXT NOT NULL, kind TEXT NOT NULL,
    amount TEXT NOT NULL, account TEXT NOT NULL, reference TEXT
);
