"""What a sales admin reads names places and fields in Chinese: a clause by its heading, a field by its label,
a document by its title; the ids (clause, path, document) stay in the findings' data, never in the words."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from toolkit import yamlio
from toolkit.checks.where import Outline, describe
from toolkit.errors import PackError
from toolkit.fields import label
from toolkit.findings import Finding
from toolkit.pack.clauses import _walk
from toolkit.reports.check_html import render_html
from toolkit.scan.where import page_place

ROOT = Path(__file__).resolve().parents[2]
PACKS = sorted((ROOT / "templates").glob("*/context.yaml"))
ASCII_WORD = re.compile(r"[A-Za-z_]")


def _deal_paths() -> list[str]:
    paths = {p for f in PACKS for p in yamlio.read_file(f, PackError)["deal"]}
    return sorted(p.replace("[]", "[0]") for p in paths)


@pytest.mark.parametrize("path", _deal_paths())
def test_every_field_a_deal_document_prints_has_a_chinese_name(path):
    assert not ASCII_WORD.search(describe(path)), describe(path)
    assert not ASCII_WORD.search(label(path)), label(path)


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("deal.payment_method", "付款方式"),
        ("deal.loan_amount", "贷款金额"),
        ("deal.down_payment_pct", "首付款比例"),
        ("deal.plan[2].amount", "付款计划 第3行 金额"),
        ("buyers[0].id_type", "买受人 第1行 证件类型"),
    ],
)
def test_a_field_is_described_by_its_label(path, name):
    assert describe(path) == name


def test_label_names_a_row_without_the_printed_values_and_leaves_an_unknown_path_alone():
    assert (label("deal.plan[2].amount"), label("buyers[0].name"), label("deal.plan")) == (
        "付款计划第3行金额",
        "买受人第1行",
        "付款计划",
    )
    assert label("deal.plan[0].nothing") == "deal.plan[0].nothing" and label("x.y") == "x.y"


@pytest.fixture(scope="module")
def subscription(ws):
    return ws.pack.compiled_for("subscription")


def test_a_clause_is_placed_by_its_heading(subscription):
    segments = list(_walk(subscription.nodes))
    assert page_place(3, "sub_pay_2", segments) == "第3页，第四条"
    assert page_place(1, "sub_intro_1", segments) == "第1页，首部"  # before the first heading
    assert page_place(2, "", segments) == page_place(2, "no_such_clause", segments) == "第2页"


def test_text_inserted_after_a_clause_is_placed_under_its_heading(subscription):
    o = Outline(subscription)
    assert (o.place("after sub_pay_2").location, o.place("after sub_pay_2").clause) == ("第四条", "sub_pay_2")
    assert o.place("after start").location == "首部"
    assert {p.location for k, p in o.at.items() if not p.clause} >= {"首部"}  # no "paragraph 1" as a place


def test_the_report_names_a_document_by_its_title_else_its_id():
    f = Finding("clause.altered", "error", "条款文字与模板不一致：x", location="第四条", clause="sub_pay_2")
    docs = [("a.pdf", "subscription", [f]), ("b.pdf", "mystery", []), ("c.pdf", "", [])]
    html = render_html(docs, titles={"subscription": "商品房认购书"})
    assert "<h2>a.pdf <small>商品房认购书</small></h2>" in html and ">subscription<" not in html
    assert "<small>mystery</small>" in html and "<small>未识别</small>" in html
    assert "<td class='where'>第四条<br><span class='rule'>sub_pay_2</span></td>" in html


def test_the_values_table_names_a_field_by_its_label(subscription):
    o = Outline(subscription)
    where = o.place("sub_pay_1", None, "deal.payment_method").location
    row = {"page": 3, "path": "deal.payment_method", "where": where, "option": "一次性付款"}
    row |= {"printed": "□", "read": "□", "taken": "□", "how": "same"}
    html = render_html([("a.pdf", "subscription", [])], read={"a.pdf": [row]})
    assert "<td>第四条 付款方式 一次性付款</td>" in html and "deal.payment_method" not in html


def test_a_finding_on_the_terminal_reads_as_the_report_says_it():
    from toolkit.reports.check_html import text_line

    follows = [{"rule": "amount.arithmetic"}, {"rule": "amount.words_mismatch"}]
    f = Finding("terms.mismatch", "error", "印为“1”", location="第四条", clause="sub_pay_2", extra={"follows": follows})
    assert text_line(f) == (
        "错误：认购书与合同一致（terms.mismatch）[第四条]：印为“1”（由此引起2项：大小写金额一致、金额与面积计算）"
    )
