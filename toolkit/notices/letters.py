"""The notices to buyers: who gets one, what it says (its render context), and what its answer starts.

A notice is recorded in the ledger (`ledger/paper.py`, table notices) when it is issued, then its sent date and
the buyer's answer; a rescission of a design change starts the refund flow of `control/changes.py`, with the
interest art. 14(4) adds. Every notice is a pack document (`per: notice`), rendered and read back like the others.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from toolkit import yamlio
from toolkit.domain.policy import Policy
from toolkit.domain.project import Project
from toolkit.errors import ProjectError
from toolkit.fields import FieldReader
from toolkit.ledger.base import SalesLedger
from toolkit.ledger.paper import Paper
from toolkit.ledger.states import UnitStatus
from toolkit.notices import terms
from toolkit.render.context import base_context, clean

KIND_CODES = {"design_change": "BG", "delivery": "JF", "overdue": "CJ"}
STANDING = (str(UnitStatus.SUBSCRIBED), str(UnitStatus.CONTRACTED), str(UnitStatus.FILED))  # a filed contract stands
DELIVERY_DOCUMENTS = ("建设工程竣工验收备案证明", "房屋测绘报告", "住宅质量保证书", "住宅使用说明书")


@dataclass(frozen=True)
class ChangeRecord:
    """A planning or design change as approved: what changed, for which units, when."""

    path: Path
    no: str
    kind: str
    authority: str
    approval_no: str
    approved: dt.date
    what: str
    effect: str
    units: tuple[str, ...]
    buildings: tuple[str, ...]
    rescission_reason: str
    lpr_pct: Decimal


def read_change(path: Path, project: Project) -> ChangeRecord:
    """Read a change record (YAML) and check its fields."""
    raw = yamlio.read_file(Path(path), ProjectError)
    if not isinstance(raw, dict):
        raise ProjectError(path=path, expected="映射（no, kind, approved, what, effect, units 或 buildings）")
    r = FieldReader(Path(path), raw)
    kind = r.choice("kind", ("规划变更", "设计变更"), "设计变更")
    units, buildings = r.strings("units", required=False), r.strings("buildings", required=False)
    if not units and not buildings:
        raise r.fail("units", "受影响的房号列表（units）或楼栋列表（buildings）", None)
    unknown = [u for u in units if u not in project.units]
    if unknown:
        raise r.fail("units", "价目表中的房号", ", ".join(unknown[:5]))
    return ChangeRecord(
        Path(path), r.text("no"), kind, r.text("authority"), r.text("approval_no"), r.date("approved"),
        r.text("what"), r.text("effect"), tuple(units), tuple(buildings),
        str(raw.get("rescission_reason") or "双方均无过错"), r.number("lpr_pct", raw.get("lpr_pct", "3.0")),
    )  # fmt: skip


def affected_deals(sales: SalesLedger, project: Project, change: ChangeRecord) -> list[dict[str, Any]]:
    """Return the standing deals (认购, 签约 or 备案) on the units a change affects."""
    codes = [c for c, u in project.units.items() if c in change.units or u.building in change.buildings]
    deals = []
    for code in codes:
        state = sales.unit(code)
        if state.deal_no and str(state.status) in STANDING:
            deals.append(sales.deal(state.deal_no))
    return deals


def next_no(paper: Paper, kind: str, deal_no: str) -> str:
    """Number a deal's next notice of a kind: CHY-2026-0001-BG1."""
    prefix = f"{deal_no}-{KIND_CODES[kind]}"
    return f"{prefix}{paper.count('notices', prefix) + 1}"


def letter_context(project: Project, policy: Policy, deal: dict[str, Any], notice: dict[str, Any]) -> dict[str, Any]:
    """Return what a notice's template sees: the project, the deal, its buyers and the notice."""
    unit = project.units[deal["unit"]]
    ctx = base_context(project, policy, {})
    ctx.update(
        {
            "unit": {"code": unit.code, "building_area": unit.building_area},
            "deal": {"no": deal["deal_no"], "total": Decimal(deal["total"]), "status": deal["status"]},
            "buyers": [{"name": b["name"]} for b in deal["buyers"]],
            "notice": notice,
        }
    )
    return clean(ctx)


def design_change_notice(change: ChangeRecord, no: str, issued: dt.date) -> dict[str, Any]:
    """Return the notice fields of a design-change notice (the change goes beside it as `change`)."""
    return {"no": no, "date": issued, "change_no": change.no}


def change_fields(change: ChangeRecord) -> dict[str, Any]:
    """Return the change as the notice prints it."""
    return {
        "kind": change.kind, "authority": change.authority, "approval_no": change.approval_no,
        "approved": change.approved, "what": change.what, "effect": change.effect,
    }  # fmt: skip


def delivery_notice(no: str, issued: dt.date, start: dt.date, end: dt.date, place: str) -> dict[str, Any]:
    """Return the notice fields of a delivery notice, with the documents the contract lists (art. 9)."""
    docs = [{"no": i, "name": name} for i, name in enumerate(DELIVERY_DOCUMENTS, start=1)]
    return {"no": no, "date": issued, "start": start, "end": end, "place": place, "documents": docs}


def overdue_notice(
    project: Project, no: str, *, item: str, due: dt.date, due_amount: Decimal, paid: Decimal, on: dt.date,
    pay_within_days: int = 7,
) -> dict[str, Any]:  # fmt: skip
    """Return the notice fields of an overdue-instalment reminder, the late payment computed per art. 8."""
    t = project.data["contract_terms"]
    fee = terms.late_fee(
        due_amount, paid, due, on, int(t["late_payment_daily_rate_bp"]), int(t["late_payment_grace_days"])
    )
    per_day = terms.late_fee(due_amount, paid, due, due + dt.timedelta(days=1), fee.rate_bp, 10**6).penalty
    stage = (
        f"截至本函日期逾期已超过{t['late_payment_grace_days']}日，出卖人保留解除合同的权利。"
        if fee.beyond_grace
        else f"截至本函日期逾期未超过{t['late_payment_grace_days']}日。"
    )
    return {
        "no": no, "date": on, "item": item, "due": due, "due_amount": due_amount, "paid": paid,
        "overdue": fee.overdue, "days": fee.days, "penalty": fee.penalty, "per_day": per_day, "stage": stage,
        "beyond_grace": fee.beyond_grace, "pay_by": on + dt.timedelta(days=pay_within_days),
    }  # fmt: skip
