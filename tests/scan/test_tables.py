"""A table re-laid out by a print of the DOCX, as RapidOCR really read it (recorded): cells in another order."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from toolkit.scan.pages import ScanPage
from toolkit.scan.tables import reorder, table_block
from toolkit.scan.textcompare import flatten
from toolkit.scan.textlevel import Expected, Line, TextPage, _aligned, hunk_finding

DATA = json.loads((Path(__file__).parent / "data" / "docx_print_page3.json").read_text(encoding="utf-8"))


@pytest.fixture
def exp() -> Expected:
    e = DATA["expected"]
    return Expected(flatten(e["text"]), e["starts"], e["header"], bytes(int(c) for c in e["values"]), [])


def _read(edit=lambda lines: lines) -> TextPage:
    lines = edit([Line(text, (box[0], box[1], box[2], box[3])) for text, box in DATA["lines"]])
    return TextPage(ScanPage("scan.pdf#3", np.zeros(DATA["image_shape"], np.uint8), None), lines)


def _replace(old: str, new: str):
    def edit(lines: list[Line]) -> list[Line]:
        assert sum(ln.text == old for ln in lines) == 1, old
        return [Line(new, ln.box) if ln.text == old else ln for ln in lines]

    return edit


def test_the_recorded_table_is_read_in_another_order_than_printed():
    lines = [Line(text, tuple(box)) for text, box in DATA["lines"]]
    texts = [ln.text for ln in lines]
    assert texts.index("5,008,097.00") < texts.index("贷款")  # the row's amount before its label
    block = table_block(lines)
    assert block is not None
    i0, i1 = block
    assert texts[i0:i1][0] == "金额" and texts[i1 - 1] == "玖拾柒元整"


def test_a_clean_print_of_the_docx_has_no_difference_in_its_table(exp):
    tp = _aligned(_read(), exp)
    assert tp.covered is not None and exp.page_of(tp.covered[0]) == 2  # printed page 3 (the record starts at page 2)
    assert tp.hunks == []
    texts = [ln.text for ln in tp.lines]
    assert texts.index("贷款") < texts.index("5,008,097.00") < texts.index("玖拾柒元整")


def test_a_digit_changed_in_an_amount_of_the_table_is_found(exp):
    tp = _aligned(_read(_replace("2,096,327.00", "2,996,327.00")), exp)
    (h,) = tp.hunks
    f = hunk_finding("scan.pdf", tp, h, exp)
    assert (f.rule, f.expected, f.found) == ("clause.altered", "2,096,327.00", "2,996,327.00")


def test_a_digit_changed_in_a_date_of_the_table_is_found(exp):
    tp = _aligned(_read(_replace("2026年11月27日", "2026年11月29日")), exp)
    (h,) = tp.hunks
    assert (h.expected, h.found) == ("7", "9")


def test_two_amounts_swapped_between_rows_are_not_taken_for_a_reordering(exp):
    def swap(lines: list[Line]) -> list[Line]:
        other = {"50,000.00": "5,008,097.00", "5,008,097.00": "50,000.00"}
        return [Line(other.get(ln.text, ln.text), ln.box) for ln in lines]

    assert reorder(swap(_read().lines), exp.flat.text) is None  # the boxes contradict the printed order
    assert _aligned(_read(swap), exp).hunks != []  # the page is not clean (the cells as OCR read them differ)


def test_a_cell_left_out_is_found(exp):
    tp = _aligned(_read(lambda lines: [ln for ln in lines if ln.text != "2026年11月20日"]), exp)
    assert [(h.expected, h.found) for h in tp.hunks] == [("2026年11月20日", "")]


def test_an_amount_read_again_in_pieces_out_of_order_is_still_a_difference(exp):
    # what the enlarged second look at the changed amount's line really gave: its two boxes out of order
    tp = _aligned(_read(_replace("2,096,327.00", "996,327.0002,")), exp)
    assert any(any(c.isdigit() for c in h.expected + h.found) for h in tp.hunks)


def test_boxes_of_one_line_are_joined_left_to_right_whatever_their_tops():
    from toolkit.scan.ocr import in_lines

    def box(x0, y0, x1, y1):
        return [[x0, y0], [x1, y0], [x1, y1], [x0, y1]]

    # as RapidOCR read the enlarged line of a changed amount: the 0 after the point in two boxes
    result = [(box(59, 14, 338, 104), "996,327.0", 0.9), (box(21, 33, 73, 91), "2,", 0.9)]
    result += [(box(301, 28, 379, 81), "00", 0.9), (box(0, 120, 200, 160), "下一行", 0.9)]
    assert [t for _, t, _ in in_lines(result)] == ["2,", "996,327.0", "0", "下一行"]


def test_a_place_label_is_not_found_in_the_sentence_that_names_it():
    from toolkit.scan.textlevel import place_lines

    sentence = (
        "本认购书自出卖人盖章、认购人签字之日起成立；定金条款自认购人实际交付定金之日起生效。双方"  # read on p. 6
    )
    lines = [Line(sentence, (237, 614, 1521, 684)), Line("认购人（签字）：", (187, 1500, 420, 1550))]
    tp = TextPage(ScanPage("scan.pdf#6", np.zeros(DATA["image_shape"], np.uint8), None), lines)
    assert [i for _, i, _ in place_lines([tp], "认购人（签字）")] == [1]
    assert [i for _, i, _ in place_lines([tp], "出卖人（盖章）")] == []
