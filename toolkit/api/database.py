"""The ledger database through the api: migrations, status, and moving a project's ledger in and out.

A URL names the database (`--db`, else LOUPAN_DB, else the project's own SQLite file); see `ledger/db.py`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from toolkit.errors import UsageError
from toolkit.ledger import migrate
from toolkit.ledger.db import Db, is_pg, ledger_path, project_code, resolve, shown
from toolkit.ledger.store import counts_by_project
from toolkit.ledger.transfer import Tally, move_project

__all__ = ["DbStatus", "Moved", "all_projects", "db_export", "db_import", "db_status", "db_upgrade"]


@dataclass(frozen=True)
class DbStatus:
    """A ledger database: where, the migrations applied (with when) and pending, the projects it holds."""

    where: str
    backend: str
    applied: dict[str, str]
    pending: list[str]
    projects: dict[str, dict[str, int]] = field(default_factory=dict)


@dataclass(frozen=True)
class Moved:
    """A project's ledger copied from one database to another: rows and checksum of each table."""

    project: str
    source: str
    target: str
    tables: dict[str, Tally]


def _open(project_dir: Path | None, url: str | None) -> tuple[Db, str]:
    chosen = resolve(project_dir, url)
    if not is_pg(chosen) and not Path(chosen).is_file():
        raise UsageError(f"{chosen}：这里还没有台账（第一个写入台账的命令会创建它）")
    return Db(chosen), project_code(project_dir)


def db_upgrade(project_dir: Path | None = None, url: str | None = None) -> list[str]:
    """Apply the pending migrations to a ledger database; return the versions applied."""
    db = Db(resolve(project_dir, url))
    try:
        return migrate.upgrade(db, project_code(project_dir))
    finally:
        db.close()


def db_status(project_dir: Path | None = None, url: str | None = None) -> DbStatus:
    """Return the migrations applied and pending, and the files per outcome of every project held."""
    db, _ = _open(project_dir, url)
    try:
        behind = [m.version for m in migrate.pending(db)]
        counts = counts_by_project(db) if not behind else {}
        return DbStatus(shown(db.url), db.dialect, migrate.applied(db), behind, counts)
    finally:
        db.close()


def all_projects(url: str | None = None, project_dir: Path | None = None) -> DbStatus:
    """Return the files per outcome of every project in the ledger database (`status --all-projects`)."""
    return db_status(project_dir, url)


def db_import(project_dir: Path, url: str | None = None) -> Moved:
    """Copy a project's own SQLite ledger into the database named by the URL (LOUPAN_DB)."""
    source_path = ledger_path(project_dir)
    target_url = resolve(None, url)
    if not source_path.is_file():
        raise UsageError(f"{source_path}：此项目没有可导入的 SQLite 台账")
    if Path(target_url) == source_path:
        raise UsageError("--db：请写要导入的数据库（postgresql://…），不是项目自己的台账文件")
    return _move(project_dir, str(source_path), target_url, create=False)


def db_export(project_dir: Path, to: Path, url: str | None = None) -> Moved:
    """Write a project's rows from the database named by the URL into a new SQLite file."""
    to = Path(to)
    if to.exists():
        raise UsageError(f"--to {to}：文件已存在；导出从不覆盖文件（请换一个新文件名）")
    try:
        return _move(project_dir, resolve(None, url), str(to), create=True)
    except BaseException:
        for leftover in (to, to.with_name(to.name + "-wal"), to.with_name(to.name + "-shm")):
            leftover.unlink(missing_ok=True)  # the file this export made, half written: never an office's own
        raise


def _move(project_dir: Path, source_url: str, target_url: str, *, create: bool) -> Moved:
    project = project_code(project_dir)
    if not project:
        raise UsageError(f"{project_dir}：不是项目文件夹（没有写明 project.code 的 project.yaml）")
    return Moved(project, shown(source_url), shown(target_url), move_project(project, source_url, target_url, create))
