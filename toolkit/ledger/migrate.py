"""The ledger's schema as numbered migrations (`migrations/NNNN_name.sql`), applied in order and recorded.

One schema for both backends: a migration is plain SQL, with a few per-backend words in braces
(`db.WORDS`) and `{project}`, the project whose SQLite ledger is upgraded (its rows get that code). Each
migration runs in one transaction with its row in `schema_migrations`, so a crash leaves it applied or
not at all. A SQLite ledger made before migrations existed is recognised and taken as 0001, then upgraded
in place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from toolkit.errors import UsageError
from toolkit.ledger import schema
from toolkit.ledger.db import Db, shown

FOLDER = Path(__file__).with_name("migrations")
TOKEN = re.compile(r"\{(serial_pk|serial_key|serial|project)\}")
TABLE = "CREATE TABLE IF NOT EXISTS schema_migrations (version TEXT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"


@dataclass(frozen=True)
class Migration:
    """One numbered migration file."""

    version: str
    name: str
    path: Path

    def statements(self, db: Db, project: str) -> list[str]:
        """Return the migration's statements for this backend, comments dropped."""
        words = {**db.words(), "project": "'" + project.replace("'", "''") + "'"}
        text = "\n".join(line.split("--", 1)[0] for line in self.path.read_text(encoding="utf-8").splitlines())
        text = TOKEN.sub(lambda m: words[m.group(1)], text)
        return [s.strip() for s in text.split(";") if s.strip()]


def migrations() -> list[Migration]:
    """Return every migration shipped, in order."""
    found = []
    for path in sorted(FOLDER.glob("[0-9][0-9][0-9][0-9]_*.sql")):
        version, name = path.stem.split("_", 1)
        found.append(Migration(version, name, path))
    return found


def applied(db: Db) -> dict[str, str]:
    """Return the versions applied to a database, with when (none when it has no schema_migrations)."""
    if not db.has_table("schema_migrations"):
        return {}
    return {r["version"]: r["applied_at"] for r in db.execute("SELECT version, applied_at FROM schema_migrations")}


def pending(db: Db) -> list[Migration]:
    """Return the migrations not yet applied."""
    done = applied(db)
    if not done and _legacy(db):
        done = {"0001": ""}
    return [m for m in migrations() if m.version not in done]


def upgrade(db: Db, project: str = "") -> list[str]:
    """Apply every pending migration in order; return the versions applied now."""
    from toolkit.ledger.store import now

    done: list[str] = []
    for m in migrations():
        with db.tx():
            db.lock("loupan", "migrations")  # two workers starting at once: one applies, the other waits
            db.execute(TABLE)
            have = applied(db)
            if m.version in have:
                continue
            if not have and _legacy(db):  # a ledger of the versions before migrations: it is 0001 already
                schema.create(db.conn)
                _record(db, migrations()[0], now())
                continue
            for statement in m.statements(db, project):
                if not _has_column_already(db, statement):
                    db.execute(statement)
            _record(db, m, now())
            done.append(m.version)
    return done


def require_current(db: Db) -> None:
    """Refuse a shared database whose schema is behind this version (upgrade it with `loupan db upgrade`)."""
    behind = pending(db)
    if behind:
        raise UsageError(
            f"台账数据库 {shown(db.url)} 的结构需要升级（缺 {', '.join(m.version for m in behind)}）："
            "请先运行 loupan db upgrade --db URL / the ledger database needs `loupan db upgrade`"
        )


def _legacy(db: Db) -> bool:
    """Say whether this is a SQLite ledger made before migrations (tables, no record of migrations)."""
    return not db.pg and db.has_table("files") and "project" not in db.columns("files")


ADD_COLUMN = re.compile(r"ALTER\s+TABLE\s+(\w+)\s+ADD\s+COLUMN\s+(\w+)", re.IGNORECASE)


def _has_column_already(db: Db, statement: str) -> bool:
    """Say whether a statement adds a column the table has (a SQLite ledger whose version added it before)."""
    m = ADD_COLUMN.match(statement)
    return m is not None and m.group(2) in db.columns(m.group(1))


def _record(db: Db, m: Migration, at: str) -> None:
    db.execute("INSERT INTO schema_migrations(version, name, applied_at) VALUES (?,?,?)", (m.version, m.name, at))
