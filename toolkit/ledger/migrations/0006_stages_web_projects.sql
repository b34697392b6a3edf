-- 签约审定 stages (ledger/stages.py) and the web page's records (ledger/users.py), keyed by project like every
-- other table, so a shared database holds them for every project. The stages table was made on first use by the
-- versions before this one (without a project): it is made here if missing, then rebuilt with the project, rows
-- kept; its approver column was called "by". The web tables of 0005 are rebuilt the same way. A user is one of
-- the project's staff (project.yaml staff gives the role), so users, tokens, sessions and approvals are per project.
CREATE TABLE IF NOT EXISTS stages (
    id {serial_pk}, document_id TEXT NOT NULL, deal_no TEXT, document TEXT, stage TEXT NOT NULL, at TEXT NOT NULL,
    "by" TEXT, sha256 TEXT, pages TEXT, path TEXT
);
CREATE TABLE stages_v2 (
    project TEXT NOT NULL, id {serial},
    document_id TEXT NOT NULL,                  -- deal number and document, as the QR code names it
    deal_no TEXT, document TEXT,
    stage TEXT NOT NULL,                        -- rendered | approved
    at TEXT NOT NULL,
    approver TEXT,                              -- who approved it
    sha256 TEXT, pages TEXT,                    -- the file, and its pages' text hashes (JSON list)
    path TEXT,                                  -- the copy kept (review folder) or the file rendered
    {serial_key} (project, id)
);
INSERT INTO stages_v2 (project, id, document_id, deal_no, document, stage, at, approver, sha256, pages, path)
    SELECT {project}, id, document_id, deal_no, document, stage, at, "by", sha256, pages, path FROM stages;
DROP TABLE stages;
ALTER TABLE stages_v2 RENAME TO stages;
CREATE INDEX stages_document ON stages(project, document_id, stage);

CREATE TABLE users_v2 (
    project TEXT NOT NULL, name TEXT NOT NULL, role TEXT NOT NULL, password_hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (project, name)
);
INSERT INTO users_v2 (project, name, role, password_hash, created_at)
    SELECT {project}, name, role, password_hash, created_at FROM users;
DROP TABLE users;
ALTER TABLE users_v2 RENAME TO users;

CREATE TABLE tokens_v2 (
    project TEXT NOT NULL, id {serial}, user_name TEXT NOT NULL, token_hash TEXT NOT NULL,
    created_at TEXT NOT NULL, revoked_at TEXT,
    {serial_key} (project, id),
    UNIQUE (project, token_hash)
);
INSERT INTO tokens_v2 (project, id, user_name, token_hash, created_at, revoked_at)
    SELECT {project}, id, user_name, token_hash, created_at, revoked_at FROM tokens;
DROP TABLE tokens;
ALTER TABLE tokens_v2 RENAME TO tokens;

CREATE TABLE sessions_v2 (
    project TEXT NOT NULL, sid TEXT NOT NULL, user_name TEXT NOT NULL, csrf TEXT NOT NULL,
    created_at TEXT NOT NULL, expires_at TEXT NOT NULL,
    PRIMARY KEY (project, sid)
);
INSERT INTO sessions_v2 (project, sid, user_name, csrf, created_at, expires_at)
    SELECT {project}, sid, user_name, csrf, created_at, expires_at FROM sessions;
DROP TABLE sessions;
ALTER TABLE sessions_v2 RENAME TO sessions;

CREATE TABLE approvals_v2 (
    project TEXT NOT NULL, id {serial}, kind TEXT NOT NULL, ref TEXT NOT NULL,
    status TEXT NOT NULL,                                                  -- requested | approved | refused
    payload TEXT NOT NULL, requested_by TEXT, requested_at TEXT NOT NULL,
    decided_by TEXT, decided_role TEXT, decided_at TEXT, reason TEXT,
    {serial_key} (project, id)
);
INSERT INTO approvals_v2 (project, id, kind, ref, status, payload, requested_by, requested_at, decided_by,
    decided_role, decided_at, reason)
    SELECT {project}, id, kind, ref, status, payload, requested_by, requested_at, decided_by, decided_role,
    decided_at, reason FROM approvals;
DROP TABLE approvals;
ALTER TABLE approvals_v2 RENAME TO approvals;
CREATE INDEX approvals_ref ON approvals(project, kind, ref);
