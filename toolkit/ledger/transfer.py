"""Copy one project's rows between ledger databases (SQLite to PostgreSQL and back), checked by checksums.

Every table keyed by project is copied whole, ids kept (a filed file's name carries its id), in one
transaction on the target; then each table's row count and checksum are compared on both sides, and a
difference undoes the copy. A project already in the target is refused: rows are never merged or overwritten.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from toolkit.errors import UsageError
from toolkit.ledger.db import Db, shown

TABLES = (
    "files",
    "units",
    "unit_events",
    "deals",
    "changes",
    "receipts",
    "deposits",
    "price_history",
    "notices",
    "cases",
    "stages",
    "users",
    "tokens",
    "sessions",
    "approvals",
)
SERIAL = (
    "files",
    "unit_events",
    "deposits",
    "price_history",
    "stages",
    "tokens",
    "approvals",
)  # their ids come from a sequence on PostgreSQL


@dataclass(frozen=True)
class Tally:
    """A table's rows of one project: how many, and a checksum of their content (independent of order)."""

    rows: int
    checksum: str


def tally(db: Db, project: str) -> dict[str, Tally]:
    """Count and checksum every table's rows of a project."""
    out = {}
    for table in TABLES:
        digests = sorted(_digest(r) for r in db.execute(f"SELECT * FROM {table} WHERE project=?", (project,)))
        out[table] = Tally(len(digests), hashlib.sha256("".join(digests).encode()).hexdigest())
    return out


def copy_project(source: Db, target: Db, project: str) -> dict[str, Tally]:
    """Copy a project's rows from one database to another; return what was copied (checked on both sides)."""
    before = tally(source, project)
    with target.tx():
        target.lock("loupan", "import", project)
        held = [t for t in TABLES if target.one(f"SELECT 1 AS x FROM {t} WHERE project=? LIMIT 1", (project,))]
        if held:
            raise UsageError(
                f"项目 {project} 已在 {shown(target.url)} 中（{', '.join(held)}），不会合并或覆盖 / "
                f"project {project} is already in the target database"
            )
        for table in TABLES:
            _copy(source, target, table, project)
        after = tally(target, project)
        if after != before:  # raised inside the transaction: nothing of the copy stays
            wrong = [t for t in TABLES if after[t] != before[t]]
            raise UsageError(f"项目 {project} 的副本在 {'、'.join(wrong)} 中与来源不一致；已撤销")
    return after


def move_project(project: str, source_url: str, target_url: str, create: bool) -> dict[str, Tally]:
    """Copy a project from one ledger URL to another (a new SQLite file when `create`); return what was copied."""
    from toolkit.ledger import migrate
    from toolkit.ledger.store import Ledger

    source = Ledger(source_url, project)  # a SQLite ledger of an older version is upgraded in place first
    try:
        if create:
            target = Ledger(target_url, project)  # a new file: its schema made by the migrations
            target_db = target.db
        else:
            target_db = Db(target_url)
            migrate.require_current(target_db)
        try:
            return copy_project(source.db, target_db, project)
        finally:
            target_db.close()
    finally:
        source.close()


def _copy(source: Db, target: Db, table: str, project: str) -> None:
    columns = [c for c in source.columns(table) if c in set(target.columns(table))]
    names, marks = ", ".join(columns), ", ".join("?" for _ in columns)
    rows = source.execute(f"SELECT {names} FROM {table} WHERE project=?", (project,)).fetchall()
    for r in rows:
        target.execute(f"INSERT INTO {table} ({names}) VALUES ({marks})", tuple(r[c] for c in columns))
    if target.pg and table in SERIAL:  # the sequence goes past the ids copied in, so new rows never collide
        target.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), GREATEST((SELECT MAX(id) FROM {table}), "
            f"(SELECT last_value FROM {_sequence(target, table)})))"
        )


def _sequence(db: Db, table: str) -> str:
    return str(db.one("SELECT pg_get_serial_sequence(?, 'id') AS s", (table,))["s"])


def _digest(row: object) -> str:
    values = dict(row)  # type: ignore[call-overload]
    return hashlib.sha256(json.dumps(values, sort_keys=True, default=str, ensure_ascii=False).encode()).hexdigest()
