"""The sales flows on the ledger: 认购, 签约, 退房, 换房, 更名, 价格/付款方式变更, 价格审核, 销控.

Each flow checks its guards and the approver's authority, then moves units and deals in one transaction.
A change given without an approver is recorded as requested and locks its unit until it is approved.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from toolkit.checks.run import DealCase, DealCheck
from toolkit.control.filing import filed_on
from toolkit.control.money import refund_payee
from toolkit.control.refunds import interest_figures, unfiling
from toolkit.domain.policy import Policy
from toolkit.domain.project import Project
from toolkit.findings import has_errors
from toolkit.ledger.base import SalesLedger as Sales
from toolkit.ledger.states import DealStatus as D
from toolkit.ledger.states import UnitStatus as U
from toolkit.ledger.terms import deal_columns
from toolkit.rules import Refusal

KIND_NAMES = {"refund": "退房", "room": "换房", "rename": "更名", "price": "价格变更"}


@dataclass
class ChangeResult:
    """A change recorded: its number, whether it was executed, and its figures."""

    no: str
    kind: str
    status: str
    deal_no: str
    unit: str
    figures: dict[str, Any] = field(default_factory=dict)


def role_of(project: Project, policy: Policy, name: str) -> str:
    """Return a staff member's role, or refuse an approver who is not on the roster."""
    role = project.staff.get(name)
    if role is None:
        raise Refusal.of("authority.change", f"审批人{name}不在项目人员名单中")
    return role


def check_approver(project: Project, policy: Policy, kind: str, name: str) -> str:
    """Refuse an approver whose role ranks below the role the policy asks for this change."""
    role = role_of(project, policy, name)
    needed = policy.data["changes"]["approvers"][kind]
    ranks = {r: i for i, (r, _) in enumerate(sorted(policy.authority.items(), key=lambda kv: kv[1]))}
    if ranks.get(role, -1) < ranks.get(needed, 99):
        raise Refusal.of("authority.change", f"{KIND_NAMES.get(kind, kind)}须由{needed}或以上岗位审批，{name}为{role}")
    return role


def _ok(check: DealCheck) -> DealCase:
    """Return the checked deal, or refuse one that breaks a deal rule, naming the rule."""
    if check.case is None or has_errors(check.findings):
        raise Refusal(*[f for f in check.findings if f.severity == "error"])
    return check.case


def _deal_fields(case: DealCase) -> dict[str, Any]:
    return {
        "unit": case.unit.code,
        "buyers": [asdict(b) | {"share_pct": str(b.share_pct)} for b in case.deal.buyers],
        "total": case.pricing.total,
        "deposit": case.deal.deposit,
        "payment_method": case.deal.payment.method,
        "subscribe_date": case.deal.subscribe_date.isoformat(),
        **deal_columns(case.deal, case.pricing),  # consultant, deadline, plan and discounts for the reports
    }


def subscribe(sales: Sales, check: DealCheck) -> None:
    """Record a subscribed deal: the unit must be free, and the deal pass every deal rule."""
    case = _ok(check)
    with sales.transaction():  # read and write in one: no other process can sell the unit in between
        if sales.has_deal(case.deal.deal_no):
            raise Refusal.of("input.invalid", f"成交{case.deal.deal_no}已在台账中")
        sales.guard_sellable(case.unit.code)
        sales.save_deal(case.deal.deal_no, status=D.SUBSCRIBED, **_deal_fields(case))
        sales.set_unit(case.unit.code, U.SUBSCRIBED, case.deal.deal_no)


def sign(sales: Sales, deal_no: str) -> None:
    """Record the contract of a subscribed deal."""
    with sales.transaction():
        deal = sales.deal(deal_no)
        sales.guard_deal_unit(deal["unit"], deal_no, (U.SUBSCRIBED,))
        sales.save_deal(deal_no, status=D.CONTRACTED)
        sales.set_unit(deal["unit"], U.CONTRACTED, deal_no)


DEPOSIT_SHARE = Decimal("0.20")  # 民法典第五百八十六条: 定金 above 20% of the price has no 定金 effect (R-DEP-01)


def refund_figures(
    policy: Policy, reason_code: str, paid: Decimal, deposit_paid: Decimal, total: Decimal
) -> dict[str, Any]:
    """Apply the 定金罚则 to what was paid: forfeit, double or full refund, by the reason.

    The 定金 is what was actually paid as 定金 (民法典第五百八十六条: a 定金 contract forms on payment, and the
    amount paid counts as the amount agreed), up to 20% of the price; money paid towards the price is not 定金.
    """
    outcome = policy.data["deposit_outcomes"].get(reason_code)
    if outcome is None:
        raise Refusal.of("change.invalid", f"退房原因须为{'、'.join(policy.data['deposit_outcomes'])}之一")
    paid_deposit = min(deposit_paid, (total * DEPOSIT_SHARE).quantize(Decimal("0.01")), paid)
    refund = {"forfeit": paid - paid_deposit, "double": paid + paid_deposit, "refund": paid}[outcome]
    words = {"forfeit": "定金不予退还", "double": "双倍返还定金", "refund": "全额退还定金"}[outcome]
    return {
        "outcome": outcome,
        "deposit_outcome": words,
        "paid": paid,
        "refund": refund,
        "deposit_paid": paid_deposit,  # the form's 其中：定金 (of what was paid)
        "forfeited": paid_deposit if outcome == "forfeit" else Decimal(0),
        "reason_code": reason_code,
    }


