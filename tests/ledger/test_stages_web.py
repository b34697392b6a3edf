"""Migration 0006: the 签约审定 stages and the web tables keyed by project, a 0005 ledger upgraded without loss."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.ledger.test_migrations import VERSIONS, legacy_ledger
from toolkit.ledger import migrate
from toolkit.ledger.db import Db, ledger_path
from toolkit.ledger.stages import Stage, Stages
from toolkit.ledger.store import Ledger
from toolkit.ledger.users import Accounts

# The stages table as the versions before 0006 made it on first use (ledger/stages.py, raw sqlite3).
OLD_STAGES = """
CREATE TABLE IF NOT EXISTS stages (
    id INTEGER PRIMARY KEY AUTOINCREMENT, document_id TEXT NOT NULL, deal_no TEXT, document TEXT,
    stage TEXT NOT NULL, at TEXT NOT NULL, by TEXT, sha256 TEXT, pages TEXT, path TEXT
);
CREATE INDEX IF NOT EXISTS stages_document ON stages(document_id, stage);
"""


def ledger_at_0005(path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *, stages: bool = True) -> None:
    """Write a ledger as the 0005 version left it: web rows without a project, stages made on first use."""
    legacy_ledger(path)
    older = tmp_path / "migrations-0005"
    older.mkdir()
    for m in migrate.migrations():
        if m.version <= "0005":
            (older / m.path.name).write_text(m.path.read_text(encoding="utf-8"), encoding="utf-8")
    with monkeypatch.context() as patch:
        patch.setattr(migrate, "FOLDER", older)
        db = Db(str(path))
        migrate.upgrade(db, "CHY")
        db.close()
    db3 = sqlite3.connect(path, isolation_level=None)
    db3.execute("INSERT INTO users VALUES ('周敏', '案场经理', 'argon-hash', '2026-11-20T09:00')")
    db3.execute("INSERT INTO tokens(user_name, token_hash, created_at) VALUES ('周敏', 'tok-hash', '2026-11-20')")
    db3.execute("INSERT INTO sessions VALUES ('sid-1', '周敏', 'csrf-1', '2026-11-20', '2999-01-01T00:00')")
    db3.execute(
        "INSERT INTO approvals(kind, ref, status, payload, requested_by, requested_at) "
        "VALUES ('discount', 'CHY-1', 'requested', '{\"rate_pct\": \"1.5\"}', '李娜', '2026-11-20')"
    )
    if stages:
        db3.executescript(OLD_STAGES)
        db3.execute(
            "INSERT INTO stages(document_id, deal_no, document, stage, at, by, sha256, pages, path) VALUES "
            "('CHY-1-SUBSCRIPTION', 'CHY-1', 'subscription', 'approved', '2026-11-20T10:00', '王敏', 'ab', "
            "'[\"p1\", \"p2\"]', '/review/approved/a.pdf')"
        )
    db3.close()


def test_a_0005_ledger_keeps_its_stages_and_web_rows_under_its_project(project_copy, tmp_path, monkeypatch):
    path = ledger_path(project_copy)
    ledger_at_0005(path, tmp_path, monkeypatch)
    ledger = Ledger(path)  # opening it applies 0006 in place
    assert sorted(migrate.applied(ledger.db)) == VERSIONS and "project" in ledger.db.columns("stages")
    (s,) = Stages(ledger).every()
    assert (s.document_id, s.by, s.pages, s.path) == (
        "CHY-1-SUBSCRIPTION",
        "王敏",
        ("p1", "p2"),
        "/review/approved/a.pdf",
    )
    a = Accounts(ledger)
    assert a.user("周敏")["password_hash"] == "argon-hash" and a.token_user("tok-hash") == "周敏"
    assert a.session("sid-1")["csrf"] == "csrf-1"
    (req,) = a.approvals(status="requested")
    assert req["payload"] == {"rate_pct": "1.5"} and req["project"] == "CHY"
    new = a.request("discount", "CHY-2", {"rate_pct": "1"}, "李娜")
    assert new > req["id"]  # the ids go on past the rows kept
    assert Stages(ledger).record(Stage("chy-2-contract", "CHY-2", "contract", "rendered", "")).at
    ledger.close()


def test_a_0005_ledger_that_never_recorded_a_stage_gains_the_table(tmp_path, monkeypatch):
    path = tmp_path / "p" / ".loupan" / "ledger.sqlite"
    ledger_at_0005(path, tmp_path, monkeypatch, stages=False)
    ledger = Ledger(path, "CHY")
    assert Stages(ledger).every() == [] and Accounts(ledger).user("周敏")["role"] == "案场经理"
    ledger.close()


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_each_project_sees_only_its_own_stages_and_users(backend, request, tmp_path):
    if backend == "sqlite":
        url = str(tmp_path / "shared.sqlite")
    else:
        from tests.pg.cluster import truncate

        url = request.getfixturevalue("pg_url")
        truncate(url)
    chy, other = Ledger(url, "CHY"), Ledger(url, "XYZ")
    for ledger, who in ((chy, "周敏"), (other, "陈静")):
        Accounts(ledger).save_user(who, "案场经理", "h-" + who)
        Accounts(ledger).add_token(who, "same-token-hash")  # the same hash in two projects: each its own
        Stages(ledger).record(Stage("CHY-1-SUBSCRIPTION", "CHY-1", "subscription", "approved", "", who))
        Accounts(ledger).request("discount", "CHY-1", {"rate_pct": "2"}, who)
    assert [u["name"] for u in Accounts(chy).users()] == ["周敏"] and Accounts(chy).user("陈静") is None
    assert Accounts(other).token_user("same-token-hash") == "陈静"
    assert Stages(chy).latest("chy-1-subscription", "approved").by == "周敏"
    assert [r["requested_by"] for r in Accounts(other).approvals()] == ["陈静"]
    assert Accounts(chy).revoke_tokens("周敏") == 1 and Accounts(other).token_user("same-token-hash") == "陈静"
    first = Accounts(chy).approvals()[0]["id"]
    assert Accounts(chy).decide(first, "approved", "吴芳", "销售总监", "") is True
    assert Accounts(chy).decide(first, "refused", "吴芳", "销售总监", "x") is False  # decided once
    assert Accounts(other).approvals(status="requested")[0]["status"] == "requested"
    chy.close()
    other.close()


def test_a_signed_copy_is_compared_with_the_approval_in_the_ledger_it_is_given(project_copy, pg_url, monkeypatch):
    from tests.pg.cluster import truncate
    from toolkit.ledger.stages import open_stages
    from toolkit.scan.approval import SignedCopy, against_approval

    truncate(pg_url)
    monkeypatch.delenv("LOUPAN_DB", raising=False)  # a URL handed down (an app's, a script's), not the environment
    st = open_stages(project_copy, pg_url)
    st.record(Stage("CHY-1-SUBSCRIPTION", "CHY-1", "subscription", "approved", "", "王敏", "", ("h1", "h2")))
    st.close()
    same, unlike = ({1: "h1", 2: "h2"}, {1: "h1", 2: "zz"})
    assert against_approval(project_copy, SignedCopy("s.pdf", "CHY-1-SUBSCRIPTION", same), pg_url) == []
    (f,) = against_approval(project_copy, SignedCopy("s.pdf", "CHY-1-SUBSCRIPTION", unlike), pg_url)
    assert f.rule == "sign.unlike_approved" and f.location == "第2页"
    (none,) = against_approval(project_copy, SignedCopy("s.pdf", "CHY-1-SUBSCRIPTION", same))  # its own file: none
    assert none.rule == "sign.unapproved" and not ledger_path(project_copy).exists()
