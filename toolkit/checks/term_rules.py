"""The filled numbers of a contract: penalties that bind both sides alike, and the periods the law bounds."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from toolkit.checks.deal_rules import Breach
from toolkit.checks.doc_rules import DocCase, doc_rule
from toolkit.fields import label
from toolkit.rules import spec_of

# (buyer's side, seller's side, how the seller's must compare): the seller may never be held to less.
RECIPROCAL = (
    (
        "terms.late_payment_daily_rate_bp",
        "terms.late_delivery_daily_rate_bp",
        "ge",
        "逾期交付违约金日比例",
        "逾期付款违约金日比例",
    ),
    ("terms.late_payment_grace_days", "terms.late_delivery_grace_days", "le", "逾期交付宽限天数", "逾期付款宽限天数"),
)


@doc_rule("penalty.reciprocity")
def _reciprocity(c: DocCase) -> Iterator[Breach]:
    for buyer, seller, how, seller_name, buyer_name in RECIPROCAL:
        b, s = c.printed.typed(buyer), c.printed.typed(seller)
        if b is None or s is None or (s >= b if how == "ge" else s <= b):
            continue
        word = "不得低于" if how == "ge" else "不得长于"
        clause = c.printed.all(seller)[0].clause
        yield Breach(
            f"{seller_name}{s}{word}{buyer_name}{b}",
            clause,
            f"{'>=' if how == 'ge' else '<='} {b}",
            str(s),
            paths=(seller, buyer),
        )


@doc_rule("term.bounds")
def _bounds(c: DocCase) -> Iterator[Breach]:
    for path, (low, high) in _limits(c).items():
        value = c.printed.typed(path)
        if not isinstance(value, (int, Decimal)):
            continue
        if (low is not None and value < low) or (high is not None and value > high):
            want = f"{low}日以上" if low is not None else f"{high}日以内"
            clause = c.printed.all(path)[0].clause
            yield Breach(f"{label(path)}为{value}日，应为{want}", clause, want, str(value), paths=(path,))


def _limits(c: DocCase) -> dict[str, tuple[int | None, int | None]]:
    """Return each bounded path's (minimum, maximum) from the policy's `term.bounds` parameters."""
    params = spec_of("term.bounds", c.policy).params
    return {p: (v.get("min"), v.get("max")) for p, v in (params.get("limits") or {}).items()}


@doc_rule("copies.count")
def _copies(c: DocCase) -> Iterator[Breach]:
    total, *held = (c.printed.typed(f"terms.copies.{k}") for k in ("total", "seller", "buyer", "filing"))
    if total is None or None in held:
        return
    clause = c.printed.all("terms.copies.total")[0].clause
    paths = tuple(f"terms.copies.{k}" for k in ("total", "seller", "buyer", "filing"))
    if sum(held) > total:
        yield Breach(
            f"合同共{total}份，少于出卖人、买受人和备案所持份数之和{sum(held)}份",
            clause,
            f">= {sum(held)}",
            str(total),
            paths=paths,
        )
    if min(held[:2]) < 1:
        yield Breach(
            f"出卖人持{held[0]}份、买受人持{held[1]}份：双方各自至少持有一份原件",
            clause,
            ">= 1",
            str(min(held[:2])),
            paths=paths,
        )
