"""The checked documents the inbox keeps for cross-checks: the latest copy per deal and document, bounded."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from toolkit.inbox import pipeline
from toolkit.inbox.pipeline import InboxConfig, Pipeline
from toolkit.ledger.store import Ledger


def _doc(deal: str, doc_id: str = "subscription") -> SimpleNamespace:
    printed = SimpleNamespace(typed=lambda path: deal if path == "doc.number" else None)
    return SimpleNamespace(doc_id=doc_id, printed=printed)


def _pipeline(tmp_path: Path) -> Pipeline:
    (tmp_path / "inbox").mkdir()
    cfg = InboxConfig(tmp_path, tmp_path / "inbox", tmp_path / "filed")
    return Pipeline(cfg, Ledger(tmp_path / "ledger.sqlite"), worker=None, sink=lambda _: None)  # type: ignore[arg-type]


def test_a_newer_copy_of_a_deals_document_replaces_the_kept_one(tmp_path: Path) -> None:
    p = _pipeline(tmp_path)
    p._keep("a1", _doc("D1"))
    p._keep("b1", _doc("D1", "contract"))
    p._keep("a2", _doc("D1"))  # the same 认购书 again, another copy
    p._keep("c1", _doc("D2"))
    assert list(p.kept) == ["b1", "a2", "c1"]
    assert p.kept_by == {("D1", "contract"): "b1", ("D1", "subscription"): "a2", ("D2", "subscription"): "c1"}


def test_kept_documents_stay_bounded(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(pipeline, "KEEP", 4)
    p = _pipeline(tmp_path)
    for i in range(40):
        p._keep(f"s{i}", _doc(f"D{i}"))
    assert list(p.kept) == ["s36", "s37", "s38", "s39"]
    assert len(p.kept_by) <= 2 * 4  # deals whose documents went are forgotten in bulk
