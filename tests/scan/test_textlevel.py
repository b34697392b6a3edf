"""Pages without a readable code that fit no printed page by their image: read by OCR, compared by text."""

from __future__ import annotations

import random
import re

import pytest

from tests.scan import corpus
from toolkit import api
from toolkit.pack.clauses import _walk
from toolkit.scan.judge import judge_files
from toolkit.scan.pages import ScanPage, find_printed
from toolkit.scan.places import declared, locate
from toolkit.scan.raster import render_pdf
from toolkit.scan.textcompare import NEGATION, differences, flatten
from toolkit.scan.textlevel import TextPage, expected_of, hunk_finding

HEIGHT = 841.89
AMOUNT = ("2,096,327.00", "2,996,327.00")  # the first payment, in the payment plan's table (page 3)
STRUCK = "首付款比例不得低于成交总价的30%，亦不得低于办理贷款时当地执行的最低首付款比例。"  # sub_loan_2


@pytest.fixture(scope="module")
def expected(first, ws):
    segments = list(_walk(ws.pack.compiled_for("subscription").nodes))
    return expected_of(first, segments)


def _bounds(exp, n: int) -> tuple[int, int]:
    ends = [*exp.starts, len(exp.flat.text)]
    return ends[n - 1], ends[n]


def _page(exp, n: int) -> str:
    lo, hi = _bounds(exp, n)
    return exp.flat.source[exp.flat.at[lo] : exp.flat.at[hi - 1] + 1]


def _ocr_like(exp, n: int, seed: int, rate: float = 0.005) -> str:
    """Page n's printed text as OCR gives it: 0.5% characters misread, punctuation dropped, widths mixed."""
    rng = random.Random(seed)
    lo, hi = _bounds(exp, n)
    fixed = [k for k in range(lo, hi) if not exp.values[k] and "\u4e00" <= exp.flat.text[k] <= "\u9fff"]
    picks: list[int] = []
    for k in rng.sample(fixed, len(fixed)):
        if len(picks) < max(2, int(rate * (hi - lo))) and all(abs(k - j) > 4 for j in picks):
            if exp.flat.text[k] not in NEGATION:
                picks.append(k)
    chars = list(exp.flat.source)
    for k in picks:
        chars[exp.flat.at[k]] = "曰" if chars[exp.flat.at[k]] != "曰" else "日"
    text = "".join(chars[exp.flat.at[lo] : exp.flat.at[hi - 1] + 1])
    text = re.sub("[，。；：、“”]", lambda m: "" if rng.random() < 0.3 else m.group(0), text)
    return text.replace("，", ",").replace("（", "(").replace("□", "口").replace(" ", "")


def test_ocr_noise_is_not_a_difference(expected):
    for n in range(1, 7):
        page = flatten(_ocr_like(expected, n, seed=n)).text
        covered, hunks = differences(page, expected.flat.text, expected.values)
        assert hunks == [] and expected.page_of(covered[0]) == n


def test_a_table_read_row_by_row_is_not_a_difference(expected):
    printed = _page(expected, 3)
    row = "首付款（扣除定金\n后）\n2,096,327.00 人民币贰佰零玖万陆\n仟叁佰贰拾柒元整\n2026 年 11 月 27 日"
    assert row in printed
    read = printed.replace(row, "首付款（扣除定金 2,096,327.00 人民币贰佰零玖万陆 2026年11月27日\n后) 仟叁佰贰拾柒元整")
    assert differences(flatten(read).text, expected.flat.text, expected.values)[1] == []


def test_a_changed_amount_and_a_struck_sentence_are_found_in_noise_with_page_and_clause(expected, pages):
    text = _ocr_like(expected, 3, seed=7).replace("2,096,327.00", "2,996,327.00")
    text = text.replace(STRUCK.replace("，", ",").replace("（", "("), "")
    assert "2,996,327.00" in text and "最低首付款比例" not in text
    tp = TextPage(ScanPage("scan.pdf#3", pages[2], None), [])
    tp.flat = flatten(text)
    tp.covered, tp.hunks = differences(tp.flat.text, expected.flat.text, expected.values)
    found = [hunk_finding("scan.pdf", tp, h, expected) for h in tp.hunks]
    assert [(f.rule, f.location) for f in found] == [("clause.altered", "第3页")] * 2
    amount, sentence = found
    assert (amount.expected, amount.found) == AMOUNT and amount.clause.startswith("sub_pay")
    assert sentence.clause == "sub_loan_2" and "最低首付款比例" in sentence.expected and sentence.found == ""