def refund(
    sales: Sales,
    project: Project,
    policy: Policy,
    deal_no: str,
    *,
    reason_code: str,
    date: dt.date,
    approved_by: str | None = None,
    interest_rate_pct: Decimal | None = None,
    **extra: Any,
) -> ChangeResult:
    """退房: the unit goes back to 待售 (to be re-priced); the money back follows the deposit rules, with interest
    when its reason bears it; a filed contract is rescinded only after its 撤销备案 (`unfiled_on`, `unfiling_no`)."""
    deal = sales.deal(deal_no)
    u = sales.guard_deal_unit(deal["unit"], deal_no, (U.SUBSCRIBED, U.CONTRACTED, U.FILED))
    filed = filed_on(sales.history(u.code), deal_no)
    extra |= unfiling(u.status, u.code, filed, extra.pop("unfiled_on", None), extra.pop("unfiling_no", ""), date)
    refund_payee(sales, deal_no, extra.get("payee", ""), extra.get("loan_to", ""), policy)  # R-CASH-05
    deposit_paid = sales.paid(deal_no, kind="定金")
    figures = refund_figures(policy, reason_code, sales.paid(deal_no), deposit_paid, Decimal(deal["total"]))
    figures |= interest_figures(sales, policy, deal_no, reason_code, date, interest_rate_pct)
    figures["refund_total"] = figures["refund"] + figures["interest"]
    return _record(sales, project, policy, "refund", deal, figures | extra, date, approved_by)


def room(
    sales: Sales,
    project: Project,
    policy: Policy,
    amended: DealCheck,
    *,
    date: dt.date,
    approved_by: str | None = None,
    **extra: Any,
) -> ChangeResult:
    """换房: paid amounts carry over to the new unit, priced anew; the old unit waits for re-pricing."""
    case = _ok(amended)
    deal = sales.deal(case.deal.deal_no)
    allowed = (U.SUBSCRIBED, U.CONTRACTED) if policy.data["changes"].get("room_after_contract") else (U.SUBSCRIBED,)
    sales.guard_deal_unit(deal["unit"], deal["deal_no"], allowed)
    if case.unit.code == deal["unit"]:
        raise Refusal.of("change.invalid", "换房的新房号不能与原房号相同")
    sales.guard_sellable(case.unit.code)
    figures = {
        "old_unit": deal["unit"],
        "new_unit": case.unit.code,
        "new_area": case.unit.building_area,
        "old_total": Decimal(deal["total"]),
        "new_total": case.pricing.total,
        "difference": case.pricing.total - Decimal(deal["total"]),
        "carried_over": sales.paid(deal["deal_no"]),
        "deal": _deal_fields(case),
    }
    return _record(sales, project, policy, "room", deal, figures | extra, date, approved_by)


def rename(
    sales: Sales,
    project: Project,
    policy: Policy,
    amended: DealCheck,
    *,
    relationship: str,
    date: dt.date,
    approved_by: str | None = None,
    **extra: Any,
) -> ChangeResult:
    """更名: only as the project's policy allows (blocked, or spouse and close relatives with approval)."""
    case = _ok(amended)
    deal = sales.deal(case.deal.deal_no)
    sales.guard_deal_unit(deal["unit"], deal["deal_no"], (U.SUBSCRIBED, U.CONTRACTED))
    mode = policy.data["changes"].get("rename", "relatives")
    allowed = policy.data["changes"].get("rename_relationships", [])
    if mode == "blocked":
        raise Refusal.of("change.invalid", "本项目实行实名制，认购后不得更名")
    if mode == "relatives" and relationship not in allowed:
        raise Refusal.of("change.invalid", f"更名仅限增减{'、'.join(allowed)}，申请的关系为{relationship or '未填写'}")
    if case.unit.code != deal["unit"]:
        raise Refusal.of("change.invalid", "更名不能同时变更房号：请先办理换房")
    new_buyers = _deal_fields(case)["buyers"]
    figures = {
        "new_buyers": [b | {"relationship": relationship} for b in new_buyers],
        "deal": _deal_fields(case),
        "old_buyers": deal["buyers"],
    }
    return _record(sales, project, policy, "rename", deal, figures | extra, date, approved_by)


