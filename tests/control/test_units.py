"""Every guard and transition of the unit state machine, and each change flow with its approval."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from tests.control.conftest import DAY, amend, receipt, state
from toolkit import api
from toolkit.rules import Refusal

pytestmark = pytest.mark.usefixtures("ledger_backend")  # every test on SQLite and on PostgreSQL


def deal(project, n: int):
    return project / "deals" / f"CHY-2026-000{n}.yaml"


def refused(rule: str, call, *args, **kwargs) -> str:
    with pytest.raises(Refusal) as exc:
        call(*args, **kwargs)
    assert exc.value.rule == rule, str(exc.value)
    return str(exc.value)


def test_subscribe_and_sign_move_the_unit(office):
    ws, project = office
    api.deal_subscribe(ws, deal(project, 1))
    assert (state(ws, "1-1801").status, state(ws, "1-1801").deal_no) == ("已认购", "CHY-2026-0001")
    api.deal_sign(ws, "CHY-2026-0001")
    assert state(ws, "1-1801").status == "已签约"
    refused("change.invalid", api.deal_sign, ws, "CHY-2026-0001")
    history = [e["status"] for e in api.unit_show(ws, "1-1801").history]
    assert history == ["已认购", "已签约"]


def test_no_double_sale(office, tmp_path):
    ws, project = office
    api.deal_subscribe(ws, deal(project, 1))
    other = amend(deal(project, 2), tmp_path / "other.yaml", deal_no="CHY-2026-0099", unit="1-1801")
    refused("unit.unavailable", api.deal_subscribe, ws, other)
    refused("input.invalid", api.deal_subscribe, ws, deal(project, 1))


def test_no_sale_in_a_building_without_a_permit_nor_of_a_held_unit(office, tmp_path):
    ws, project = office
    refused("permit.missing", api.deal_subscribe, ws, amend(deal(project, 1), tmp_path / "a.yaml", unit="4-0801"))
    refused("unit.unavailable", api.deal_subscribe, ws, amend(deal(project, 2), tmp_path / "b.yaml", unit="2-0803"))
    api.unit_action(ws, "hold", "1-0902", approved_by="王强")
    refused("unit.unavailable", api.deal_subscribe, ws, amend(deal(project, 1), tmp_path / "c.yaml", unit="1-0902"))
    api.unit_action(ws, "release", "1-0902", approved_by="王强")
    api.deal_subscribe(ws, tmp_path / "c.yaml")
    refused("authority.change", api.unit_action, ws, "hold", "1-0903", approved_by="李娜")


def test_a_requested_change_locks_the_unit_until_it_is_approved(office):
    ws, project = office
    api.deal_subscribe(ws, deal(project, 3))
    result, _ = api.change(ws, "refund", deal_no="CHY-2026-0003", reason_code="双方均无过错", date=DAY)
    assert result.status == "requested" and state(ws, "3-1503").pending == "退房"
    refused("unit.locked", api.deal_sign, ws, "CHY-2026-0003")
    refused("unit.locked", api.change, ws, "refund", deal_no="CHY-2026-0003", reason_code="买受人原因", date=DAY)
    refused("authority.change", api.change_approve, ws, result.no, approved_by="周敏")
    api.change_approve(ws, result.no, approved_by="王强", approval_no="TF-1")
    assert (state(ws, "3-1503").status, state(ws, "3-1503").pending) == ("待售", None)


def test_a_refunded_unit_must_be_repriced_before_it_is_sold_again(office, tmp_path):
    ws, project = office
    api.deal_subscribe(ws, deal(project, 3))
    api.change(ws, "refund", deal_no="CHY-2026-0003", reason_code="买受人原因", approved_by="王强", date=DAY)
    again = amend(deal(project, 3), tmp_path / "again.yaml", deal_no="CHY-2026-0100")
    refused("unit.needs_pricing", api.deal_subscribe, ws, again)
    api.unit_action(ws, "reprice", "3-1503", approved_by="王强")
    api.deal_subscribe(ws, again)
    assert state(ws, "3-1503").deal_no == "CHY-2026-0100"


@pytest.mark.parametrize(
    ("reason", "outcome", "refund", "forfeited"),
    [
        ("买受人原因", "定金不予退还", D("20000"), D("80000")),  # paid 100,000 of which 80,000 deposit
        ("出卖人原因", "双倍返还定金", D("180000"), D("0")),
        ("双方均无过错", "全额退还定金", D("100000"), D("0")),
        ("贷款未获批准（非双方原因）", "全额退还定金", D("100000"), D("0")),
    ],
)
def test_refunds_follow_the_deposit_rules(office, reason, outcome, refund, forfeited):
    ws, project = office
    api.deal_subscribe(ws, deal(project, 3))
    receipt(ws, "SJ0001", "黄丽", "3-1503", "定金", 80000)
    receipt(ws, "SJ0002", "黄丽", "3-1503", "房款", 20000)
    result, form = api.change(
        ws,
        "refund",
        deal_no="CHY-2026-0003",
        reason_code=reason,
        approved_by="王强",
        date=DAY,
        out=project / "out",
        payee="黄丽",
        account="6222000011112222",
    )
    assert (result.figures["deposit_outcome"], result.figures["refund"], result.figures["forfeited"]) == (
        outcome,
        refund,
        forfeited,
    )
    assert form.docx.is_file() and form.docx.name == "CHY-2026-0003-TF1-change_refund.docx"


def test_an_unknown_refund_reason_is_refused(office):
    ws, project = office
    api.deal_subscribe(ws, deal(project, 3))
    refused("change.invalid", api.change, ws, "refund", deal_no="CHY-2026-0003", reason_code="不想要了", date=DAY)


def test_a_room_change_carries_paid_amounts_to_a_newly_priced_unit(office, tmp_path):
    ws, project = office
    api.deal_subscribe(ws, deal(project, 2))
    receipt(ws, "SJ0001", "刘洋", "2-2302", "定金", 100000)
    moved = amend(deal(project, 2), tmp_path / "moved.yaml", unit="2-2301")
    result, form = api.change(ws, "room", deal_file=moved, approved_by="王强", date=DAY, out=project / "out")
    # 74,760 × 98.76 = 7,383,297.60; × 0.97 × 0.99 = 7,090,180.8 → 7,090,181; 7,090,181 − 9,218,096 = −2,127,915
    assert (result.figures["carried_over"], result.figures["new_total"], result.figures["difference"]) == (
        D("100000"),
        D("7090181"),
        D("-2127915"),
    )
    assert state(ws, "2-2301").deal_no == "CHY-2026-0002" and state(ws, "2-2302").needs_pricing
    assert "新房号较低" in "\n".join(p.text for p in __import__("docx").Document(str(form.docx)).paragraphs)


def test_room_change_guards(office, tmp_path):
    ws, project = office
    api.deal_subscribe(ws, deal(project, 2))
    api.deal_subscribe(ws, deal(project, 1))
    refused("change.invalid", api.change, ws, "room", deal_file=deal(project, 2), approved_by="王强", date=DAY)
    taken = amend(deal(project, 2), tmp_path / "taken.yaml", unit="1-1801")
    refused("unit.unavailable", api.change, ws, "room", deal_file=taken, approved_by="王强", date=DAY)
    api.deal_sign(ws, "CHY-2026-0002")
    moved = amend(deal(project, 2), tmp_path / "moved.yaml", unit="2-2301")
    refused("change.invalid", api.change, ws, "room", deal_file=moved, approved_by="王强", date=DAY)


def test_rename_follows_the_project_policy(office, tmp_path):
    ws, project = office
    api.deal_subscribe(ws, deal(project, 1))
    spouse = {
        "name": "王丽",
        "id_type": "居民身份证",
        "id_no": "440306199211302840",
        "phone": "13600000000",
        "address": "深圳市南山区科技园路1号",
        "share_pct": 50,
    }
    renamed = amend(deal(project, 1), tmp_path / "renamed.yaml", buyers__0__share_pct=50)
    amend(
        renamed, renamed, buyers=[*__import__("yaml").safe_load(renamed.read_text(encoding="utf-8"))["buyers"], spouse]
    )
    refused(
        "change.invalid", api.change, ws, "rename", deal_file=renamed, relationship="朋友", approved_by="吴芳", date=DAY
    )
    refused(
        "authority.change",
        api.change,
        ws,
        "rename",
        deal_file=renamed,
        relationship="配偶",
        approved_by="王强",
        date=DAY,
    )
    result, _ = api.change(
        ws, "rename", deal_file=renamed, relationship="配偶", approved_by="吴芳", date=DAY, out=project / "out"
    )
    assert result.status == "executed"
    assert [b["name"] for b in api.unit_show(ws, "1-1801").deal["buyers"]] == ["张伟", "王丽"]
    (project / "policies.yaml").write_text("changes:\n  rename: blocked\n", encoding="utf-8")
    blocked = api.open_project(project)
    refused(
        "change.invalid",
        api.change,
        blocked,
        "rename",
        deal_file=renamed,
        relationship="配偶",
        approved_by="吴芳",
        date=DAY,
    )


def test_a_price_change_is_priced_anew_within_authority(office, tmp_path):
    ws, project = office
    api.deal_subscribe(ws, deal(project, 1))
    one_off = amend(
        deal(project, 1),
        tmp_path / "one-off.yaml",
        payment={"method": "一次性付款", "due_date": "2026-12-01"},
        discounts=["ONE_OFF", "OPENING"],
    )
    result, _ = api.change(ws, "price", deal_file=one_off, approved_by="王强", date=DAY, out=project / "out")
    # 74,660 × 98.76 = 7,373,421.60; × 0.97 × 0.99 × 0.99 (extra 1%) = 7,009,889.79… → 7,009,890
    assert (result.figures["old_total"], result.figures["new_total"]) == (D("7154424"), D("7009890"))
    greedy = amend(
        deal(project, 1),
        tmp_path / "greedy.yaml",
        extra_discount={"rate_pct": 2, "approved_by": "周敏", "approval_no": "X"},
    )
    refused("authority.discount", api.change, ws, "price", deal_file=greedy, approved_by="王强", date=DAY)


def test_unit_show_and_a_price_list_in_xlsx(office):
    ws, project = office
    from openpyxl import Workbook

    rows = [line.split(",") for line in (project / "units.csv").read_text(encoding="utf-8").splitlines()]
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    wb.save(project / "units.xlsx")
    (project / "units.csv").unlink()
    xlsx_ws = api.open_project(project)
    assert xlsx_ws.project.units["1-1801"].list_unit_price == D("74660")
    api.deal_subscribe(xlsx_ws, deal(project, 1))
    shown = api.unit_show(xlsx_ws, "1-1801")
    assert shown.status == "已认购" and shown.deal["buyers"][0]["id_no"] == "440305********4536"


def test_a_contracted_deal_can_be_refunded_and_its_unit_re_priced(office):
    ws, project = office
    api.deal_subscribe(ws, deal(project, 1))
    api.deal_sign(ws, "CHY-2026-0001")
    result, form = api.change(
        ws,
        "refund",
        deal_no="CHY-2026-0001",
        reason_code="出卖人原因",
        approved_by="王强",
        date=DAY,
        out=project / "out",
    )
    assert result.status == "executed" and form.docx.is_file()
    assert (state(ws, "1-1801").status, state(ws, "1-1801").needs_pricing) == ("待售", True)
    assert api.unit_show(ws, "1-1801").deal is None
    history = [e["status"] for e in api.unit_show(ws, "1-1801").history]
    assert history == ["已认购", "已签约", "待售（待价格审核）"]
