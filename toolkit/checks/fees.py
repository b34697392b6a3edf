"""fee.unpublished: no charge that is not in the project's published fee list (R-PRICE-01; 明码标价规定 第八条).

The project publishes its fees (`fees:` in project.yaml: name, and the amount when it is fixed). A receipt
of any kind other than the price money (定金, 首付款, 房款 …) must name a published fee and not exceed its
amount; text a signed document added (a 补充协议 clause, a handwritten line) must not charge a fee that is not
published. Words that forbid or deny a charge ("不得收取", "不另收取") lift a sentence.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from typing import Any

from toolkit.checks.content import Wording
from toolkit.checks.deal_rules import Breach
from toolkit.checks.doc_rules import DocCase, doc_rule
from toolkit.domain.policy import Policy
from toolkit.findings import Finding
from toolkit.rules import enabled, finding, spec_of
from toolkit.script import convert
from toolkit.text import normalize

_SENTENCE = re.compile(r"[^。；;！？!?\n]+[。；;！？!?]?")


def fee_problems(data: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """Yield (field, what was expected) for each malformed entry of project.yaml's `fees`."""
    fees = data.get("fees")
    if fees is None:
        return
    if not isinstance(fees, list):
        yield "fees", "公示收费项目的列表（name、amount）"
        return
    for i, f in enumerate(fees):
        if not isinstance(f, dict) or not isinstance(f.get("name"), str) or not f["name"].strip():
            yield f"fees[{i}].name", "公示的收费项目名称（文字）"
        elif f.get("amount") is not None and _amount(f["amount"]) is None:
            yield f"fees[{i}].amount", "金额（元），如 1000"


def published(data: dict[str, Any]) -> dict[str, Decimal | None]:
    """Return the published fees by name, each with its fixed amount (None when it varies)."""
    return {f["name"].strip(): _amount(f.get("amount")) for f in data.get("fees") or ()}


def _amount(value: Any) -> Decimal | None:
    try:
        amount = Decimal(str(value).replace(",", ""))
    except (InvalidOperation, ValueError):
        return None
    return amount if amount.is_finite() and amount >= 0 else None


def receipt_fee_problem(data: dict[str, Any], kind: str, amount: Decimal) -> str:
    """Say why a receipt of a kind that is not price money charges what is not published, or ''."""
    fees = published(data)
    if kind not in fees:
        listed = "、".join(fees) or "无"
        return f"款项“{kind}”不是房价款，也不在项目公示的收费清单中（已公示：{listed}），不得收取"
    limit = fees[kind]
    if limit is not None and amount > limit:
        return f"{kind}公示标准为{limit}元，收据金额{amount}元超出公示标准"
    return ""


def unpublished_charges(items: list[Wording], data: dict[str, Any], policy: Policy | None = None) -> list[Finding]:
    """Flag each sentence of added wording that charges the buyer a fee the project has not published."""
    if not enabled("fee.unpublished", policy):
        return []
    params = spec_of("fee.unpublished", policy).params
    charge = re.compile(params.get("charge") or "(?!)")
    unless = re.compile("|".join(params.get("unless") or ["(?!)"]))
    fees = [form for name in published(data) for form in (name, convert(name, "hant"))]  # either script
    out = []
    for w in items:
        for sentence in _SENTENCE.findall(w.text):
            m = charge.search(sentence)
            if m and not unless.search(sentence) and not any(name in sentence for name in fees):
                out.append(_finding(w, sentence.strip(), m.group(0), policy))
    return out


def _finding(w: Wording, sentence: str, phrase: str, policy: Policy | None) -> Finding:
    return finding(
        "fee.unpublished",
        f"“{phrase}”：收取未在项目收费清单中公示的费用（{spec_of('fee.unpublished', policy).source}）：{sentence[:80]}",
        policy=policy,
        document=w.file,
        location=w.location,
        clause=w.clause,
        found=sentence[:200],
    )


@doc_rule("fee.unpublished")
def _plan_charges(c: DocCase) -> Iterator[Breach]:
    """A row of the payment plan that is not price money must be a published fee (a charge added to 附件四)."""
    items = spec_of("fee.unpublished", c.policy).params.get("price_items") or ["(?!)"]
    price = re.compile("|".join(normalize(convert(i, c.script)) for i in items))  # as the document prints them
    fees = {normalize(convert(name, c.script)) for name in published(c.project.data)}
    for i in c.printed.items("deal.plan"):
        item = str(c.printed.typed(f"deal.plan[{i}].item") or "")
        if item and not price.search(item) and item not in fees:
            path = f"deal.plan[{i}].item"
            yield Breach(
                f"付款计划列有“{item}”，不是房价款，也不在项目公示的收费清单中",
                path,
                "房价款或已公示的收费",
                item,
                paths=(path,),
            )
