"""The verdict, and the unit move it makes, are committed before the file is filed; the report comes only once
the file is whole in its place. A verdict whose filing fails holds its unit, waits in the claim area, and the
next start files it and writes its report, moving nothing a second time (docs/inbox-guarantees.md)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import toolkit.inbox.pipeline as pipeline_mod
from toolkit.inbox.filing import FilingError
from toolkit.inbox.pipeline import Pipeline
from toolkit.inbox.worker import CheckWorker
from toolkit.ledger.sales import Sales
from toolkit.ledger.store import Ledger, ledger_path

FIRST, RIVAL = "CHY-2026-0001-subscription.docx", "CHY-2026-0009-subscription.docx"  # one unit, 1-1801


def reports(filed: Path) -> list[Path]:
    return sorted(filed.rglob("*.report.json"))


def unit_events(db: Ledger, code: str) -> list[tuple]:
    return [(e["status"], e["deal_no"]) for e in Sales(db, {}).history(code)]


def test_a_verdict_whose_filing_fails_holds_its_unit_and_is_finished_by_the_next_start(
    documents, inbox_env, monkeypatch
):
    cfg, inbox, filed = inbox_env
    real_place, failing = pipeline_mod.place, {FIRST}

    def place(claim, target, content, tag):
        if any(target.name.endswith(n) for n in failing):
            raise FilingError("No space left on device (injected)")
        return real_place(claim, target, content, tag)

    monkeypatch.setattr(pipeline_mod, "place", place)
    db, worker = Ledger(ledger_path(cfg.project_dir)), CheckWorker(cfg.project_dir, None, 60)
    try:
        p = Pipeline(cfg, db, worker, lambda _: None)
        data = (documents / FIRST).read_bytes()
        (inbox / FIRST).write_bytes(data)
        p.take(inbox / FIRST)
        (row,) = db.all_files()
        assert (row.state, row.outcome) == ("filing", "accepted")
        assert db.unit("1-1801")["deal_no"] == "CHY-2026-0001"  # the unit moved with the verdict
        assert reports(filed) == [], "no report before the file is whole in its place"
        (claimed,) = list(cfg.work.iterdir())
        assert claimed.read_bytes() == data, "it waits, whole, in the claim area"
        assert FIRST in p.unfinished

        (inbox / RIVAL).write_bytes((documents / RIVAL).read_bytes())
        p.take(inbox / RIVAL)  # another deal's 认购书 of the same unit, while the first waits to be filed
        rival = db.all_files()[-1]
        assert rival.outcome == "rejected" and "unit.unavailable" in {r["rule"] for r in rival.reasons}

        failing.clear()
        assert p.recover() == 1
        (placed,) = [f for f in (filed / "accepted").iterdir() if f.name.endswith(FIRST)]
        assert placed.read_bytes() == data and not list(cfg.work.iterdir())
        report = json.loads(placed.with_name(placed.name + ".report.json").read_text(encoding="utf-8"))
        assert report["outcome"] == "accepted"
        assert unit_events(db, "1-1801") == [("已认购", "CHY-2026-0001")], "moved once, not again on recovery"
        assert db.counts() == {"accepted": 1, "rejected": 1}
    finally:
        worker.stop()
        db.close()


def test_a_restart_after_the_verdict_files_from_the_claim_without_judging_again(documents, inbox_env, monkeypatch):
    """A process killed between the verdict's commit and the filing: the next start only files it."""
    cfg, inbox, filed = inbox_env

    def killed(*args, **kwargs):
        raise KeyboardInterrupt  # stands for SIGKILL: nothing after the commit runs

    db, worker = Ledger(ledger_path(cfg.project_dir)), CheckWorker(cfg.project_dir, None, 60)
    try:
        (inbox / FIRST).write_bytes((documents / FIRST).read_bytes())
        p = Pipeline(cfg, db, worker, lambda _: None)
        monkeypatch.setattr(p, "_complete", killed)
        with pytest.raises(KeyboardInterrupt):
            p.take(inbox / FIRST)
        assert db.all_files()[0].state == "filing" and reports(filed) == []
        monkeypatch.undo()
        judged = []
        worker_check = worker.check
        worker.check = lambda *a, **k: judged.append(a) or worker_check(*a, **k)
        Pipeline(cfg, db, worker, lambda _: None).recover()
        assert judged == [], "the verdict on record is filed, not judged again"
        assert db.counts() == {"accepted": 1} and len(reports(filed)) == 1
        assert unit_events(db, "1-1801") == [("已认购", "CHY-2026-0001")]
    finally:
        worker.stop()
        db.close()
