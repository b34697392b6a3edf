"""Phone photos dropped as one file per page: held by their QR code's document, judged once, each file filed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import cv2
import numpy as np
import pytest

from tests.scan import corpus
from toolkit import api
from toolkit.inbox.filing import Content
from toolkit.inbox.photos import Held, Photos, named
from toolkit.inbox.pipeline import Claimed
from toolkit.inbox.worker import Verdict
from toolkit.ledger.store import Ledger, ledger_path


@pytest.fixture(autouse=True)
def fresh_workers(monkeypatch):
    """Photos judged together depend on what their worker keeps from earlier files: start one for each test."""
    from tests.conftest import SharedPool
    from toolkit.inbox import worker

    if SharedPool.real is not None:
        monkeypatch.setattr(worker, "CheckPool", SharedPool.real)


HEIGHT = 841.89


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def _item(name: str, image: np.ndarray, sha: str = "") -> Claimed:
    data = cv2.imencode(Path(name).suffix, image)[1].tobytes()
    return Claimed(Path("/claims") / name, name, Content("file", len(data), sha or name, data))


def test_photos_of_one_document_are_held_until_every_page_is_there(pages):
    clock = Clock()
    photos = Photos(window=30, clock=clock)
    for i in (2, 0, 4, 1, 5):
        assert photos.hold(_item(f"IMG_{i}.jpg", pages[i]), lambda sha: False)
    assert photos.due() == [] and photos.holds(Path("/claims/IMG_4.jpg"))
    assert photos.hold(_item("IMG_3.jpg", pages[3]), lambda sha: False)
    (group,) = photos.due()
    assert [h.page for h in sorted(group, key=lambda h: h.page)] == [1, 2, 3, 4, 5, 6] and photos.groups == {}


def test_an_incomplete_document_is_due_when_its_delay_ran_out(pages):
    clock = Clock()
    photos = Photos(window=30, clock=clock)
    photos.hold(_item("a.jpg", pages[0]), lambda sha: False)
    clock.now = 29.0
    assert photos.due() == []
    clock.now = 30.5
    assert [len(g) for g in photos.due()] == [1]
    photos.hold(_item("b.png", pages[1]), lambda sha: False)
    assert [len(g) for g in photos.due(force=True)] == [1]


def test_what_is_not_a_photo_of_ours_goes_on_alone(pages):
    photos = Photos(window=30)
    assert not photos.hold(_item("scan.tiff", pages[0]), lambda sha: False)  # a multi-page file is whole
    assert not photos.hold(_item("blank.jpg", np.full((900, 700), 255, np.uint8)), lambda sha: False)
    assert not photos.hold(_item("again.jpg", pages[0]), lambda sha: True)  # a copy of a file already taken
    assert photos.groups == {}


def test_a_photo_claiming_more_pixels_than_a_camera_takes_is_not_opened_in_the_inbox(pages, monkeypatch):
    from toolkit.inbox import photos as module

    monkeypatch.setattr(module, "MAX_PIXELS", 1000)
    assert not Photos(window=30).hold(_item("bomb.png", pages[0]), lambda sha: False)


def test_a_large_photo_is_read_for_its_code_at_a_smaller_size(pages):
    big = cv2.resize(pages[0], None, fx=3, fy=3, interpolation=cv2.INTER_CUBIC)  # 3720 px wide
    assert Photos(window=30).hold(_item("big.jpg", big), lambda sha: False)


def test_the_verdict_names_the_photo_files_not_the_bundle():
    group = [
        Held(Claimed(Path(f"/c/{n}"), n, Content("file")), page, 12, 0.0)
        for n, page in (("p1.jpg", 1), ("p10.jpg", 10), ("p12.jpg", 12))
    ]
    v = Verdict(findings=[{"rule": "scan.altered", "message": ".b.tiff：.b.tiff#2 第10页", "location": ".b.tiff#3"}])
    (f,) = named(v, ".b.tiff", group).findings
    assert f["message"] == "p1.jpg、p10.jpg、p12.jpg：p10.jpg 第10页" and f["location"] == "p12.jpg"


def _inbox(tmp_path, example):
    project = tmp_path / "project"
    shutil.copytree(example, project)
    inbox, filed = tmp_path / "inbox", tmp_path / "filed"
    inbox.mkdir()
    cfg = api.inbox_config(project, inbox, filed, stability=0.05, incomplete_grace=0.3, tick=0.02, time_limit=120)
    return cfg, inbox, filed


def _reports(filed: Path, outcome: str) -> list[dict]:
    return [json.loads(p.read_text()) for p in sorted((filed / outcome).glob("*.report.json"))]


@pytest.mark.slow
def test_photos_dropped_together_are_one_accepted_document(tmp_path, example, printed, pages, places, monkeypatch):
    monkeypatch.setenv("LOUPAN_PRINTED", str(printed))
    cfg, inbox, filed = _inbox(tmp_path, example)
    corpus.sign_all(pages, places, HEIGHT)
    for i in (3, 0, 5, 1, 4, 2):
        cv2.imwrite(str(inbox / f"IMG_{i + 100}.jpg"), corpus.photograph(pages[i], i))
    assert api.ingest(cfg, log=lambda _: None) == 6
    reports = _reports(filed, "accepted")
    assert len(reports) == 6 and {r["deal_no"] for r in reports} == {"CHY-2026-0001"}
    assert all(r["photos"] == [f"IMG_{i}.jpg" for i in range(100, 106)] for r in reports)
    assert {r["rule"] for r in reports[0]["reasons"]} == {"sign.unapproved"}  # a warning: no approval recorded
    ledger = Ledger(ledger_path(cfg.project_dir))
    assert ledger.unit("1-1801")["status"] == "已认购" and ledger.counts() == {"accepted": 6}
    ledger.close()
    assert list(inbox.iterdir()) == [] and list(cfg.work.iterdir()) == []


@pytest.mark.slow
def test_a_page_that_never_comes_is_scan_pages_for_every_photo(tmp_path, example, printed, pages, places, monkeypatch):
    monkeypatch.setenv("LOUPAN_PRINTED", str(printed))
    cfg, inbox, filed = _inbox(tmp_path, example)
    corpus.sign_all(pages, places, HEIGHT)
    for i in (0, 1, 2, 4, 5):
        cv2.imwrite(str(inbox / f"IMG_{i}.jpg"), corpus.photograph(pages[i], i))
    assert api.ingest(cfg, log=lambda _: None) == 5
    reports = _reports(filed, "rejected")
    assert len(reports) == 5
    assert all(("scan.pages", "第4页") in {(x["rule"], x["location"]) for x in r["reasons"]} for r in reports)
    ledger = Ledger(ledger_path(cfg.project_dir))
    assert ledger.unit("1-1801") is None
    ledger.close()
