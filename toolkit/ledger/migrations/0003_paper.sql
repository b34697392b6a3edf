-- The office's paperwork (ledger/paper.py): the price history, the notices sent to buyers, customer cases,
-- keyed by project like every other table. A SQLite ledger of the version that kept them without a project
-- (schema.PAPER) has them already: they are made if missing, then rebuilt with the project, rows kept.
CREATE TABLE IF NOT EXISTS price_history (
    id {serial_pk}, code TEXT NOT NULL, list_unit_price TEXT NOT NULL,
    filed_unit_price TEXT NOT NULL, floor_unit_price TEXT NOT NULL, scheme TEXT NOT NULL,
    effective TEXT NOT NULL, recorded_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS notices (
    no TEXT PRIMARY KEY, kind TEXT NOT NULL, deal_no TEXT NOT NULL, unit TEXT NOT NULL,
    payload TEXT NOT NULL, issued TEXT NOT NULL, sent TEXT, answer TEXT, answered TEXT, change_no TEXT
);
CREATE TABLE IF NOT EXISTS cases (
    no TEXT PRIMARY KEY, kind TEXT NOT NULL, who TEXT NOT NULL, unit TEXT, deal_no TEXT, what TEXT NOT NULL,
    received TEXT NOT NULL, deadline TEXT NOT NULL, handler TEXT NOT NULL, escalated_to TEXT,
    answer TEXT, answered TEXT
);

CREATE TABLE price_history_v2 (
    project TEXT NOT NULL, id {serial}, code TEXT NOT NULL, list_unit_price TEXT NOT NULL,
    filed_unit_price TEXT NOT NULL, floor_unit_price TEXT NOT NULL, scheme TEXT NOT NULL,
    effective TEXT NOT NULL, recorded_at TEXT NOT NULL,
    {serial_key} (project, id)
);
INSERT INTO price_history_v2 (project, id, code, list_unit_price, filed_unit_price, floor_unit_price, scheme,
    effective, recorded_at)
    SELECT {project}, id, code, list_unit_price, filed_unit_price, floor_unit_price, scheme, effective, recorded_at
    FROM price_history;
DROP TABLE price_history;
ALTER TABLE price_history_v2 RENAME TO price_history;
CREATE INDEX price_history_code ON price_history(project, code, effective);

CREATE TABLE notices_v2 (
    project TEXT NOT NULL, no TEXT NOT NULL, kind TEXT NOT NULL, deal_no TEXT NOT NULL, unit TEXT NOT NULL,
    payload TEXT NOT NULL, issued TEXT NOT NULL, sent TEXT, answer TEXT, answered TEXT, change_no TEXT,
    PRIMARY KEY (project, no)
);
INSERT INTO notices_v2 (project, no, kind, deal_no, unit, payload, issued, sent, answer, answered, change_no)
    SELECT {project}, no, kind, deal_no, unit, payload, issued, sent, answer, answered, change_no FROM notices;
DROP TABLE notices;
ALTER TABLE notices_v2 RENAME TO notices;

CREATE TABLE cases_v2 (
    project TEXT NOT NULL, no TEXT NOT NULL, kind TEXT NOT NULL, who TEXT NOT NULL, unit TEXT, deal_no TEXT,
    what TEXT NOT NULL, received TEXT NOT NULL, deadline TEXT NOT NULL, handler TEXT NOT NULL, escalated_to TEXT,
    answer TEXT, answered TEXT,
    PRIMARY KEY (project, no)
);
INSERT INTO cases_v2 (project, no, kind, who, unit, deal_no, what, received, deadline, handler, escalated_to,
    answer, answered)
    SELECT {project}, no, kind, who, unit, deal_no, what, received, deadline, handler, escalated_to, answer,
    answered FROM cases;
DROP TABLE cases;
ALTER TABLE cases_v2 RENAME TO cases;
