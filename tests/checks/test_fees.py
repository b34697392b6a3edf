"""fee.unpublished (R-PRICE-01): no charge beyond the price that the project has not published."""

from __future__ import annotations

import copy
import shutil
from pathlib import Path

import docx
import pytest
import yaml

from tests.checks.test_documents import paragraph
from tests.control.conftest import ESCROW
from toolkit import api
from toolkit.errors import ProjectError
from toolkit.rules import Refusal

ROOT = Path(__file__).resolve().parents[2]
DEAL = ROOT / "examples" / "cuihu" / "deals" / "CHY-2026-0001.yaml"


def _publish(project: Path, fees) -> api.Workspace:
    path = project / "project.yaml"  # appended, not round-tripped: PyYAML would read the permits' `no:` as false
    path.write_text(path.read_text(encoding="utf-8") + yaml.safe_dump({"fees": fees}, allow_unicode=True))
    return api.open_project(project)


def _receipt(ws, no: str, kind: str, amount) -> api.ReceiptRecorded:
    return api.money_receipt(ws, no=no, date="2026-11-20", payer="张伟", unit="1-1801", kind=kind, amount=amount,
                             channel="转账", account=ESCROW)  # fmt: skip


@pytest.fixture
def office(project_copy):
    ws = _publish(project_copy, [{"name": "更名手续费", "amount": 1000}, {"name": "代办产权登记费"}])
    api.deal_subscribe(ws, project_copy / "deals" / "CHY-2026-0001.yaml")
    return ws


def test_a_receipt_for_an_unpublished_charge_is_refused(office):
    with pytest.raises(Refusal) as exc:
        _receipt(office, "SJ0100", "装修管理费", 5000)
    assert exc.value.rule == "fee.unpublished" and "更名手续费" in str(exc.value)


def test_a_receipt_above_the_published_amount_is_refused(office):
    with pytest.raises(Refusal) as exc:
        _receipt(office, "SJ0101", "更名手续费", 1500)
    assert exc.value.rule == "fee.unpublished" and "1000" in str(exc.value)


def test_published_fees_and_price_money_are_taken(office):
    assert _receipt(office, "SJ0102", "更名手续费", 1000).kind == "更名手续费"
    assert _receipt(office, "SJ0103", "代办产权登记费", 380).kind == "代办产权登记费"
    assert _receipt(office, "SJ0104", "定金", 50000).kind == "定金"


def test_a_malformed_fee_list_names_the_field(project_copy):
    with pytest.raises(ProjectError) as exc:
        _publish(project_copy, [{"name": "更名手续费", "amount": "一千"}])
    assert "fees[0].amount" in str(exc.value)


def _add_to_supplement(contract: Path, text: str) -> None:
    d = docx.Document(str(contract))
    anchor = paragraph(d, "sup_14")
    extra = copy.deepcopy(anchor._p)
    for b in [*extra.iter(docx.oxml.ns.qn("w:bookmarkStart")), *extra.iter(docx.oxml.ns.qn("w:bookmarkEnd"))]:
        b.getparent().remove(b)
    anchor._p.addnext(extra)
    new = docx.text.paragraph.Paragraph(extra, anchor._parent)
    for run in new.runs[1:]:
        run.text = ""
    new.runs[0].text = text
    d.save(str(contract))


@pytest.fixture(scope="module")
def rendered(tmp_path_factory, ws) -> Path:
    out = tmp_path_factory.mktemp("fees")
    api.render(ws, deals=[DEAL], docs=["contract"], out=out)
    return out / "CHY-2026-0001-contract.docx"


def test_a_supplement_clause_charging_an_unpublished_fee_is_flagged(ws, rendered, tmp_path):
    contract = Path(shutil.copy(rendered, tmp_path / rendered.name))
    _add_to_supplement(contract, "买受人应于交付前向出卖人缴纳装修管理费人民币伍仟元。")
    rules = [f.rule for f in api.check(ws, [contract]).findings]
    assert "fee.unpublished" in rules and "clause.altered" in rules


def test_a_supplement_clause_naming_a_published_fee_or_forbidding_one_is_not_flagged(project_copy, rendered, tmp_path):
    ws = _publish(project_copy, [{"name": "代办产权登记费"}])
    for i, text in enumerate(["买受人委托出卖人代办产权登记的，按公示标准支付代办产权登记费。",
                              "出卖人不另收取任何手续费。"]):  # fmt: skip
        contract = Path(shutil.copy(rendered, tmp_path / f"{i}-{rendered.name}"))
        _add_to_supplement(contract, text)
        assert "fee.unpublished" not in [f.rule for f in api.check(ws, [contract]).findings]


def _add_plan_row(contract: Path, item: str) -> None:
    d = docx.Document(str(contract))
    row = next(r for t in d.tables for r in t.rows if r.cells[0].text.strip() == "定金")
    extra = copy.deepcopy(row._tr)
    row._tr.addnext(extra)
    cell = docx.table._Row(extra, row._parent).cells[0]
    cell.paragraphs[0].runs[0].text = item
    for run in cell.paragraphs[0].runs[1:]:
        run.text = ""
    d.save(str(contract))


def _all_rules(findings) -> set[str]:
    return {f.rule for f in findings} | {g["rule"] for f in findings for g in f.extra.get("follows", [])}


def test_a_charge_added_to_the_payment_plan_is_fee_unpublished(ws, rendered, tmp_path):
    contract = Path(shutil.copy(rendered, tmp_path / rendered.name))
    _add_plan_row(contract, "装修款")
    found = [f for f in api.check(ws, [contract]).findings]
    assert "fee.unpublished" in _all_rules(found)
    assert any("装修款" in f.message for f in found if f.rule == "fee.unpublished") or any(
        "装修款" in g["message"] for f in found for g in f.extra.get("follows", []) if g["rule"] == "fee.unpublished"
    )
