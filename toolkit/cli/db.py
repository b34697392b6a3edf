"""`loupan db ...`: the ledger database — migrations, status, and a project's ledger moved in and out."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from toolkit.cli import options as o


def add_commands(sub: Any) -> None:
    """Add db upgrade, status, import and export."""
    actions = o.group(sub, "db", "the ledger database: migrations, status, import and export of a project's ledger")
    up = o.command(actions, "upgrade", "apply the pending schema migrations to the ledger database", _upgrade)
    _where(up)
    st = o.command(actions, "status", "migrations applied and pending, and the projects the database holds", _status)
    _where(st)
    o.as_json(st)
    imp = o.command(actions, "import", "copy a project's own SQLite ledger into the database of --db", _import)
    o.project(imp, "the project folder whose SQLite ledger (.loupan/ledger.sqlite) is copied", ledger=False)
    o.ledger_db(imp, "the database to copy into, postgresql://… (default: LOUPAN_DB)")
    exp = o.command(
        actions, "export", "write a project's rows from the database of --db into a new SQLite file", _export
    )
    o.project(exp, "the project folder (its project code chooses the rows)", ledger=False)
    exp.add_argument("--to", type=Path, required=True, help="the SQLite file to write (must not exist yet)")
    o.ledger_db(exp, "the database to copy from, postgresql://… (default: LOUPAN_DB)")


def _where(p: argparse.ArgumentParser) -> None:
    p.add_argument("--project", type=Path, help="a project folder: its own SQLite ledger, unless --db or LOUPAN_DB")
    o.ledger_db(p)


def _upgrade(args: argparse.Namespace) -> int:
    from toolkit.api import database

    done = database.db_upgrade(args.project, args.ledger_url)
    print(f"已应用 {'、'.join(done)}" if done else "台账数据库已是最新")
    return 0


def _status(args: argparse.Namespace) -> int:
    from toolkit.api import database

    st = database.db_status(args.project, args.ledger_url)
    if args.json:
        o.print_json(st)
        return 0
    from toolkit.api import FILE_OUTCOMES

    print(f"台账数据库：{st.where}（{st.backend}）")
    for version, at in sorted(st.applied.items()):
        print(f"  已应用 {version} {at}")
    for version in st.pending:
        print(f"  待应用 {version}（请运行 loupan db upgrade）")
    for project, counts in st.projects.items():
        print(f"  项目 {project}：" + "，".join(f"{FILE_OUTCOMES.get(k, k)} {v}" for k, v in sorted(counts.items())))
    return 0


def _import(args: argparse.Namespace) -> int:
    from toolkit.api import database

    _print_moved(database.db_import(args.project, args.ledger_url))
    return 0


def _export(args: argparse.Namespace) -> int:
    from toolkit.api import database

    _print_moved(database.db_export(args.project, args.to, args.ledger_url))
    return 0


def _print_moved(moved: Any) -> None:
    print(f"项目 {moved.project}：{moved.source} -> {moved.target}")
    for table, t in moved.tables.items():
        print(f"  {table}：{t.rows} 行，sha256 {t.checksum[:16]}…（两边相同）")
