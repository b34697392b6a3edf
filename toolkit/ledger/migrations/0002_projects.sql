-- Several projects in one database: the project code is part of every key. Rows already there belong to
-- {project} (the project whose SQLite ledger this is). Files gain the worker holding them and its lease.
-- {serial} is an auto-numbered id; {serial_key} makes (project, id) the key (SQLite keeps its rowid key).
CREATE TABLE files_v2 (
    project TEXT NOT NULL,
    id {serial},
    name TEXT NOT NULL,
    claim_path TEXT NOT NULL,
    sha256 TEXT,
    size INTEGER,
    received_at TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'claimed',      -- claimed | filing | filed | gone
    outcome TEXT,                               -- accepted | rejected | quarantine | duplicates
    document TEXT, deal_no TEXT, unit TEXT,
    filed_path TEXT, report_path TEXT,
    duplicate_of INTEGER,
    reasons TEXT,                               -- JSON list of {rule, severity, message}, personal data masked
    decided_at TEXT,
    worker TEXT,                                -- the worker that holds the file while it is in flight
    lease_until TEXT,                           -- after this (UTC) another worker may take it over
    {serial_key} (project, id),
    UNIQUE (project, claim_path)
);
INSERT INTO files_v2 (project, id, name, claim_path, sha256, size, received_at, state, outcome, document, deal_no,
    unit, filed_path, report_path, duplicate_of, reasons, decided_at)
    SELECT {project}, id, name, claim_path, sha256, size, received_at, state, outcome, document, deal_no,
    unit, filed_path, report_path, duplicate_of, reasons, decided_at FROM files;
DROP TABLE files;
ALTER TABLE files_v2 RENAME TO files;
CREATE INDEX files_sha ON files(project, sha256);
CREATE INDEX files_deal ON files(project, deal_no, document, outcome);
CREATE INDEX files_state ON files(project, state);

CREATE TABLE units_v2 (
    project TEXT NOT NULL, code TEXT NOT NULL, status TEXT NOT NULL, deal_no TEXT, file_id INTEGER,
    updated_at TEXT NOT NULL, pending TEXT, needs_pricing INTEGER NOT NULL DEFAULT 0, price TEXT,
    PRIMARY KEY (project, code)
);
INSERT INTO units_v2 (project, code, status, deal_no, file_id, updated_at, pending, needs_pricing, price)
    SELECT {project}, code, status, deal_no, file_id, updated_at, pending, needs_pricing, price FROM units;
DROP TABLE units;
ALTER TABLE units_v2 RENAME TO units;

CREATE TABLE unit_events_v2 (
    project TEXT NOT NULL, id {serial},
    code TEXT NOT NULL, status TEXT NOT NULL, deal_no TEXT, file_id INTEGER, at TEXT NOT NULL,
    {serial_key} (project, id)
);
INSERT INTO unit_events_v2 (project, id, code, status, deal_no, file_id, at)
    SELECT {project}, id, code, status, deal_no, file_id, at FROM unit_events;
DROP TABLE unit_events;
ALTER TABLE unit_events_v2 RENAME TO unit_events;
CREATE INDEX unit_events_code ON unit_events(project, code);

CREATE TABLE deals_v2 (
    project TEXT NOT NULL, deal_no TEXT NOT NULL, unit TEXT NOT NULL, status TEXT NOT NULL,
    buyers TEXT NOT NULL, total TEXT NOT NULL, deposit TEXT NOT NULL, payment_method TEXT NOT NULL,
    subscribe_date TEXT NOT NULL, updated_at TEXT NOT NULL,
    PRIMARY KEY (project, deal_no)
);
INSERT INTO deals_v2 (project, deal_no, unit, status, buyers, total, deposit, payment_method, subscribe_date,
    updated_at)
    SELECT {project}, deal_no, unit, status, buyers, total, deposit, payment_method, subscribe_date, updated_at
    FROM deals;
DROP TABLE deals;
ALTER TABLE deals_v2 RENAME TO deals;

CREATE TABLE changes_v2 (
    project TEXT NOT NULL, no TEXT NOT NULL, kind TEXT NOT NULL, deal_no TEXT NOT NULL, unit TEXT NOT NULL,
    status TEXT NOT NULL,                                                  -- requested | executed
    payload TEXT NOT NULL, requested_by TEXT, approved_by TEXT, approval_no TEXT, date TEXT NOT NULL,
    new_unit TEXT,
    PRIMARY KEY (project, no)
);
INSERT INTO changes_v2 (project, no, kind, deal_no, unit, status, payload, requested_by, approved_by, approval_no,
    date, new_unit)
    SELECT {project}, no, kind, deal_no, unit, status, payload, requested_by, approved_by, approval_no, date,
    new_unit FROM changes;
DROP TABLE changes;
ALTER TABLE changes_v2 RENAME TO changes;

CREATE TABLE receipts_v2 (
    project TEXT NOT NULL, no TEXT NOT NULL, date TEXT NOT NULL, payer TEXT NOT NULL, unit TEXT NOT NULL,
    deal_no TEXT, kind TEXT NOT NULL, amount TEXT NOT NULL, channel TEXT NOT NULL, account TEXT NOT NULL,
    cashier TEXT, status TEXT NOT NULL DEFAULT '有效',
    PRIMARY KEY (project, no)
);
INSERT INTO receipts_v2 (project, no, date, payer, unit, deal_no, kind, amount, channel, account, cashier, status)
    SELECT {project}, no, date, payer, unit, deal_no, kind, amount, channel, account, cashier, status FROM receipts;
DROP TABLE receipts;
ALTER TABLE receipts_v2 RENAME TO receipts;

CREATE TABLE deposits_v2 (
    project TEXT NOT NULL, id {serial}, date TEXT NOT NULL, kind TEXT NOT NULL,   -- 现金存款 | 银行入账
    amount TEXT NOT NULL, account TEXT NOT NULL, reference TEXT,
    {serial_key} (project, id)
);
INSERT INTO deposits_v2 (project, id, date, kind, amount, account, reference)
    SELECT {project}, id, date, kind, amount, account, reference FROM deposits;
DROP TABLE deposits;
ALTER TABLE deposits_v2 RENAME TO deposits;
