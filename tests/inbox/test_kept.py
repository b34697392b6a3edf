"""The checked documents the inbox keeps for cross-checks: the latest copy per deal and document, bounded."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from toolkit.inbox import pipeline
from toolkit.inbox.pipeline import InboxConfig, Judgement, Pipeline
from toolkit.ledger.store import Ledger


def _judged(p: Pipeline, sha: str, deal: str, doc_id: str = "subscription", outcome: str = "accepted") -> None:
    p._keep(sha, SimpleNamespace(doc_id=doc_id))
    p._settle_kept(sha, Judgement(outcome, [], doc_id, deal))


def _pipeline(tmp_path: Path) -> Pipeline:
    (tmp_path / "inbox").mkdir()
    cfg = InboxConfig(tmp_path, tmp_path / "inbox", tmp_path / "filed")
    return Pipeline(cfg, Ledger(tmp_path / "ledger.sqlite"), worker=None, sink=lambda _: None)  # type: ignore[arg-type]


def test_the_latest_accepted_copy_of_a_deals_document_is_kept(tmp_path: Path) -> None:
    p = _pipeline(tmp_path)
    _judged(p, "a1", "D1")
    _judged(p, "b1", "D1", "contract")
    _judged(p, "a2", "D1")  # the same 认购书 again, another copy
    _judged(p, "a3", "D1", outcome="rejected")  # a late one, refused: never a counterpart
    _judged(p, "c1", "D2")
    assert list(p.kept) == ["b1", "a2", "c1"]
    assert p.kept_by == {("D1", "contract"): "b1", ("D1", "subscription"): "a2", ("D2", "subscription"): "c1"}


def test_kept_documents_stay_bounded(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(pipeline, "KEEP", 4)
    p = _pipeline(tmp_path)
    for i in range(40):
        _judged(p, f"s{i}", f"D{i}")
    assert list(p.kept) == ["s36", "s37", "s38", "s39"]
    assert len(p.kept_by) <= 2 * 4  # deals whose documents went are forgotten in bulk
