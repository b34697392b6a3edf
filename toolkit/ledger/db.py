"""Where a ledger lives and one connection over SQLite and PostgreSQL: every dialect difference is here.

A ledger is named by a URL: `postgresql://…` (or `postgres://…`) for a shared PostgreSQL database, anything
else (a path, or `sqlite:///path`) for a SQLite file. `--db` on the command line, else `LOUPAN_DB`, else
the project's own SQLite file under `.loupan/`. SQL is written once with `?` placeholders; `Db.execute`
rewrites them for psycopg.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from toolkit.errors import ToolkitError, UsageError

ENV = "LOUPAN_DB"
PG_PREFIXES = ("postgresql://", "postgres://")
# The per-backend words the migrations use; everything else in them is the same SQL on both.
WORDS = {
    "sqlite": {
        "serial_pk": "INTEGER PRIMARY KEY AUTOINCREMENT",
        "serial": "INTEGER PRIMARY KEY AUTOINCREMENT",
        "serial_key": "UNIQUE",
    },
    "postgresql": {"serial_pk": "BIGSERIAL PRIMARY KEY", "serial": "BIGSERIAL", "serial_key": "PRIMARY KEY"},
}


def ledger_path(project_dir: Path) -> Path:
    """Return where a project's own SQLite ledger lives."""
    return Path(project_dir) / ".loupan" / "ledger.sqlite"


def resolve(project_dir: Path | None, url: str | None = None) -> str:
    """Return the ledger URL: the one given, else LOUPAN_DB, else the project's SQLite file."""
    chosen = url or os.environ.get(ENV)
    if chosen:
        return chosen
    if project_dir is None:
        raise UsageError(f"没有台账：请给出 --db URL 或设置 {ENV}（或用 --project DIR 使用项目自己的 SQLite 台账）")
    return str(ledger_path(project_dir))


def is_pg(url: str) -> bool:
    """Say whether a ledger URL names a PostgreSQL database."""
    return str(url).startswith(PG_PREFIXES)


def sqlite_file(url: str) -> Path:
    """Return the file a SQLite URL names."""
    return Path(str(url).removeprefix("sqlite:///").removeprefix("sqlite://"))


def shown(url: str) -> str:
    """Return a URL fit for a log or a status line: its password replaced by ***."""
    return re.sub(r"(://[^:/@]+:)[^@]*@", r"\1***@", str(url))


def project_code(project_dir: Path | None) -> str:
    """Return the project code of a project folder (from project.yaml), or '' when there is none."""
    if project_dir is None or not (Path(project_dir) / "project.yaml").is_file():
        return ""
    from toolkit import yamlio

    try:
        data = yamlio.load_yaml((Path(project_dir) / "project.yaml").read_text(encoding="utf-8")) or {}
        return str((data.get("project") or {}).get("code") or "")
    except Exception:  # noqa: BLE001 - a broken project.yaml is reported with its details by load_project
        return ""


class Db:
    """One connection to a ledger database, SQLite or PostgreSQL, in autocommit with explicit transactions."""

    def __init__(self, url: str):
        self.url = str(url)
        self.dialect = "postgresql" if is_pg(self.url) else "sqlite"
        self._sql: dict[str, str] = {}
        self._locked: set[int] = set()  # advisory locks the open transaction holds: asked for once each
        self.serial = 0  # counts the transactions begun: what was read under a lock is known only within its own
        self.conn: Any = _connect_pg(self.url) if self.dialect == "postgresql" else _connect_sqlite(self.url)

    @property
    def pg(self) -> bool:
        """Say whether this is PostgreSQL."""
        return self.dialect == "postgresql"

    def execute(self, sql: str, args: Any = ()) -> Any:
        """Run one statement; `?` placeholders on both backends."""
        if not self.pg:
            return self.conn.execute(sql, args)
        text = self._sql.get(sql)
        if text is None:
            text = self._sql[sql] = sql.replace("%", "%%").replace("?", "%s")
        try:
            return self.conn.execute(text, tuple(args))
        except _pg_errors() as exc:
            raise ToolkitError(f"台账数据库并发冲突，请重试 / the ledger database refused a concurrent change: {exc}")

    def executemany(self, sql: str, rows: Any) -> Any:
        """Run one statement for each row of arguments."""
        if not self.pg:
            return self.conn.executemany(sql, rows)
        cur = self.conn.cursor()
        cur.executemany(sql.replace("%", "%%").replace("?", "%s"), [tuple(r) for r in rows])
        return cur

    def one(self, sql: str, args: Any = ()) -> Any:
        """Return the first row of a query, or None."""
        return self.execute(sql, args).fetchone()

    def words(self) -> dict[str, str]:
        """Return the per-backend words of the migrations."""
        return WORDS[self.dialect]

    @property
    def in_transaction(self) -> bool:
        """Say whether a transaction is open."""
        if self.pg:
            from psycopg.pq import TransactionStatus

            return bool(self.conn.info.transaction_status != TransactionStatus.IDLE)
        return bool(self.conn.in_transaction)

    def begin(self) -> None:
        """Open a transaction: on SQLite the write lock at once (what is read inside stays true until commit)."""
        self._locked.clear()
        self.serial += 1
        self.execute("BEGIN" if self.pg else "BEGIN IMMEDIATE")

    @contextlib.contextmanager
    def tx(self) -> Iterator[None]:
        """One transaction: committed when the block ends, rolled back on an error; inside one, join it."""
        if self.in_transaction:
            yield
            return
        self.begin()
        try:
            yield
        except BaseException:
            self.execute("ROLLBACK")
            raise
        self.execute("COMMIT")

    def lock(self, *key: str) -> None:
        """Hold a lock on a name until the transaction ends (PostgreSQL; SQLite's write lock already covers it)."""
        if self.pg and self.in_transaction:
            digest = hashlib.blake2b("/".join(key).encode(), digest_size=8).digest()
            number = int.from_bytes(digest, "big", signed=True)
            if number not in self._locked:  # held already until this transaction ends: no round trip
                self.execute("SELECT pg_advisory_xact_lock(?)", (number,))
                self._locked.add(number)

    def has_table(self, name: str) -> bool:
        """Say whether a table exists."""
        if self.pg:
            return self.one("SELECT to_regclass(?) AS t", (name,))["t"] is not None
        return self.one("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (name,)) is not None

    def columns(self, table: str) -> list[str]:
        """Return a table's columns in order."""
        if self.pg:
            rows = self.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name=? AND table_schema=current_schema() "
                "ORDER BY ordinal_position",
                (table,),
            )
            return [r["column_name"] for r in rows]
        return [r[1] for r in self.execute(f"PRAGMA table_info({table})")]

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()


def _connect_sqlite(url: str) -> sqlite3.Connection:
    path = sqlite_file(url)
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(str(path), timeout=30, isolation_level=None)
    db.row_factory = sqlite3.Row
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    return db


def _connect_pg(url: str) -> Any:
    try:
        import psycopg
        from psycopg.rows import dict_row
    except ImportError:  # pragma: no cover - psycopg is a dependency
        raise UsageError("PostgreSQL 台账：未安装 psycopg 包") from None
    try:
        return psycopg.connect(url, autocommit=True, row_factory=dict_row, connect_timeout=10)
    except psycopg.OperationalError as exc:
        raise UsageError(f"无法连接台账数据库 {shown(url)}：{str(exc).strip()}") from None


def _pg_errors() -> tuple[type[BaseException], ...]:
    from psycopg import errors

    return (errors.DeadlockDetected, errors.SerializationFailure)
