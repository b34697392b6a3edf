"""The rules a deal must pass before any document is written, each registered by its rule id."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

from toolkit.checks.identity import phone_problem, resident_region_problem, uscc_org_problem
from toolkit.domain.deal import Deal
from toolkit.domain.ids import check_resident_id, check_uscc, mask_id, mask_phone
from toolkit.domain.policy import Policy
from toolkit.domain.pricing import Pricing, price_deal
from toolkit.domain.project import AVAILABLE, Project, Unit
from toolkit.findings import Finding
from toolkit.rules import enabled, finding

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class DealCase:
    """Everything a deal rule looks at."""

    path: Path
    project: Project
    policy: Policy
    deal: Deal
    unit: Unit
    pricing: Pricing


class Breach(NamedTuple):
    """One breach of a rule; `rule` names a related rule reported instead (its warning form, say)."""

    message: str
    location: str
    expected: str
    found: str
    rule: str = ""
    paths: tuple[str, ...] = ()  # the printed values it reads (a document rule), for grouping and placing


RuleFn = Callable[[DealCase], Iterator[Breach]]
RULES: dict[str, RuleFn] = {}


def rule(rule_id: str) -> Callable[[RuleFn], RuleFn]:
    """Register a deal rule: a function yielding a Breach for each breach it finds."""

    def register(fn: RuleFn) -> RuleFn:
        RULES[rule_id] = fn
        return fn

    return register


def run_deal_rules(case: DealCase) -> list[Finding]:
    """Run every registered deal rule and turn its breaches into findings."""
    return [
        finding(
            b.rule or rule_id,
            b.message,
            policy=case.policy,
            document=str(case.path),
            location=b.location,
            expected=b.expected,
            found=b.found,
        )
        for rule_id, fn in RULES.items()
        if enabled(rule_id, case.policy)
        for b in fn(case)
        if enabled(b.rule or rule_id, case.policy)
    ]


def price_case(path: Path, project: Project, policy: Policy, deal: Deal) -> DealCase | None:
    """Price a deal for the rules; None when its unit does not exist."""
    unit = project.units.get(deal.unit)
    if unit is None:
        return None
    return DealCase(path, project, policy, deal, unit, price_deal(project, unit, deal))


def yuan(x: Decimal) -> str:
    """Write an amount for a message."""
    return f"{x:,.2f}"


@rule("id.checksum")
def _id_checksum(c: DealCase) -> Iterator[Breach]:
    for i, b in enumerate(c.deal.buyers):
        problem = check_resident_id(b.id_no) if b.id_type == "居民身份证" else None
        if b.id_type == "居民身份证" and not problem:
            problem = resident_region_problem(b.id_no)
        if problem:
            yield Breach(
                f"买受人{b.name}的居民身份证号码未通过校验：{problem}",
                f"buyers[{i}].id_no",
                "符合 GB 11643 的校验位",
                mask_id(b.id_no),
            )
    problem = check_uscc(c.project.data["seller"]["uscc"])
    problem = problem or uscc_org_problem(c.project.data["seller"]["uscc"])
    if problem:
        yield Breach(
            f"出卖人统一社会信用代码未通过校验：{problem}",
            "seller.uscc",
            "符合 GB 32100 的校验位",
            c.project.data["seller"]["uscc"],
        )


@rule("contact.phone")
def _phones(c: DealCase) -> Iterator[Breach]:
    for i, b in enumerate(c.deal.buyers):
        problem = phone_problem(b.phone) if b.phone else None
        if problem:
            where = f"buyers[{i}].phone"
            yield Breach(f"买受人{b.name}的联系电话{problem}", where, "中国大陆手机号码或固定电话", mask_phone(b.phone))


@rule("permit.missing")
def _permit(c: DealCase) -> Iterator[Breach]:
    building, on = c.unit.building, c.deal.subscribe_date
    if c.project.permit_for(building, on):
        return
    later, label = c.project.any_permit_for(building), c.project.permit_label
    found = f"{label}{later.no}发证日期{later.issued}" if later else f"无{label}"
    yield Breach(
        f"房号{c.unit.code}所在{building}号楼在认购日期{on}未取得{label}（{found}）",
        "unit",
        f"{building}号楼在{on}或之前发证的{label}",
        found,
    )


@rule("unit.unavailable")
def _unit_status(c: DealCase) -> Iterator[Breach]:
    if c.unit.status != AVAILABLE:
        yield Breach(f"房号{c.unit.code}当前状态为{c.unit.status}，不可认购", "unit", AVAILABLE, c.unit.status)


@rule("price.below_floor")
def _floor(c: DealCase) -> Iterator[Breach]:
    p = c.pricing
    if p.total < p.floor_total:
        yield Breach(
            f"成交总价{yuan(p.total)}元低于底价总额{yuan(p.floor_total)}元",
            "deal.total",
            f">= {yuan(p.floor_total)}",
            yuan(p.total),
        )


@rule("price.above_filed")
def _filed(c: DealCase) -> Iterator[Breach]:
    p = c.pricing
    if p.total > p.filed_total:
        yield Breach(
            f"成交总价{yuan(p.total)}元高于备案价总额{yuan(p.filed_total)}元",
            "deal.total",
            f"<= {yuan(p.filed_total)}",
            yuan(p.total),
        )


@rule("authority.discount")
def _authority(c: DealCase) -> Iterator[Breach]:
    yield from _published_discounts(c)
    x = c.deal.extra_discount
    if x is None or x.rate_pct == 0:
        return
    role = c.project.staff.get(x.approved_by)
    if role is None:
        yield Breach(
            f"额外优惠{x.rate_pct}%的审批人{x.approved_by}不在项目人员名单中",
            "extra_discount.approved_by",
            "有优惠审批权限的项目人员",
            x.approved_by,
        )
        return
    ceiling = c.policy.authority.get(role, Decimal(0))
    if x.rate_pct > ceiling:
        yield Breach(
            f"额外优惠{x.rate_pct}%超出{x.approved_by}（{role}）的审批权限{ceiling}%",
            "extra_discount.rate_pct",
            f"<= {ceiling}% for {role}",
            f"{x.rate_pct}%",
        )


def _published_discounts(c: DealCase) -> Iterator[Breach]:
    known = {d.code: d for d in c.project.discounts}
    for i, code in enumerate(c.deal.discounts):
        d = known.get(code)
        where = f"discounts[{i}]"
        if d is None:
            yield Breach(f"优惠代码{code}不是本项目公示的优惠", where, "以下之一：" + "、".join(known), code)
        elif d.applies_to_payment and c.deal.payment.method not in d.applies_to_payment:
            yield Breach(
                f"{d.name}只适用于{'、'.join(d.applies_to_payment)}，本单付款方式为{c.deal.payment.method}",
                where,
                "/".join(d.applies_to_payment),
                c.deal.payment.method,
            )
        elif d.valid_until and d.valid_until < c.deal.subscribe_date:
            yield Breach(
                f"{d.name}已于{d.valid_until}截止",
                where,
                f"{d.valid_until}或之前认购",
                str(c.deal.subscribe_date),
            )


@rule("deposit.over_limit")
def _deposit(c: DealCase) -> Iterator[Breach]:
    limit = c.policy.deposit_limit_pct
    cap = c.pricing.total * limit / HUNDRED
    if c.deal.deposit > cap:
        yield Breach(
            f"定金{yuan(c.deal.deposit)}元超过成交总价的{limit}%（{yuan(cap)}元）",
            "deposit",
            f"<= {yuan(cap)}",
            yuan(c.deal.deposit),
        )


@rule("shares.invalid")
def _shares(c: DealCase) -> Iterator[Breach]:
    shares = [b.share_pct for b in c.deal.buyers]
    for i, s in enumerate(shares):
        if s <= 0:
            yield Breach(f"买受人{c.deal.buyers[i].name}的产权份额必须大于0", f"buyers[{i}].share_pct", "> 0", f"{s}")
    if sum(shares) != HUNDRED:
        yield Breach(f"买受人产权份额合计{sum(shares)}%，应为100%", "buyers.share_pct", "100", f"{sum(shares)}")


@rule("sign_deadline.invalid")
def _deadline(c: DealCase) -> Iterator[Breach]:
    d = c.deal
    if d.sign_deadline <= d.subscribe_date:
        yield Breach(
            f"签约期限{d.sign_deadline}不晚于认购日期{d.subscribe_date}",
            "sign_deadline",
            f"{d.subscribe_date}之后",
            str(d.sign_deadline),
        )
        return
    days = c.project.data["subscription"]["sign_within_days"]
    latest = d.subscribe_date + dt.timedelta(days=days)
    if d.sign_deadline > latest and c.policy.data["sign_deadline"].get("warn_beyond_project_window", True):
        yield Breach(
            f"签约期限{d.sign_deadline}超过项目规定的认购后{days}天（{latest}）",
            "sign_deadline",
            f"{latest}或之前",
            str(d.sign_deadline),
            "sign_deadline.beyond_window",
        )


@rule("payment.invalid")
def _payment(c: DealCase) -> Iterator[Breach]:
    pay, minimum = c.deal.payment, c.project.data["subscription"]["min_down_payment_pct"]
    if pay.is_loan:
        if pay.down_payment_pct is None or not pay.lender:
            yield Breach(
                "贷款付款须载明首付比例和贷款机构",
                "payment",
                "首付比例（down_payment_pct）和贷款机构（lender）",
                "未填写",
            )
        elif pay.down_payment_pct < minimum:
            yield Breach(
                f"首付比例{pay.down_payment_pct}%低于项目最低首付比例{minimum}%",
                "payment.down_payment_pct",
                f">= {minimum}",
                f"{pay.down_payment_pct}",
            )
    elif pay.method == "一次性付款" and pay.due_date is None:
        yield Breach("一次性付款须载明付款日期", "payment.due_date", "付款日期", "未填写")
    elif pay.method == "分期付款":
        yield from _instalment_dates(c)


def _instalment_dates(c: DealCase) -> Iterator[Breach]:
    dates = [i.due_date for i in c.deal.payment.instalments]
    if not dates:
        yield Breach("分期付款须载明各期付款日期和比例", "payment.instalments", "至少一期付款", "无")
    elif dates != sorted(dates) or dates[0] < c.deal.subscribe_date:
        yield Breach(
            "分期付款日期须按先后顺序排列且不早于认购日期",
            "payment.instalments",
            "按先后顺序排列的日期",
            ", ".join(map(str, dates)),
        )


@rule("amount.arithmetic")
def _arithmetic(c: DealCase) -> Iterator[Breach]:
    u = c.unit
    if abs(u.building_area - (u.inner_area + u.shared_area)) > Decimal("0.01"):
        yield Breach(
            f"建筑面积{u.building_area}不等于套内面积{u.inner_area}加分摊面积{u.shared_area}",
            "unit.building_area",
            f"{u.inner_area + u.shared_area}",
            f"{u.building_area}",
        )
    pcts = [i.pct for i in c.deal.payment.instalments]
    if c.deal.payment.method == "分期付款" and pcts and sum(pcts) != HUNDRED:
        yield Breach(f"分期比例合计{sum(pcts)}%，应为100%", "payment.instalments", "100", f"{sum(pcts)}")
    yield from _plan_sums(c)


def _plan_sums(c: DealCase) -> Iterator[Breach]:
    plan = c.pricing.plan
    if sum(r.amount for r in plan) != c.pricing.total:
        paid = yuan(sum((r.amount for r in plan), Decimal(0)))
        yield Breach("付款计划合计不等于成交总价", "deal.plan", yuan(c.pricing.total), paid)
    negative = [r.item for r in plan if r.amount < 0]
    if negative:
        yield Breach(f"定金超过{negative[0]}前应付金额，付款计划出现负数", "deposit", ">= 0", negative[0])
