"""An accepted deal document's printed values kept in its ledger row: a peer cross-checks with them, unread."""

from __future__ import annotations

import shutil
from pathlib import Path

import docx
import pytest

from toolkit import api
from toolkit.inbox import shared_kept
from toolkit.inbox.worker import CheckPool
from toolkit.ledger.store import open_ledger

SUBSCRIPTION = "CHY-2026-0001-subscription.docx"


def _altered_contract(documents: Path, inbox: Path) -> None:
    """Drop the deal's contract with another buyer's name: a terms.mismatch against its 认购书."""
    contract = docx.Document(str(documents / "CHY-2026-0001-contract.docx"))
    for p in contract.paragraphs:
        for run in p.runs:
            run.text = run.text.replace("买受人：张伟", "买受人：张玮")
    contract.save(str(inbox / "contract-renamed-buyer.docx"))


def _pairs(monkeypatch) -> list:
    """Record every cross-check sent to a check worker (which reads the counterpart's filed copy again)."""
    sent: list = []
    real = CheckPool.submit_pair
    monkeypatch.setattr(CheckPool, "submit_pair", lambda self, *a: sent.append(a) or real(self, *a))
    return sent


def test_the_counterpart_accepted_by_another_worker_is_checked_from_its_row(
    documents, inbox_env, ledger_backend, monkeypatch
):
    cfg, inbox, filed_dir = inbox_env
    shutil.copy(documents / SUBSCRIPTION, inbox / SUBSCRIPTION)
    api.ingest(cfg, log=lambda _: None)  # one worker accepts the 认购书; what it kept in memory ends with it
    ledger = open_ledger(cfg.project_dir)
    row = ledger.accepted("CHY-2026-0001", "subscription")
    kept = shared_kept.load(row)
    assert kept is not None and kept.doc_id == "subscription" and kept.path == Path(row.filed_path)
    assert kept.printed.typed("buyers[0].name") == "张伟"
    sent = _pairs(monkeypatch)
    _altered_contract(documents, inbox)
    api.ingest(cfg, log=lambda _: None)  # another worker: a new pipeline, nothing in memory
    (rejected,) = ledger.recent("rejected")
    assert "terms.mismatch" in {r["rule"] for r in rejected.reasons}
    assert sent == [], "the 认购书 came from its row, not read and parsed again"
    ledger.close()


def test_a_damaged_kept_form_is_passed_over_and_the_filed_copy_read(documents, inbox_env, ledger_backend, monkeypatch):
    cfg, inbox, filed_dir = inbox_env
    shutil.copy(documents / SUBSCRIPTION, inbox / SUBSCRIPTION)
    api.ingest(cfg, log=lambda _: None)
    ledger = open_ledger(cfg.project_dir)
    with ledger.batch():
        ledger.db.execute("UPDATE files SET kept=? WHERE project=?", ('{"format": 1, "values": [', ledger.project))
    assert shared_kept.load(ledger.accepted("CHY-2026-0001", "subscription")) is None
    sent = _pairs(monkeypatch)
    _altered_contract(documents, inbox)
    api.ingest(cfg, log=lambda _: None)
    (rejected,) = ledger.recent("rejected")
    assert "terms.mismatch" in {r["rule"] for r in rejected.reasons}
    assert len(sent) == 1, "the filed copy was read instead"
    ledger.close()


def test_only_accepted_documents_keep_their_printed_values(documents, inbox_env):
    cfg, inbox, _ = inbox_env
    shutil.copy(documents / SUBSCRIPTION, inbox / SUBSCRIPTION)
    (inbox / "broken.docx").write_bytes(b"PK\x03\x04 not a zip")
    api.ingest(cfg, log=lambda _: None)
    ledger = open_ledger(cfg.project_dir)
    kept = {
        r["name"]: r["kept"]
        for r in ledger.db.execute("SELECT name, kept FROM files WHERE project=?", (ledger.project,))
    }
    assert ledger.all_files()[0].kept is None, "the other queries leave the kept values in the database"
    ledger.close()
    assert kept[SUBSCRIPTION] and kept["broken.docx"] is None


@pytest.mark.parametrize("text", ["", "[]", '{"format": 99, "values": []}', "{not json"])
def test_a_kept_form_of_another_shape_is_none(text):
    from toolkit.ledger.base import FileRow

    row = FileRow(1, "a.docx", "", "", "filed", "accepted", "subscription", "D", None, "/f/a.docx", None, None, [],
                  "", None, text)  # fmt: skip
    assert shared_kept.load(row) is None