def price(
    sales: Sales,
    project: Project,
    policy: Policy,
    amended: DealCheck,
    *,
    date: dt.date,
    approved_by: str | None = None,
    **extra: Any,
) -> ChangeResult:
    """价格/付款方式变更: the same unit priced anew on the amended terms, within discount authority."""
    case = _ok(amended)
    deal = sales.deal(case.deal.deal_no)
    sales.guard_deal_unit(deal["unit"], deal["deal_no"], (U.SUBSCRIBED, U.CONTRACTED))
    if case.unit.code != deal["unit"]:
        raise Refusal.of("change.invalid", "价格变更不能变更房号：请办理换房")
    figures = {
        "old_method": deal["payment_method"],
        "new_method": case.deal.payment.method,
        "old_total": Decimal(deal["total"]),
        "new_total": case.pricing.total,
        "deal": _deal_fields(case),
    }
    return _record(sales, project, policy, "price", deal, figures | extra, date, approved_by)


def _record(
    sales: Sales,
    project: Project,
    policy: Policy,
    kind: str,
    deal: dict[str, Any],
    figures: dict[str, Any],
    date: dt.date,
    approved_by: str | None,
) -> ChangeResult:
    role = check_approver(project, policy, kind, approved_by) if approved_by else ""
    no = sales.next_change_no(deal["deal_no"], kind)
    figures = figures | {"approver_role": role}
    with sales.transaction():
        _request(sales, no, kind, deal, figures, date, approved_by)
    if approved_by:
        _execute(sales, no)
    return ChangeResult(no, kind, sales.change(no)["status"], deal["deal_no"], deal["unit"], figures)


def _request(
    sales: Sales,
    no: str,
    kind: str,
    deal: dict[str, Any],
    figures: dict[str, Any],
    date: dt.date,
    approved_by: str | None,
) -> None:
    """Record a change as requested; without an approver its unit is locked until it is approved."""
    fields = {"requested_by": figures.get("requested_by"), "approval_no": figures.get("approval_no")}
    sales.save_change(
        no, kind=kind, deal_no=deal["deal_no"], unit=deal["unit"], status="requested", payload=figures,
        approved_by=approved_by, date=date.isoformat(), **fields,
    )  # fmt: skip
    if not approved_by:
        u = sales.unit(deal["unit"])
        sales.set_unit(u.code, u.status, u.deal_no, needs_pricing=u.needs_pricing, pending=KIND_NAMES[kind])


def approve(
    sales: Sales, project: Project, policy: Policy, no: str, *, approved_by: str, approval_no: str = ""
) -> ChangeResult:
    """Approve a requested change and carry it out."""
    change = sales.change(no)
    if change["status"] != "requested":
        raise Refusal.of("change.invalid", f"变更单{no}已{change['status']}")
    role = check_approver(project, policy, change["kind"], approved_by)
    payload = change["payload"] | {"approver_role": role, "approval_no": approval_no or change["approval_no"]}
    with sales.transaction():
        sales.save_change(
            no, approved_by=approved_by, approval_no=approval_no or change["approval_no"], payload=payload
        )
        unit = sales.unit(change["unit"])
        sales.set_unit(unit.code, unit.status, unit.deal_no, needs_pricing=unit.needs_pricing, pending=None)
    _execute(sales, no)
    return ChangeResult(no, change["kind"], "executed", change["deal_no"], change["unit"], payload)


def _execute(sales: Sales, no: str) -> None:
    change = sales.change(no)
    p, deal_no, unit = change["payload"], change["deal_no"], change["unit"]
    with sales.transaction():
        if change["kind"] == "refund":
            sales.save_deal(deal_no, status=D.REFUNDED)
            sales.set_unit(unit, U.AVAILABLE, None, needs_pricing=True)
        elif change["kind"] == "room":
            sales.set_unit(unit, U.AVAILABLE, None, needs_pricing=True)
            sales.set_unit(p["new_unit"], U.SUBSCRIBED, deal_no)
            sales.save_deal(deal_no, **p["deal"])
        else:
            sales.save_deal(deal_no, **p["deal"])
        sales.save_change(no, status="executed")


def reprice(sales: Sales, project: Project, policy: Policy, code: str, *, approved_by: str) -> None:
    """价格审核: a unit back from a refund or a room change may be sold again."""
    check_approver(project, policy, "price", approved_by)
    u = sales.unit(code)
    if not u.needs_pricing:
        raise Refusal.of("change.invalid", f"房号{code}无需价格审核")
    with sales.transaction():
        sales.set_unit(code, u.status, u.deal_no, needs_pricing=False)


def hold(sales: Sales, project: Project, policy: Policy, code: str, *, approved_by: str, release: bool = False) -> None:
    """销控: hold a free unit back from sale, or release it."""
    check_approver(project, policy, "price", approved_by)
    u = sales.unit(code)
    if release and u.status != U.HELD:
        raise Refusal.of("change.invalid", f"房号{code}未销控")
    if not release:
        sales.guard_sellable(code)
    with sales.transaction():
        sales.set_unit(code, U.AVAILABLE if release else U.HELD, None)


# The changes that take the deal as amended (the refund takes a deal number), by the name the CLI gives them.
AMENDING = {"room": room, "rename": rename, "price": price}
