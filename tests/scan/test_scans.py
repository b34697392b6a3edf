"""Signed scans and photos compared with the printed PDF: clean ones pass, each alteration has its rule."""

from __future__ import annotations

import cv2
import pytest

from tests.scan import corpus
from toolkit import api
from toolkit.render.marks import parse_payload
from toolkit.scan.judge import judge_files
from toolkit.scan.pages import identify, printed_hashes

HEIGHT = 841.89  # A4 in points


def _scan(tmp_path, pages, name="scan.pdf"):
    path = tmp_path / name
    corpus.scan_pdf(pages, path)
    return path


def _judge(ws, printed, paths):
    return judge_files(paths, ws.pack, ws.policy, near=[printed])


def _rules(v):
    return sorted({(f.rule, f.location) for f in v.findings})


def test_every_page_carries_a_readable_code_matching_its_text(first, pages):
    marks = [identify(str(i), p).mark for i, p in enumerate(pages)]
    assert [m.page for m in marks] == [1, 2, 3, 4, 5, 6] and {m.pages for m in marks} == {6}
    assert [m.text_hash for m in marks] == printed_hashes(first)
    assert parse_payload("not ours") is None


def test_signature_places_are_found_on_the_last_page(places):
    assert {p.name for p in places} == {"seller_stamp", "seller_agent", "manager", "buyer"}
    assert {p.page for p in places} == {6}


def test_a_clean_signed_scan_gives_no_finding(tmp_path, ws, printed, pages, places):
    corpus.sign_all(pages, places, HEIGHT)
    v = _judge(ws, printed, [_scan(tmp_path, pages)])
    assert [(f.message, f.extra.get("box")) for f in v.findings] == []
    assert sorted(v.pages_checked) == [1, 2, 3, 4, 5, 6]
    assert v.ocr_seconds == 0


def test_clean_phone_photos_in_any_order_give_no_finding(tmp_path, ws, printed, pages, places):
    corpus.sign_all(pages, places, HEIGHT)
    files = []
    for i in (5, 2, 0, 1, 4, 3):
        files.append(tmp_path / f"IMG_{i}.jpg")
        cv2.imwrite(str(files[-1]), corpus.photograph(pages[i], i))
    v = _judge(ws, printed, files)
    assert [(f.message, f.extra.get("box")) for f in v.findings] == []
    assert len(v.pages_checked) == 6


def test_an_empty_buyer_place_is_sign_missing(tmp_path, ws, printed, pages, places):
    corpus.sign_all(pages, places, HEIGHT, skip="buyer")
    v = _judge(ws, printed, [_scan(tmp_path, pages)])
    assert _rules(v) == [("sign.missing", "第6页")]
    assert v.findings[0].expected == "认购人（签字）"


def test_a_struck_amount_with_a_new_one_written_above_is_altered_and_read(tmp_path, ws, printed, pages, places):
    corpus.sign_all(pages, places, HEIGHT)
    corpus.alter_amount(pages)
    v = _judge(ws, printed, [_scan(tmp_path, pages)])
    assert {f.rule for f in v.findings} == {"scan.altered"}
    assert {f.location for f in v.findings} == {"第3页"}
    assert any("60000" in f.found for f in v.findings)
    assert all(f.clause.startswith("sub_") and f.extra["crop_png"] for f in v.findings)
    assert v.ocr_seconds > 0


@pytest.mark.slow
def test_a_note_in_the_margin_is_altered(tmp_path, ws, printed, pages, places):
    corpus.sign_all(pages, places, HEIGHT)
    corpus.handwrite(pages[1], 1000, 900, "OK 2%")
    v = _judge(ws, printed, [_scan(tmp_path, pages)])
    assert _rules(v) == [("scan.altered", "第2页")]


def test_a_dropped_page_is_scan_pages(tmp_path, ws, printed, pages, places):
    corpus.sign_all(pages, places, HEIGHT)
    v = _judge(ws, printed, [_scan(tmp_path, pages[:3] + pages[4:])])
    assert _rules(v) == [("scan.pages", "第4页")]


def test_a_page_of_another_deal_is_scan_pages(tmp_path, ws, printed, pages, places):
    other = corpus.render_other(printed)
    corpus.sign_all(pages, places, HEIGHT)
    v = _judge(ws, printed, [_scan(tmp_path, [pages[0], other[1], *pages[2:]])])
    rules = _rules(v)
    assert ("scan.pages", "第2页") in rules  # page 2 missing
    assert any(f.rule == "scan.pages" and "另一份文件" in f.message for f in v.findings)


def test_a_scan_too_coarse_to_judge_is_unreadable(tmp_path, ws, printed, pages, places):
    corpus.sign_all(pages, places, HEIGHT)
    small = [cv2.resize(p, None, fx=0.4, fy=0.4, interpolation=cv2.INTER_AREA) for p in pages[:1]]
    path = tmp_path / "coarse.png"
    cv2.imwrite(str(path), small[0])
    v = _judge(ws, printed, [path])
    assert ("scan.unreadable", "第1页") in _rules(v)
    assert "150 dpi" in next(f.message for f in v.findings if f.rule == "scan.unreadable")


def test_loupan_check_judges_a_scan_file(tmp_path, ws, printed, pages, places, monkeypatch):
    monkeypatch.setenv("LOUPAN_PRINTED", str(printed))
    corpus.sign_all(pages, places, HEIGHT, skip="seller_agent")
    result = api.check(ws, [_scan(tmp_path, pages)])
    assert [(f.rule, f.location) for f in result.findings] == [("sign.missing", "第6页"), ("sign.unapproved", "")]
    (doc,) = result.documents
    assert doc.doc_id == "subscription" and str(doc.printed.typed("unit.code")) == "1-1801"


def test_whited_out_print_is_altered_with_the_printed_text(tmp_path, ws, printed, pages, places):
    corpus.sign_all(pages, places, HEIGHT)
    pages[2][756:784, 300:700] = 255  # correction tape over a printed line
    v = _judge(ws, printed, [_scan(tmp_path, pages)])
    assert {(f.rule, f.location) for f in v.findings} == {("scan.altered", "第3页")}
    gone = [f for f in v.findings if not f.extra["added"]]
    assert gone and all(f.found for f in gone) and v.ocr_seconds == 0
