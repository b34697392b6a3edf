"""The SQLite ledger's tables, and the columns added to ledgers made by earlier versions."""

from __future__ import annotations

import sqlite3

FILES = """
CREATE TABLE IF NOT EXISTS files (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    claim_path TEXT NOT NULL UNIQUE,
    sha256 TEXT,
    size INTEGER,
    received_at TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'claimed',      -- claimed | filing | filed | gone
    outcome TEXT,                               -- accepted | rejected | quarantine | duplicates
    document TEXT, deal_no TEXT, unit TEXT,
    filed_path TEXT, report_path TEXT,
    duplicate_of INTEGER REFERENCES files(id),
    reasons TEXT,                               -- JSON list of {rule, severity, message}, personal data masked
    decided_at TEXT
);
CREATE INDEX IF NOT EXISTS files_sha ON files(sha256);
CREATE INDEX IF NOT EXISTS files_deal ON files(deal_no, document, outcome);
CREATE TABLE IF NOT EXISTS units (
    code TEXT PRIMARY KEY,
    status TEXT NOT NULL,
    deal_no TEXT,
    file_id INTEGER REFERENCES files(id),
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS unit_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    code TEXT NOT NULL, status TEXT NOT NULL, deal_no TEXT, file_id INTEGER, at TEXT NOT NULL
);
"""
SALES = """
CREATE TABLE IF NOT EXISTS deals (
    deal_no TEXT PRIMARY KEY, unit TEXT NOT NULL, status TEXT NOT NULL,   -- 已认购 | 已签约 | 已退房
    buyers TEXT NOT NULL, total TEXT NOT NULL, deposit TEXT NOT NULL, payment_method TEXT NOT NULL,
    subscribe_date TEXT NOT NULL, updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS changes (
    no TEXT PRIMARY KEY, kind TEXT NOT NULL, deal_no TEXT NOT NULL, unit TEXT NOT NULL,
    status TEXT NOT NULL,                                                  -- requested | executed
    payload TEXT NOT NULL, requested_by TEXT, approved_by TEXT, approval_no TEXT, date TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS receipts (
    no TEXT PRIMARY KEY, date TEXT NOT NULL, payer TEXT NOT NULL, unit TEXT NOT NULL, deal_no TEXT,
    kind TEXT NOT NULL, amount TEXT NOT NULL, channel TEXT NOT NULL, account TEXT NOT NULL,
    cashier TEXT, status TEXT NOT NULL DEFAULT '有效'
);
CREATE TABLE IF NOT EXISTS deposits (
    id INTEGER PRIMARY KEY AUTOINCREMENT, date TEXT NOT NULL, kind TEXT NOT NULL,   -- 现金存款 | 银行入账
    amount TEXT NOT NULL, account TEXT NOT NULL, reference TEXT
);
"""
WEB = """
CREATE TABLE IF NOT EXISTS users (
    name TEXT PRIMARY KEY, role TEXT NOT NULL, password_hash TEXT NOT NULL, created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT, user_name TEXT NOT NULL, token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL, revoked_at TEXT
);
CREATE TABLE IF NOT EXISTS sessions (
    sid TEXT PRIMARY KEY, user_name TEXT NOT NULL, csrf TEXT NOT NULL, created_at TEXT NOT NULL, expires_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS approvals (
    id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, ref TEXT NOT NULL,
    status TEXT NOT NULL,                                                  -- requested | approved | refused
    payload TEXT NOT NULL, requested_by TEXT, requested_at TEXT NOT NULL,
    decided_by TEXT, decided_role TEXT, decided_at TEXT, reason TEXT
);
"""
PAPER = """
CREATE TABLE IF NOT EXISTS price_history (
    id INTEGER PRIMARY KEY AUTOINCREMENT, code TEXT NOT NULL, list_unit_price TEXT NOT NULL,
    filed_unit_price TEXT NOT NULL, floor_unit_price TEXT NOT NULL, scheme TEXT NOT NULL,
    effective TEXT NOT NULL, recorded_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS price_history_code ON price_history(code, effective);
CREATE TABLE IF NOT EXISTS notices (
    no TEXT PRIMARY KEY, kind TEXT NOT NULL, deal_no TEXT NOT NULL, unit TEXT NOT NULL,
    payload TEXT NOT NULL, issued TEXT NOT NULL, sent TEXT, answer TEXT, answered TEXT, change_no TEXT
);
CREATE TABLE IF NOT EXISTS cases (
    no TEXT PRIMARY KEY, kind TEXT NOT NULL, who TEXT NOT NULL, unit TEXT, deal_no TEXT, what TEXT NOT NULL,
    received TEXT NOT NULL, deadline TEXT NOT NULL, handler TEXT NOT NULL, escalated_to TEXT,
    answer TEXT, answered TEXT
);
"""
ADDED = {
    "units": {"pending": "TEXT", "needs_pricing": "INTEGER NOT NULL DEFAULT 0", "price": "TEXT"},
    "changes": {"new_unit": "TEXT"},  # the unit a 换房 moves to, so a unit's changes are found by column
}


def create(db: sqlite3.Connection) -> None:
    """Create the tables, add the columns earlier ledgers lack, and fill them from what those ledgers kept."""
    db.executescript(FILES + SALES + PAPER + WEB)
    for table, columns in ADDED.items():
        have = {r[1] for r in db.execute(f"PRAGMA table_info({table})")}
        for column, kind in columns.items():
            if column not in have:
                db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")
                if (table, column) == ("changes", "new_unit"):
                    db.execute("UPDATE changes SET new_unit=json_extract(payload, '$.new_unit') WHERE kind='room'")
