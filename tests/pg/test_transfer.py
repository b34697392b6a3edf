"""`loupan db import` and `loupan db export`: a project's ledger into PostgreSQL and back, nothing lost."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.ledger.test_migrations import legacy_ledger
from toolkit.api import database
from toolkit.errors import UsageError
from toolkit.ledger.db import Db, ledger_path
from toolkit.ledger.paper import Paper
from toolkit.ledger.sales import Sales
from toolkit.ledger.stages import Stage, Stages
from toolkit.ledger.store import Ledger
from toolkit.ledger.transfer import tally
from toolkit.ledger.users import Accounts

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def office(project_copy) -> Path:
    """A project whose SQLite ledger was made by an earlier version and has rows in every table."""
    legacy_ledger(ledger_path(project_copy))
    ledger = Ledger(ledger_path(project_copy))
    sales = Sales(ledger, {"1-1801": "待售", "1-1802": "待售"})
    with sales.transaction():
        sales.set_unit("1-1801", "已签约", "CHY-1")
    ledger.claim("b.pdf", Path("/c/2__b.pdf"), 20)
    paper = Paper(ledger)
    paper.record_prices([("1-1801", "30000", "31000", "28000")], "首开", "2026-11-01")
    paper.add_notice(
        "CHY-1-CS2", kind="催款", deal_no="CHY-1", unit="1-1801", payload={"due": "1"}, issued="2026-11-21"
    )
    paper.add_case(
        "KF-1", kind="投诉", who="甲", what="噪音", received="2026-11-21", deadline="2026-11-28", handler="乙"
    )
    Stages(ledger).record(Stage("CHY-1-SUBSCRIPTION", "CHY-1", "subscription", "approved", "", "王敏", "", ("p1",)))
    web = Accounts(ledger)  # the web page's records: a user with a token and a session, a discount asked for
    web.save_user("周敏", "案场经理", "argon-hash")
    web.add_token("周敏", "token-hash")
    web.add_session("sid-1", "周敏", "csrf-1", "2999-01-01T00:00")
    web.request("discount", "CHY-1", {"rate_pct": "1.5"}, "李娜")
    ledger.close()
    return project_copy


def test_import_then_export_keeps_every_row(office, pg_url, tmp_path):
    source = Db(str(ledger_path(office)))
    before = tally(source, "CHY")
    source.close()
    assert all(t.rows >= 1 for t in before.values()), before
    moved = database.db_import(office, pg_url)
    assert moved.tables == before
    back = database.db_export(office, tmp_path / "back.sqlite", pg_url)
    assert back.tables == before
    exported = Db(str(tmp_path / "back.sqlite"))
    assert tally(exported, "CHY") == before
    exported.close()
    ledger = Ledger(pg_url, "CHY")  # new rows in PostgreSQL get ids past the imported ones
    new_id = ledger.claim("c.pdf", Path("/c/3__c.pdf"), 30)
    assert new_id > max(r.id for r in ledger.all_files() if r.name != "c.pdf")
    web = Accounts(ledger)  # so do the web's approvals and the stages, and the imported login works
    (imported,) = web.approvals()
    assert web.request("discount", "CHY-1", {"rate_pct": "1"}, "李娜") > imported["id"]
    assert web.token_user("token-hash") == "周敏" and web.session("sid-1")["csrf"] == "csrf-1"
    assert len(Stages(ledger).every()) == 1 and Stages(ledger).record(Stage("CHY-1-CONTRACT", "CHY-1", "contract",
                                                                           "rendered", "")).at  # fmt: skip
    ledger.close()


def test_a_project_already_in_the_database_is_refused_and_an_export_never_overwrites(office, pg_url, tmp_path):
    with pytest.raises(UsageError, match="已在"):
        database.db_import(office, pg_url)  # imported by the test above: never merged
    existing = tmp_path / "x.sqlite"
    existing.write_bytes(b"keep")
    with pytest.raises(UsageError, match="从不覆盖"):
        database.db_export(office, existing, pg_url)
    assert existing.read_bytes() == b"keep"


@pytest.mark.slow  # several loupan processes
def test_import_and_export_on_the_command_line(pg_cluster, office, tmp_path):
    url = pg_cluster.create("t_cli_import")
    other = tmp_path / "other"
    shutil.copytree(office, other)
    run = lambda *a: subprocess.run(  # noqa: E731
        [sys.executable, "-m", "toolkit.cli", *a], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert run("db", "upgrade", "--db", url).returncode == 0
    imported = run("db", "import", "--project", str(office), "--db", url)
    assert imported.returncode == 0, imported.stderr
    assert "files：2 行" in imported.stdout and "deals：1 行" in imported.stdout
    assert "stages：1 行" in imported.stdout and "approvals：1 行" in imported.stdout
    status = run("status", "--project", str(office), "--db", url, "--all-projects")
    assert "CHY：通过 1，成交 1，处理中 1" in status.stdout, status.stdout
    exported = run("db", "export", "--project", str(office), "--to", str(tmp_path / "o.sqlite"), "--db", url)
    assert exported.returncode == 0 and "files：2 行" in exported.stdout
    again = run("db", "import", "--project", str(other), "--db", url)
    assert again.returncode == 2 and "Traceback" not in again.stderr and "已在" in again.stderr
