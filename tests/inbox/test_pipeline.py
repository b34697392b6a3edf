"""The inbox pipeline with the real checks: verdicts, duplicates, the 认购书 on record, units, recovery."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
from pathlib import Path

import docx

from toolkit import api
from toolkit.inbox.pipeline import Pipeline
from toolkit.inbox.worker import CheckWorker
from toolkit.ledger.store import Ledger, ledger_path


def drop(documents: Path, inbox: Path, *names: str) -> None:
    for name in names:
        shutil.copy(documents / name, inbox / name)


def filed(filed_dir: Path) -> dict[str, list[str]]:
    return {
        o: sorted(
            p.name.split("__", 1)[1]
            for p in (filed_dir / o).iterdir()
            if not p.name.endswith((".report.json", ".report.html"))
        )
        for o in ("accepted", "rejected", "quarantine", "duplicates")
    }


def ledger(cfg) -> Ledger:
    return Ledger(ledger_path(cfg.project_dir))


def test_a_clean_pair_is_accepted_and_moves_its_unit(documents, inbox_env):
    cfg, inbox, filed_dir = inbox_env
    drop(documents, inbox, "CHY-2026-0001-subscription.docx")
    assert api.ingest(cfg, log=lambda _: None) == 1
    assert ledger(cfg).unit("1-1801")["status"] == "已认购"
    drop(documents, inbox, "CHY-2026-0001-contract.docx")
    api.ingest(cfg, log=lambda _: None)
    assert filed(filed_dir)["accepted"] == ["CHY-2026-0001-contract.docx", "CHY-2026-0001-subscription.docx"]
    assert ledger(cfg).unit("1-1801")["status"] == "已签约"
    assert list(inbox.iterdir()) == []
    report = json.loads(next((filed_dir / "accepted").glob("*contract.docx.report.json")).read_text())
    assert report["outcome"] == "accepted" and report["deal_no"] == "CHY-2026-0001"


def test_a_contract_is_checked_against_the_accepted_subscription_on_record(documents, inbox_env, tmp_path):
    cfg, inbox, filed_dir = inbox_env
    drop(documents, inbox, "CHY-2026-0001-subscription.docx")
    api.ingest(cfg, log=lambda _: None)
    contract = docx.Document(str(documents / "CHY-2026-0001-contract.docx"))
    for p in contract.paragraphs:
        for run in p.runs:
            run.text = run.text.replace("买受人：张伟", "买受人：张玮")
    contract.save(str(inbox / "contract-renamed-buyer.docx"))
    api.ingest(cfg, log=lambda _: None)
    assert filed(filed_dir)["rejected"] == ["contract-renamed-buyer.docx"]
    (row,) = ledger(cfg).recent("rejected")
    assert "terms.mismatch" in {r["rule"] for r in row.reasons}


def test_a_second_copy_is_filed_as_a_duplicate_pointing_at_the_first(documents, inbox_env):
    cfg, inbox, filed_dir = inbox_env
    drop(documents, inbox, "CHY-2026-0002-subscription.docx")
    api.ingest(cfg, log=lambda _: None)
    shutil.copy(documents / "CHY-2026-0002-subscription.docx", inbox / "again.docx")
    api.ingest(cfg, log=lambda _: None)
    assert filed(filed_dir)["duplicates"] == ["again.docx"]
    report = json.loads(next((filed_dir / "duplicates").glob("*.report.json")).read_text())
    assert report["duplicate_of"]["file"] == "CHY-2026-0002-subscription.docx"


def test_a_subscription_for_a_unit_subscribed_by_another_deal_is_rejected(documents, inbox_env):
    cfg, inbox, filed_dir = inbox_env
    drop(documents, inbox, "CHY-2026-0001-subscription.docx")
    api.ingest(cfg, log=lambda _: None)
    drop(documents, inbox, "CHY-2026-0009-subscription.docx")
    api.ingest(cfg, log=lambda _: None)
    assert filed(filed_dir)["rejected"] == ["CHY-2026-0009-subscription.docx"]
    (row,) = ledger(cfg).recent("rejected")
    assert [(r["rule"], r["location"]) for r in row.reasons] == [("unit.unavailable", "房号")]  # not unit.code
    assert ledger(cfg).unit("1-1801")["deal_no"] == "CHY-2026-0001"


def test_rendering_never_moves_a_unit(documents, inbox_env):
    cfg, inbox, filed_dir = inbox_env
    ws = api.open_project(cfg.project_dir)
    api.render(ws, deals=api.deal_files(ws), docs=["subscription"], out=filed_dir.parent / "out")
    api.render(ws, deals=api.deal_files(ws), docs=["subscription"], out=filed_dir.parent / "out2")
    assert not ledger_path(cfg.project_dir).exists() or ledger(cfg).unit("1-1801") is None


def test_recovery_finishes_what_was_in_flight(documents, inbox_env):
    cfg, inbox, filed_dir = inbox_env
    db = ledger(cfg)
    worker = CheckWorker(cfg.project_dir, None, 60)
    try:
        pipeline = Pipeline(cfg, db, worker, lambda _: None)
        # 1. claimed by rename, then the process died before the ledger knew
        shutil.copy(documents / "CHY-2026-0002-subscription.docx", cfg.work / "123-ab__sub.docx")
        # 2. verdict committed (state filing), then the process died before the move
        claim = cfg.work / "124-cd__contract.docx"
        shutil.copy(documents / "CHY-2026-0002-contract.docx", claim)
        file_id = db.claim("contract.docx", claim, claim.stat().st_size)
        target = filed_dir / "accepted" / f"{file_id:06d}__contract.docx"
        db.decide(file_id, outcome="accepted", filed_path=str(target), reasons=[])
        assert pipeline.recover() == 2
    finally:
        worker.stop()
    assert filed(filed_dir)["accepted"] == ["contract.docx", "sub.docx"]
    assert list(cfg.work.iterdir()) == []
    assert [r.state for r in db.all_files()] == ["filed", "filed"]


def test_logs_and_status_mask_personal_data(documents, inbox_env, tmp_path):
    cfg, inbox, filed_dir = inbox_env
    name = "张伟440305198806124536-13800138000.txt"
    (inbox / name).write_text("not a form", encoding="utf-8")
    lines: list[str] = []
    api.ingest(cfg, log=lines.append)
    text = "\n".join(lines) + json.dumps(dataclasses.asdict(api.inbox_status(cfg.project_dir)), ensure_ascii=False)
    assert "440305198806124536" not in text and "13800138000" not in text
    assert "440305********4536" in text


def test_the_inbox_never_overwrites_a_filed_document(documents, inbox_env):
    cfg, inbox, filed_dir = inbox_env
    drop(documents, inbox, "CHY-2026-0002-contract.docx")
    api.ingest(cfg, log=lambda _: None)
    first = next((filed_dir / "accepted").glob("*__CHY-2026-0002-contract.docx"))
    before = first.read_bytes()
    d = docx.Document(str(documents / "CHY-2026-0002-contract.docx"))
    d.core_properties.comments = "re-saved"
    d.save(str(inbox / "CHY-2026-0002-contract.docx"))
    api.ingest(cfg, log=lambda _: None)
    assert first.read_bytes() == before
    assert len(list((filed_dir / "accepted").glob("*__CHY-2026-0002-contract.docx"))) == 2
    assert os.listdir(inbox) == []


def test_an_accepted_subscription_becomes_a_deal_that_sales_control_can_change(documents, inbox_env):
    import datetime as dt

    cfg, inbox, filed_dir = inbox_env
    drop(documents, inbox, "CHY-2026-0003-subscription.docx")
    api.ingest(cfg, log=lambda _: None)
    ws = api.open_project(cfg.project_dir)
    shown = api.unit_show(ws, "3-1503")
    assert shown.status == "已认购" and shown.deal["total"] == "8782444.00"
    assert shown.deal["buyers"][0]["name"] == "黄丽" and shown.documents[0]["outcome"] == "accepted"
    result, _ = api.change(
        ws,
        "refund",
        deal_no="CHY-2026-0003",
        reason_code="双方均无过错",
        approved_by="王强",
        date=dt.date(2026, 11, 25),
    )
    assert result.status == "executed" and api.unit_show(ws, "3-1503").needs_pricing
