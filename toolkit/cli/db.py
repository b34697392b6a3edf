"""`loupan db ...`: the ledger database — migrations, status, and a project's ledger moved in and out."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from toolkit.cli import options as o


def add_commands(sub: Any) -> None:
    """Add db upgrade, status, import and export."""
    actions = o.group(sub, "db", "台账数据库：迁移、状态，项目台账的导入和导出")
    up = o.command(actions, "upgrade", "对台账数据库执行待应用的结构迁移", _upgrade)
    _where(up)
    st = o.command(actions, "status", "已应用和待应用的迁移，以及数据库中的项目", _status)
    _where(st)
    o.as_json(st)
    imp = o.command(actions, "import", "将项目自己的 SQLite 台账复制到 --db 指定的数据库", _import)
    o.project(imp, "要复制其 SQLite 台账（.loupan/ledger.sqlite）的项目文件夹", ledger=False)
    o.ledger_db(imp, "复制到的数据库，postgresql://…（默认：LOUPAN_DB）")
    exp = o.command(actions, "export", "将 --db 数据库中该项目的数据写入新的 SQLite 文件", _export)
    o.project(exp, "项目文件夹（按其项目编号选取数据）", ledger=False)
    exp.add_argument("--to", type=Path, required=True, help="要写出的 SQLite 文件（须尚不存在）")
    o.ledger_db(exp, "从中复制的数据库，postgresql://…（默认：LOUPAN_DB）")


def _where(p: argparse.ArgumentParser) -> None:
    p.add_argument("--project", type=Path, help="项目文件夹：用其自己的 SQLite 台账，除非给了 --db 或 LOUPAN_DB")
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
