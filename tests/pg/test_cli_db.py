"""`--db URL` on the commands that touch the ledger: the shared database is used, the project folder untouched."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from toolkit.ledger.db import ledger_path

ROOT = Path(__file__).resolve().parents[2]


def loupan(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "toolkit.cli", *args], cwd=ROOT, capture_output=True, text=True, timeout=60, env=env
    )


@pytest.mark.slow  # several loupan processes
def test_a_deal_recorded_with_db_lands_in_the_shared_database(project_copy, pg_cluster):
    url = pg_cluster.create("t_cli_db")
    assert loupan("db", "upgrade", "--db", url).returncode == 0
    deal = str(project_copy / "deals" / "CHY-2026-0001.yaml")
    done = loupan("deal", "subscribe", "--deal", deal, "--project", str(project_copy), "--db", url)
    assert done.returncode == 0, done.stderr
    assert not ledger_path(project_copy).exists(), "the project's own SQLite ledger is not used"
    shown = loupan("unit", "show", "1-1801", "--project", str(project_copy), "--db", url)
    assert "1-1801: 已认购" in shown.stdout
    again = loupan("deal", "subscribe", "--deal", deal, "--project", str(project_copy), "--db", url)
    assert again.returncode == 1 and "已在台账中" in again.stderr  # one deal once, in the shared database too
    status = loupan("db", "status", "--db", url)
    assert "项目 CHY：成交 1" in status.stdout
    alone = loupan("unit", "show", "1-1801", "--project", str(project_copy))  # without --db: its own file, empty
    assert "1-1801: 待售" in alone.stdout


def test_a_database_behind_the_code_is_refused_with_what_to_do(project_copy, pg_cluster):
    url = pg_cluster.create("t_cli_behind")  # never upgraded
    shown = loupan("unit", "show", "1-1801", "--project", str(project_copy), "--db", url)
    assert shown.returncode == 2 and "loupan db upgrade" in shown.stderr and "Traceback" not in shown.stderr


def test_an_unreachable_database_is_a_clear_error(project_copy):
    url = "postgresql://nobody@/nowhere?host=/nonexistent-socket-dir"
    shown = loupan("unit", "show", "1-1801", "--project", str(project_copy), "--db", url)
    assert shown.returncode == 2 and "无法连接台账数据库" in shown.stderr
