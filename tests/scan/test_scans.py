"""Signed scans and photos compared with the printed PDF: clean ones pass, each alteration has its rule."""

from __future__ import annotations

import cv2
import numpy as np
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


def test_pages_out_of_order_are_put_in_order_and_check_clean(tmp_path, ws, printed, pages, places):
    v = _judge(ws, printed, [_scan(tmp_path, [pages[0], pages[2], pages[1]])])  # three pages keep it quick
    assert _rules(v) == [("scan.pages", "第4页"), ("scan.pages", "第5页"), ("scan.pages", "第6页")]
    assert sorted(v.pages_checked) == [1, 2, 3] and v.notes and "1、3、2" in v.notes[0]


def test_a_page_whose_code_is_torn_off_is_found_by_its_image(tmp_path, ws, printed, pages, places):
    pages[3][1600:1754, 1000:1240] = 255  # the corner with the code torn off
    v = _judge(ws, printed, [_scan(tmp_path, pages[2:4])])  # placed among the pages not accounted for: 1, 2, 4-6
    assert _rules(v) == [("scan.pages", f"第{n}页") for n in (1, 2, 5, 6)]
    assert "按图像" in v.pages_checked[4] and "二维码+" in v.pages_checked[3]


@pytest.mark.slow
def test_a_torn_off_page_keeps_its_alterations(tmp_path, ws, printed, pages, places):
    corpus.sign_all(pages, places, HEIGHT)
    pages[2][1600:1754, 1000:1240] = 255
    pages[2][756:784, 300:700] = 255  # and correction tape over a printed line
    v = _judge(ws, printed, [_scan(tmp_path, pages)])
    assert {(f.rule, f.location) for f in v.findings} == {("scan.altered", "第3页")}


def test_a_mark_in_a_table_cell_names_the_clause_of_its_table_and_its_row(first, ws):
    import pypdfium2 as pdfium

    from toolkit.pack.clauses import _walk
    from toolkit.scan.where import clause_before, clause_of, page_text
    from toolkit.scan_demo import largest_amount

    x0, x1, y = largest_amount(first, 3)  # the loan amount, in the payment plan's table
    box = (x0 + 16, y - 47, x0 + 168, y - 16)  # a number written above it
    doc = pdfium.PdfDocument(str(first))
    text = page_text(doc[2], 150)
    doc.close()
    segments = list(_walk(ws.pack.compiled_for("subscription").nodes))
    assert clause_of(text.near(box), segments) == ""  # a table cell's wording is too short to place it
    assert clause_before(text.before(box), segments) == "sub_pay_2"
    assert text.row_label(box).startswith("贷款")
    assert text.value_below(box) == "5,008,097.00"  # the printed figure a correction above it replaces


def test_figures_are_compared_as_amounts():
    from toolkit.scan.where import same_figures

    assert same_figures("5008097", "5,008,097.00") and not same_figures("4800000", "5,008,097.00")


@pytest.mark.slow
def test_the_demo_alteration_in_a_table_cell_names_its_clause_and_row(tmp_path, ws, printed, first):
    from toolkit.scan_demo import make_scans

    _, altered = make_scans(ws.project_dir, first, tmp_path)
    v = _judge(ws, printed, [altered])
    (f,) = v.findings
    assert (f.rule, f.location, f.clause) == ("scan.altered", "第3页", "sub_pay_2")
    assert "第3页，第四条（表格“贷款”行）" in f.message and "sub_pay" not in f.message and "4800000" in f.found
    assert f.expected == "5,008,097.00" and "改写打印的金额" in f.message


@pytest.mark.slow
def test_a_page_of_text_already_on_a_checked_page_is_compared_by_text_and_repeated(
    tmp_path, ws, printed, pages, places
):
    from PIL import Image, ImageDraw, ImageFont

    corpus.sign_all(pages, places, HEIGHT)
    sheet = Image.new("L", (1240, 1754), 255)
    draw = ImageDraw.Draw(sheet)
    font = ImageFont.truetype("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 30)
    lines = [
        "定金自认购人实际交付之日起生效，出卖人应向",
        "认购人出具注明款项性质为“定金”的收款收据。",
        "定金数额不超过成交总价的20%。",
    ]
    for i, line in enumerate(lines):
        draw.text((130, 180 + 50 * i), line, fill=0, font=font)
    v = _judge(ws, printed, [_scan(tmp_path, [*pages[:4], np.asarray(sheet), pages[5]])])
    assert not [f for f in v.findings if f.rule in ("scan.unreadable", "clause.altered")]
    assert ("scan.pages", "第5页") in _rules(v)  # the page it replaces is missing
    assert any(f.rule == "scan.pages" and "第4页" in f.message and "重复" in f.message for f in v.findings)
