"""The values a signed scan carries: read by OCR in their boxes, corrections taken, the document rules run on them."""

from __future__ import annotations

import re

import pytest
from PIL import Image

from tests.scan import corpus
from toolkit.checks.documents import check_one
from toolkit.findings import has_errors
from toolkit.read.document import read_document
from toolkit.rules import finding
from toolkit.scan import judge, values
from toolkit.scan.values import DIFFERS, SAME, WRITTEN, ValueRead

HEIGHT = 841.89


def _box(ws, first, path: str, filter_: str = "yuan"):
    """Return the page and line box of a printed value on the printed PDF (reference pixels)."""
    parsed = check_one(first, ws.project, ws.policy, ws.pack).parsed
    wanted = [v for v in parsed.values if v.path == path and v.filter == filter_]
    ((_, page, boxes),) = values.locate(first, read_document(first), wanted, set(range(1, 7)))
    return page, boxes[0]


def _overwrite(pages, page: int, box, new: str) -> None:
    """Strike a printed value through and write a new one just above it, small, as in a cramped line gap."""
    x0, y0, x1, y1 = box
    corpus.strike(pages[page - 1], x0, x1, (y0 + y1) // 2)
    corpus.handwrite(pages[page - 1], x0 + 8, y0 - 1, new, 0.7)


def _checked(tmp_path, monkeypatch, printed, ws, pages, name="scan.pdf"):
    monkeypatch.setenv("LOUPAN_PRINTED", str(printed))
    path = tmp_path / name
    corpus.scan_pdf(pages, path)
    return judge.checked_scan(path, ws.project, ws.policy, ws.pack)


def _read(path="deal.deposit", filter_="yuan", printed="50,000.00", box=(673, 1407, 780, 1437), **kw) -> ValueRead:
    return ValueRead(3, path, filter_, "sub_dep_1", printed, printed, printed, box, lines=[box], **{"at": 10, **kw})


# -- without OCR ----------------------------------------------------------------------------------------------------
def test_ocr_reads_are_compared_as_the_values_they_stand_for():
    assert values.same("yuan", "50,000.00", "5O，000.00") and values.same("yuan", "50,000.00", "50000.00")
    assert not values.same("yuan", "50,000.00", "60,000.00") and not values.same("yuan", "1", "")
    assert values.same("idno", "440305198806124536", "44O3O5198806l24536")
    assert values.same("capitals", "人民币伍万元整", "人民币伍万元整）") and not values.same("name", "张伟", "张玮")
    assert values.same("cdate", "2026年11月20日", "2026年11月2O日")


def test_a_mark_just_above_a_value_gives_its_handwritten_figure(monkeypatch):
    monkeypatch.setattr(values, "printed_page", lambda pdf, page: None)
    monkeypatch.setattr(values, "handwriting", lambda scan, ref, box: "60000")
    deposit, capitals = _read(), _read(filter_="capitals", printed="人民币伍万元整", box=(886, 1405, 1048, 1435))
    below = _read(path="deal.other", box=(673, 1460, 780, 1490))
    mark = finding("scan.altered", "m", extra={"page": 3, "box": [670, 1372, 790, 1440], "added": True})
    values.take_corrections([deposit, capitals, below], [mark], {3: None}, None)
    assert (deposit.how, deposit.taken) == (WRITTEN, "60000")
    assert capitals.how == below.how == SAME  # a figure is no capitals; the row below is not under the mark
    far = finding("scan.altered", "m", extra={"page": 3, "box": [670, 1200, 790, 1250], "added": True})
    other = _read()
    values.take_corrections([other], [far], {3: None}, None)
    assert other.how == SAME and other.taken == "50,000.00"


def test_the_rules_run_on_the_values_read_and_say_so(ws, first):
    written = _read(how=WRITTEN)
    written.taken = "60000"

    def read(parsed, text):
        (deposit,) = [v for v in parsed.values if v.path == "deal.deposit" and v.filter == "yuan"]
        written.at = deposit.at
        return values.substitute(parsed, [written])

    base = check_one(first, ws.project, ws.policy, ws.pack, read=read)
    assert str(base.printed.typed("deal.deposit")) == "60000"
    found = values.annotated(base.findings, [written])
    rules = {(f.rule, f.clause) for f in found}
    assert {("amount.words_mismatch", "sub_dep_1"), ("terms.mismatch", "sub_dep_1")} <= rules
    assert all(f.extra["read_from_scan"][0]["page"] == 3 for f in found if f.clause == "sub_dep_1")
    assert all("由扫描件识别" in f.message for f in found)


@pytest.mark.slow  # the image comparison of six pages (no OCR: its reads are given)
def test_a_value_read_otherwise_without_a_mark_is_the_print_and_a_note(
    tmp_path, monkeypatch, ws, printed, pages, places
):
    corpus.sign_all(pages, places, HEIGHT)
    wrong = lambda crops: ["60,000.00"] * len(crops)  # noqa: E731  (OCR reading every box wrongly)
    monkeypatch.setattr(values, "recognise", wrong)
    doc = _checked(tmp_path, monkeypatch, printed, ws, pages)
    assert not doc.findings
    (deposit,) = [r for r in doc.values_read if r["path"] == "deal.deposit" and r["printed"] == "50,000.00"]
    assert deposit["how"] == DIFFERS and deposit["taken"] == "50,000.00" and deposit["read"] == "60,000.00"
    assert any("识别为“60,000.00”，该处无改动痕迹，按打印件" in line for line in values.summary(doc.values_read))


def test_report_rows_mask_personal_numbers():
    r = ValueRead(1, "buyers[0].id_no", "idno", "p", "440305198806124536", "440305198806124536", "x", (0, 0, 1, 1))
    assert r.row()["printed"] == "440305********4536"
    phone = ValueRead(1, "buyers[0].phone", "phone", "p", "13800138000", "", "13800138000", (0, 0, 1, 1))
    assert phone.row()["taken"] == "138****8000"


# -- with OCR ------------------------------------------------------------------------------------------------------
@pytest.mark.slow
def test_a_clean_scan_reads_the_printed_values(tmp_path, monkeypatch, ws, printed, pages, places):
    corpus.sign_all(pages, places, HEIGHT)
    doc = _checked(tmp_path, monkeypatch, printed, ws, pages)
    assert [f.message for f in doc.findings] == []
    read = doc.values_read
    assert len(read) > 30 and {r["page"] for r in read} == {1, 2, 3, 4, 6}
    assert all(r["taken"] == r["printed"] and r["how"] != WRITTEN for r in read)
    assert sum(r["how"] == SAME for r in read) >= 0.9 * len(read)  # OCR agrees with the print nearly everywhere
    assert any(r["path"] == "buyers[0].id_no" and "*" in r["read"] for r in read)
    _the_reports_list_the_values_read(doc)


def _the_reports_list_the_values_read(doc) -> None:
    from toolkit.cli.documents import _doc_json
    from toolkit.reports.check_html import render_html

    html = render_html([(doc.path.name, doc.doc_id, doc.findings)], read={doc.path.name: doc.values_read})
    assert "扫描件识别的数值" in html and "440305********4536" in html and "440305198806124536" not in html
    assert "<td>第四条 付款方式 一次性付款</td>" in html  # a field by its label, not its path
    assert not [r["where"] for r in doc.values_read if re.search(r"[a-z_]", r["where"])]
    lines = values.summary(doc.values_read)
    assert [line[:3] for line in lines] == ["第1页", "第2页", "第3页", "第4页", "第6页"]
    assert "定金" in lines[2] and "138****8000" in lines[0] and "付款方式" in lines[2] and "deal." not in lines[2]
    assert _doc_json(doc)["values_read"] == doc.values_read


@pytest.mark.slow
def test_clean_phone_photos_read_back_without_a_finding(tmp_path, monkeypatch, ws, printed, pages, places):
    corpus.sign_all(pages, places, HEIGHT)
    monkeypatch.setenv("LOUPAN_PRINTED", str(printed))
    photos = [Image.fromarray(corpus.photograph(p, i)) for i, p in enumerate(pages)]
    path = tmp_path / "photos.tif"
    photos[0].save(path, save_all=True, append_images=photos[1:])
    doc = judge.checked_scan(path, ws.project, ws.policy, ws.pack)
    assert not has_errors(doc.findings), [f.message for f in doc.findings]
    assert doc.values_read and all(r["taken"] == r["printed"] for r in doc.values_read)


@pytest.mark.slow
def test_an_overwritten_deposit_gives_the_rules_of_the_new_figure(
    tmp_path, monkeypatch, ws, first, printed, pages, places
):
    corpus.sign_all(pages, places, HEIGHT)
    page, box = _box(ws, first, "deal.deposit")
    _overwrite(pages, page, box, "60000")
    doc = _checked(tmp_path, monkeypatch, printed, ws, pages)
    rules = {(f.rule, f.location, f.clause) for f in doc.findings}
    assert ("scan.altered", "第3页", "sub_dep_1") in rules
    assert {("amount.words_mismatch", "sub_dep_1"), ("terms.mismatch", "sub_dep_1")} <= {(r, c) for r, _, c in rules}
    words = next(f for f in doc.findings if f.rule == "amount.words_mismatch")
    assert words.extra["read_from_scan"][0]["page"] == 3 and words.extra["read_from_scan"][0]["taken"] == "60000"
    assert str(doc.printed.typed("deal.deposit")) == "60000"


@pytest.mark.slow
def test_an_overwritten_total_breaks_the_arithmetic_and_its_capitals(
    tmp_path, monkeypatch, ws, first, printed, pages, places
):
    corpus.sign_all(pages, places, HEIGHT)
    page, box = _box(ws, first, "deal.total")
    _overwrite(pages, page, box, "7000000")
    doc = _checked(tmp_path, monkeypatch, printed, ws, pages)
    rules = {f.rule for f in doc.findings if f.extra.get("read_from_scan")}
    assert {"amount.arithmetic", "amount.words_mismatch"} <= rules
    assert ("scan.altered", "第2页") in {(f.rule, f.location) for f in doc.findings}


def test_the_other_document_is_cross_checked_against_the_values_read(ws, first):
    from toolkit.checks.documents import cross_check

    def read(parsed, text):
        (deposit,) = [v for v in parsed.values if v.path == "deal.deposit" and v.filter == "yuan"]
        r = _read(how=WRITTEN, at=deposit.at)
        r.taken = "60000"
        return values.substitute(parsed, [r])

    printed, scan = (
        check_one(first, ws.project, ws.policy, ws.pack),
        check_one(first, ws.project, ws.policy, ws.pack, read=read),
    )
    written = _read(how=WRITTEN)
    written.taken = "60000"
    scan.values_read = [written.row()]
    (f,) = cross_check(printed, scan, ws.pack)
    assert (f.rule, f.extra["term"], f.found) == ("terms.mismatch", "deposit", "60000")
    assert f.extra["read_from_scan"][0]["taken"] == "60000"
    assert cross_check(printed, check_one(first, ws.project, ws.policy, ws.pack), ws.pack) == []


def test_a_check_box_is_ticked_by_the_ink_inside_its_frame():
    import cv2
    import numpy as np

    page = np.full((60, 60), 255, np.uint8)
    cv2.rectangle(page, (17, 17), (41, 41), 0, 2)  # an empty □ (its glyph box is the frame plus the pad)
    box = (12, 12, 47, 47)
    assert values.tick(page, box) == "□"
    cv2.line(page, (20, 30), (27, 38), 0, 3)
    cv2.line(page, (27, 38), (39, 20), 0, 3)  # ticked by hand
    assert values.tick(page, box) == "■"


@pytest.mark.slow
def test_the_inbox_report_lists_the_values_read(tmp_path, example, printed, pages, places, monkeypatch):
    import json
    import shutil

    from toolkit import api

    monkeypatch.setenv("LOUPAN_PRINTED", str(printed))
    project, inbox, filed = tmp_path / "project", tmp_path / "inbox", tmp_path / "filed"
    shutil.copytree(example, project)
    inbox.mkdir()
    cfg = api.inbox_config(project, inbox, filed, stability=0.05, incomplete_grace=0.3, tick=0.02, time_limit=120)
    corpus.sign_all(pages, places, HEIGHT)
    corpus.save_pdf([corpus.degrade(p, i) for i, p in enumerate(pages)], inbox / "scan-0001.pdf")
    assert api.ingest(cfg, log=lambda _: None) == 1
    (report,) = (filed / "accepted").glob("*scan-0001.pdf.report.json")
    rows = json.loads(report.read_text())["values_read"]
    assert rows and all(r["taken"] == r["printed"] for r in rows)
    assert "440305198806124536" not in report.read_text()
    html = report.with_name(report.name.replace(".json", ".html")).read_text(encoding="utf-8")
    assert "扫描件识别的数值" in html
