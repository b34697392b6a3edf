"""The schema as numbered migrations: a fresh ledger, a ledger of the versions before migrations, PostgreSQL."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from toolkit.ledger import migrate, schema
from toolkit.ledger.db import Db, ledger_path
from toolkit.ledger.paper import Paper
from toolkit.ledger.sales import Sales
from toolkit.ledger.store import Ledger
from toolkit.ledger.transfer import TABLES

ROOT = Path(__file__).resolve().parents[2]
VERSIONS = [m.version for m in migrate.migrations()]


def legacy_ledger(path: Path, *, oldest: bool = False) -> None:
    """Write a ledger as the versions before migrations did (the oldest ones lacked the ADDED columns)."""
    path.parent.mkdir(parents=True)
    db = sqlite3.connect(path, isolation_level=None)
    if oldest:
        for statement in (schema.FILES + schema.SALES).split(";"):
            if statement.strip():
                db.execute(statement)
    else:
        schema.create(db)
    db.execute(
        "INSERT INTO files(name, claim_path, size, received_at, state, outcome, sha256) "
        "VALUES ('a.docx', '/c/1__a.docx', 10, '2026-11-20T09:00', 'filed', 'accepted', 'aa')"
    )
    db.execute("INSERT INTO units(code, status, deal_no, updated_at) VALUES ('1-1801', '已认购', 'CHY-1', 't')")
    db.execute("INSERT INTO unit_events(code, status, deal_no, at) VALUES ('1-1801', '已认购', 'CHY-1', 't')")
    db.execute(
        "INSERT INTO deals VALUES ('CHY-1', '1-1801', '已认购', '[]', '100.00', '10.00', '一次性', '2026-11-20', 't')"
    )
    db.execute(
        "INSERT INTO changes(no, kind, deal_no, unit, status, payload, date) VALUES "
        "('CHY-1-HF1', 'room', 'CHY-1', '1-1801', 'requested', ?, '2026-11-20')",
        (json.dumps({"new_unit": "1-1802"}),),
    )
    if not oldest:  # the current code keeps the room change's new unit in its column, and the paperwork
        db.execute("UPDATE changes SET new_unit='1-1802'")
        db.execute("INSERT INTO notices(no, kind, deal_no, unit, payload, issued) VALUES "
                   "('CHY-1-CS1', '催款', 'CHY-1', '1-1801', '{}', '2026-11-21')")  # fmt: skip
    db.execute("INSERT INTO receipts VALUES ('R1', '2026-11-20', '甲', '1-1801', 'CHY-1', '定金', '10.00', "
               "'转账', 'A', '钱', '有效')")  # fmt: skip
    db.execute("INSERT INTO deposits(date, kind, amount, account) VALUES ('2026-11-20', '银行入账', '10.00', 'A')")
    db.close()


def test_a_fresh_ledger_records_every_migration(tmp_path):
    ledger = Ledger(tmp_path / "l.sqlite", "CHY")
    assert sorted(migrate.applied(ledger.db)) == VERSIONS
    assert migrate.pending(ledger.db) == []
    ledger.close()


def test_a_ledger_made_before_migrations_is_upgraded_in_place_without_losing_rows(project_copy):
    path = ledger_path(project_copy)
    legacy_ledger(path)
    ledger = Ledger(path)  # its project code comes from the project folder
    assert ledger.project == "CHY" and sorted(migrate.applied(ledger.db)) == VERSIONS
    sales = Sales(ledger, {"1-1801": "待售", "1-1802": "待售"})
    assert [r.name for r in ledger.all_files()] == ["a.docx"]
    assert sales.unit("1-1801").status == "已认购" and sales.deal("CHY-1")["total"] == "100.00"
    assert [c["no"] for c in sales.changes_of_unit("1-1802")] == ["CHY-1-HF1"]
    assert sales.paid("CHY-1") == 10 and len(sales.deposits("2026-11-20")) == 1
    assert [e["status"] for e in sales.history("1-1801")] == ["已认购"]
    assert [n["no"] for n in Paper(ledger).notices_of_deal("CHY-1")] == ["CHY-1-CS1"]
    ledger.close()


def test_the_oldest_ledgers_gain_their_columns_filled_from_what_they_kept(tmp_path):
    path = tmp_path / "p" / ".loupan" / "ledger.sqlite"
    legacy_ledger(path, oldest=True)
    ledger = Ledger(path, "CHY")
    sales = Sales(ledger, {"1-1801": "待售", "1-1802": "待售"})
    assert [c["no"] for c in sales.changes_of_unit("1-1802")] == ["CHY-1-HF1"]  # new_unit from the payload
    assert sales.unit("1-1801").needs_pricing is False
    ledger.close()


def test_an_upgrade_that_fails_leaves_the_ledger_as_it_was(tmp_path, monkeypatch):
    path = tmp_path / "p" / ".loupan" / "ledger.sqlite"
    legacy_ledger(path)
    broken = tmp_path / "migrations"
    broken.mkdir()
    for m in migrate.migrations():
        (broken / m.path.name).write_text(m.path.read_text(encoding="utf-8"), encoding="utf-8")
    text = (broken / "0002_projects.sql").read_text(encoding="utf-8")
    (broken / "0002_projects.sql").write_text(text.replace("DROP TABLE deposits;", "DROP TABLE nonesuch;"))
    monkeypatch.setattr(migrate, "FOLDER", broken)
    db = Db(str(path))
    with pytest.raises(Exception, match="nonesuch"):  # the failure itself is what is tested
        migrate.upgrade(db, "CHY")
    assert "project" not in db.columns("files") and db.one("SELECT COUNT(*) AS n FROM files")["n"] == 1
    assert migrate.applied(db) == {"0001": migrate.applied(db)["0001"]}  # 0001 recorded, 0002 not at all
    db.close()


def test_postgresql_gets_the_same_tables_and_columns(pg_url, tmp_path):
    pg, lite = Db(pg_url), Ledger(tmp_path / "l.sqlite", "CHY")
    assert sorted(migrate.applied(pg)) == VERSIONS and migrate.pending(pg) == []
    for table in (*TABLES, "schema_migrations"):
        assert pg.columns(table) == lite.db.columns(table), table
    pg.close()
    lite.close()


@pytest.mark.slow  # several loupan processes
def test_db_upgrade_and_status_on_the_command_line(pg_cluster, tmp_path):
    url = pg_cluster.create("t_cli_upgrade")
    run = lambda *a: subprocess.run(  # noqa: E731
        [sys.executable, "-m", "toolkit.cli", "db", *a], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    before = run("status", "--db", url)
    assert before.returncode == 0 and "待应用 0001" in before.stdout and "待应用 0002" in before.stdout
    up = run("upgrade", "--db", url)
    assert up.returncode == 0 and "已应用 0001、0002" in up.stdout
    again = run("upgrade", "--db", url)
    assert "已是最新" in again.stdout
    after = run("status", "--db", url)
    assert "已应用 0002" in after.stdout and "待应用" not in after.stdout