def test_a_changed_name_or_negation_is_more_than_noise(expected):
    from toolkit.scan.textcompare import Hunk, significant

    name = expected.flat.text.find("张伟")
    assert significant(Hunk(name, name + 1, 0, 1, "张", "李"), expected.values)  # a value: one character counts
    fixed = expected.flat.text.find("不得另行出售")
    assert significant(Hunk(fixed, fixed + 1, 0, 0, "不", ""), expected.values)  # a negation struck
    assert not significant(Hunk(fixed + 2, fixed + 3, 0, 1, "另", "男"), expected.values)  # a misread


def test_a_printed_pdf_in_traditional_script_is_found(printed, tmp_path):
    import shutil

    pdf = sorted(printed.glob("*-subscription.pdf"))[0]
    shutil.copy(pdf, tmp_path / pdf.name.replace(".pdf", "-hant.pdf"))
    assert find_printed(pdf.stem.upper(), [tmp_path]) == tmp_path / pdf.name.replace(".pdf", "-hant.pdf")


def test_the_time_limit_grows_with_the_pages_of_a_scan(tmp_path, pages):
    from toolkit.inbox.worker import pages_in, time_limit

    scan = tmp_path / "scan.pdf"
    corpus.save_pdf(pages, scan)
    cfg = api.inbox_config(tmp_path, tmp_path, tmp_path)
    n = pages_in(scan.read_bytes(), scan.name)
    assert n == 6
    assert time_limit(cfg.time_limit, n, cfg.page_time_limit) > 6 * 25  # 6 pages read whole by OCR are not killed


# -- full-page OCR of pages printed from the DOCX (slow: 8–45 s a page on this machine) -------------------


@pytest.fixture(scope="module")
def from_docx(printed, tmp_path_factory):
    docx = sorted(printed.glob("*-subscription.docx"))[0]
    out = tmp_path_factory.mktemp("from-docx")
    return corpus.printed_from_docx(docx, out, {"clean": {}, "amount": dict([AMOUNT]), "struck": {STRUCK: ""}})


def _signed_scan(ws, pdf, tmp_path):
    pages = render_pdf(pdf)
    corpus.sign_all(pages, locate(pdf, declared(ws.pack, "subscription")), HEIGHT)
    path = tmp_path / f"{pdf.stem}-scan.pdf"
    corpus.scan_pdf(pages, path)
    return path


@pytest.mark.slow
def test_a_signed_print_of_the_docx_checks_clean_page_by_page_by_text(tmp_path, ws, printed, from_docx, monkeypatch):
    scan = _signed_scan(ws, from_docx["clean"], tmp_path)
    v = judge_files([scan], ws.pack, ws.policy, near=[printed])
    assert [f.message for f in v.findings] == []
    assert v.document_id == "CHY-2026-0001-subscription" and v.ocr_seconds > 0
    assert sorted(v.pages_checked) == [1, 2, 3, 4, 5, 6]
    assert all("文字识别+文本比对" in how for how in v.pages_checked.values())
    monkeypatch.setenv("LOUPAN_PRINTED", str(printed))
    result = api.check(ws, [scan])  # the OCR of its pages is kept: read once
    (doc,) = result.documents
    assert [f.rule for f in doc.findings if f.severity == "error"] == []
    assert "第6页：二维码无法读取，文字识别+文本比对" in doc.how
    html = api.check_report(result, tmp_path / "report.html").read_text(encoding="utf-8")
    assert "核对方式" in html and "文字识别+文本比对" in html


@pytest.mark.slow
def test_an_amount_changed_in_the_docx_before_printing_is_clause_altered(tmp_path, ws, printed, from_docx):
    v = judge_files([_signed_scan(ws, from_docx["amount"], tmp_path)], ws.pack, ws.policy, near=[printed])
    (f,) = v.findings
    assert (f.rule, f.location, f.expected, f.found) == ("clause.altered", "第3页", *AMOUNT)
    assert f.clause.startswith("sub_pay") and "文字识别" in f.message


@pytest.mark.slow
def test_a_sentence_struck_from_the_docx_is_clause_altered_naming_its_clause(tmp_path, ws, printed, from_docx):
    v = judge_files([_signed_scan(ws, from_docx["struck"], tmp_path)], ws.pack, ws.policy, near=[printed])
    (f,) = v.findings
    assert (f.rule, f.location, f.clause) == ("clause.altered", "第3页", "sub_loan_2")
    assert "最低首付款比例" in f.expected and f.found == ""


@pytest.mark.slow
def test_an_unsigned_print_of_the_docx_is_sign_missing(tmp_path, ws, printed, from_docx):
    pages = render_pdf(from_docx["clean"])
    places = locate(from_docx["clean"], declared(ws.pack, "subscription"))
    corpus.sign_all(pages, places, HEIGHT, skip="buyer")
    path = tmp_path / "unsigned.pdf"
    corpus.scan_pdf(pages, path)
    v = judge_files([path], ws.pack, ws.policy, near=[printed])
    assert [(f.rule, f.expected) for f in v.findings] == [("sign.missing", "认购人（签字）")]
