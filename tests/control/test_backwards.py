"""The ledger never moves backwards: a late 认购书 after its contract, an old one of a refunded deal (state.backwards)."""

from __future__ import annotations

import datetime as dt
import shutil

import docx
import pytest

from tests.inbox.conftest import documents, inbox_env  # noqa: F401  (the inbox's fixtures)
from toolkit import api
from toolkit.ledger.states import can_move, check_deal_move
from toolkit.ledger.store import Ledger, ledger_path
from toolkit.rules import Refusal

QUIET = {"log": lambda _: None}


def outcome(cfg, name: str) -> tuple[str, list[str]]:
    ledger = Ledger(ledger_path(cfg.project_dir))
    try:
        row = next(r for r in reversed(ledger.all_files()) if r.name == name)
        return row.outcome or "", [r["rule"] for r in row.reasons]
    finally:
        ledger.close()


def unit(cfg, code: str) -> dict:
    ledger = Ledger(ledger_path(cfg.project_dir))
    try:
        return ledger.unit(code) or {}
    finally:
        ledger.close()


def resaved(source, target):
    """Return the same document saved again: the same text, other bytes (not a duplicate by hash)."""
    docx.Document(str(source)).save(str(target))
    return target


def test_a_subscription_after_its_contract_does_not_move_the_unit_back(documents, inbox_env):  # noqa: F811
    cfg, inbox, _ = inbox_env
    shutil.copy(documents / "CHY-2026-0001-contract.docx", inbox / "contract.docx")
    api.ingest(cfg, **QUIET)
    assert outcome(cfg, "contract.docx")[0] == "accepted" and unit(cfg, "1-1801")["status"] == "已签约"
    shutil.copy(documents / "CHY-2026-0001-subscription.docx", inbox / "late-subscription.docx")
    api.ingest(cfg, **QUIET)
    assert outcome(cfg, "late-subscription.docx") == ("rejected", ["state.backwards"])
    assert unit(cfg, "1-1801")["status"] == "已签约"


def test_an_old_subscription_does_not_revive_a_refunded_deal_after_re_pricing(documents, inbox_env, tmp_path):  # noqa: F811
    cfg, inbox, _ = inbox_env
    shutil.copy(documents / "CHY-2026-0001-subscription.docx", inbox / "subscription.docx")
    api.ingest(cfg, **QUIET)
    assert outcome(cfg, "subscription.docx")[0] == "accepted"
    ws = api.open_project(cfg.project_dir)
    day = dt.date(2026, 11, 20)
    api.change(ws, "refund", deal_no="CHY-2026-0001", reason_code="买受人原因", approved_by="王强", date=day)
    api.unit_action(ws, "reprice", "1-1801", approved_by="王强")
    assert (unit(cfg, "1-1801")["status"], unit(cfg, "1-1801")["deal_no"]) == ("待售", None)
    resaved(documents / "CHY-2026-0001-subscription.docx", inbox / "old-subscription.docx")
    api.ingest(cfg, **QUIET)
    assert outcome(cfg, "old-subscription.docx") == ("rejected", ["state.backwards"])
    assert (unit(cfg, "1-1801")["status"], unit(cfg, "1-1801")["deal_no"]) == ("待售", None)
    assert api.unit_show(ws, "1-1801").deal is None


def test_the_state_machine_goes_forward_only():
    assert can_move("待售", "已认购") and can_move("已认购", "已签约") and can_move("已签约", "待售")
    assert not can_move("已签约", "已认购") and not can_move("销控", "已认购") and not can_move("已交付", "待售")
    check_deal_move("CHY-2026-0001", "已认购", "已签约")
    with pytest.raises(Refusal) as refused:
        check_deal_move("CHY-2026-0001", "已退房", "已认购")
    assert refused.value.rule == "state.backwards" and "已退房" in str(refused.value)


def test_a_clean_sequence_raises_no_backwards_finding(documents, inbox_env):  # noqa: F811
    cfg, inbox, _ = inbox_env
    for name in ("CHY-2026-0002-subscription.docx", "CHY-2026-0002-contract.docx"):
        shutil.copy(documents / name, inbox / name)
        api.ingest(cfg, **QUIET)
        assert outcome(cfg, name) == ("accepted", [])
