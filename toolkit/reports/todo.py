"""The 待办 of the daily report: what is still open on the day and who follows it up, each with its due date.

- 逾期未签约: a 认购 past its signing deadline without a contract (since the subscription, due the deadline);
- 待备案: a contract signed and not yet filed (since the signing, due the signing + the `filing.late` days),
  listed from the signing day so the 备案 is seen coming, and marked overdue past the limit (R-REG-01);
- 变更待审批: a 换房, 退房, 更名 or 价格变更 requested and not approved (its unit is locked meanwhile);
- 客户个案待答复: a customer case not answered (since received, due its deadline).

Overdue rows come first, then by due date. Phone and ID numbers are masked in every cell.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from toolkit.control.changes import KIND_NAMES
from toolkit.control.filing import signed_unfiled
from toolkit.domain.ids import mask_phone, mask_text
from toolkit.domain.policy import Policy
from toolkit.ledger.base import SalesLedger as Sales
from toolkit.ledger.states import DealStatus as D
from toolkit.rules import spec_of

HEADER = ("事项", "成交编号", "房号", "买受人", "联系电话", "待办内容", "起始日期", "到期日期", "状态", "跟进人")


def open_items(sales: Sales, date: str, policy: Policy | None = None) -> list[dict[str, Any]]:
    """Return the deals, contracts and changes still open on a day (customer cases are added by `case_items`)."""
    day = dt.date.fromisoformat(date)
    deals = {d["deal_no"]: sales.deal(d["deal_no"]) for d in sales.open_deals(date)}
    approvers = (policy.data.get("changes") or {}).get("approvers", {}) if policy else {}
    return _unsigned(deals, day) + _unfiled(sales, deals, day) + _requested(sales, day, approvers)


def _unsigned(deals: dict[str, dict[str, Any]], day: dt.date) -> list[dict[str, Any]]:
    rows = []
    for d in deals.values():
        deadline = _day(d.get("sign_deadline"))
        if d["status"] == D.SUBSCRIBED and deadline and deadline < day:
            what = f"认购书约定于{deadline}前签订商品房买卖合同，尚未签约"
            rows.append(_row("逾期未签约", d, what, _day(d["subscribe_date"]), deadline, day, d.get("salesperson")))
    return rows


def _unfiled(sales: Sales, deals: dict[str, dict[str, Any]], day: dt.date) -> list[dict[str, Any]]:
    limit = int(spec_of("filing.late").params.get("max_days", 30))
    rows = []
    for deal_no, signed in signed_unfiled(sales, deals, day):
        what = f"商品房买卖合同已签约，须在签约后{limit}日内办理备案"
        due = signed + dt.timedelta(days=limit)
        rows.append(_row("待备案", deals[deal_no], what, signed, due, day, deals[deal_no].get("salesperson")))
    return rows


def _requested(sales: Sales, day: dt.date, approvers: dict[str, str]) -> list[dict[str, Any]]:
    rows = []
    for c in sales.requested_changes():
        deal, role = sales.deal(c["deal_no"]), approvers.get(c["kind"])
        what = f"{KIND_NAMES[c['kind']]}申请{c['no']}待审批，审批前房号锁定"
        who = f"{role}以上审批" if role else c.get("requested_by")
        rows.append(_row("变更待审批", deal, what, _day(c["date"]), None, day, who))
    return rows


def case_items(cases: list[dict[str, Any]], date: str) -> list[dict[str, Any]]:
    """Return the unanswered customer cases as 待办 rows."""
    day = dt.date.fromisoformat(date)
    return [
        {
            "item": "客户个案待答复",
            "deal_no": c.get("deal_no") or "",
            "unit": c.get("unit") or "",
            "buyers": c["who"],
            "phone": "",
            "what": f"{c['kind']}{c['no']}：{c['what']}",
            "since": _day(c["received"]),
            "due": _day(c["deadline"]),
            "status": _status(_day(c["deadline"]), day),
            "follow_up": c["escalated_to"] or c["handler"],
        }
        for c in cases
    ]


def ordered(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Put the overdue rows first, then by due date (rows without one last), then by deal."""
    return sorted(rows, key=lambda r: (not r["status"].startswith("逾期"), r["due"] or dt.date.max, r["deal_no"]))


def sheet_rows(rows: list[dict[str, Any]]) -> list[list[Any]]:
    """The 待办 sheet: one row per open item, numbers masked, dates as text."""
    keys = ("item", "deal_no", "unit", "buyers", "phone", "what", "since", "due", "status", "follow_up")
    body = [[mask_text(_cell(r[k])) for k in keys] for r in ordered(rows)]
    return [list(HEADER), *body] if body else [list(HEADER), ["无待办事项"]]


def _row(item: str, deal: dict[str, Any], what: str, since: dt.date | None, due: dt.date | None, day: dt.date,
         follow_up: str | None) -> dict[str, Any]:  # fmt: skip
    buyers = deal.get("buyers") or []
    return {
        "item": item,
        "deal_no": deal["deal_no"],
        "unit": deal["unit"],
        "buyers": "、".join(b["name"] for b in buyers),
        "phone": "、".join(mask_phone(str(b["phone"])) for b in buyers if b.get("phone")),
        "what": what,
        "since": since,
        "due": due,
        "status": _status(due, day),
        "follow_up": follow_up or "",
    }


def _status(due: dt.date | None, day: dt.date) -> str:
    if due is None:
        return "待处理"
    left = (due - day).days
    return f"逾期{-left}日" if left < 0 else "今日到期" if left == 0 else f"剩余{left}日"


def _day(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(str(value)[:10]) if value else None


def _cell(value: Any) -> str:
    return value.isoformat() if isinstance(value, dt.date) else str(value or "—")
