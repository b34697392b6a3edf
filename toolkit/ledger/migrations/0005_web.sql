-- The web page's records (ledger/users.py): the staff who log in, their API tokens and sessions, and every
-- approval or refusal given on the page (who, in which role, when, why). A user is one of the project's staff.
CREATE TABLE IF NOT EXISTS users (
    name TEXT PRIMARY KEY, role TEXT NOT NULL, password_hash TEXT NOT NULL, created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS tokens (
    id {serial_pk}, user_name TEXT NOT NULL, token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL, revoked_at TEXT
);
CREATE TABLE IF NOT EXISTS sessions (
    sid TEXT PRIMARY KEY, user_name TEXT NOT NULL, csrf TEXT NOT NULL, created_at TEXT NOT NULL, expires_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS approvals (
    id {serial_pk}, kind TEXT NOT NULL, ref TEXT NOT NULL,
    status TEXT NOT NULL,                                                  -- requested | approved | refused
    payload TEXT NOT NULL, requested_by TEXT, requested_at TEXT NOT NULL,
    decided_by TEXT, decided_role TEXT, decided_at TEXT, reason TEXT
);
