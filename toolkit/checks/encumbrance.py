"""mortgage.disclosure: a unit under a construction mortgage (在建工程抵押) is sold only with the mortgagee's
consent and a written disclosure to the buyer (R-PERMIT-05; GF-2014-0171 第四条, 附件三; 山东条例 35).

The project lists its mortgages (`mortgages:` in project.yaml: buildings, mortgagee, registered, released,
consent_no). A unit whose building is under a mortgage not yet released on the subscription date needs the
mortgagee's consent on record; and because the contract of a pack that cannot print a mortgage states
"未设定抵押", it is not sold on such a pack at all (`params.pack_discloses: false`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from toolkit.checks.deal_rules import Breach, DealCase, rule
from toolkit.rules import spec_of

FIELDS = {"buildings": list, "mortgagee": str, "registered": dt.date, "released": dt.date, "consent_no": str}
REQUIRED = ("buildings", "mortgagee", "registered")


def mortgage_problems(data: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """Yield (field, what was expected) for each malformed entry of project.yaml's `mortgages`."""
    entries = data.get("mortgages")
    if entries is None:
        return
    if not isinstance(entries, list):
        yield "mortgages", "抵押的列表（buildings、mortgagee、registered、released、consent_no）"
        return
    for i, m in enumerate(entries):
        if not isinstance(m, dict):
            yield f"mortgages[{i}]", "含 buildings、mortgagee、registered 的映射"
            continue
        for name in REQUIRED:
            if m.get(name) in (None, "", []):
                yield f"mortgages[{i}].{name}", "填写一个值（必填）"
        for name, kind in FIELDS.items():
            value = m.get(name)
            if value not in (None, "") and not isinstance(value, kind):
                yield f"mortgages[{i}].{name}", {list: "楼栋名称的列表", str: "文字",
                                                 dt.date: "日期，如 2026-05-01"}[kind]  # fmt: skip


def mortgages_on(data: dict[str, Any], building: str, on: dt.date) -> list[dict[str, Any]]:
    """Return the mortgages registered on a building by a date and not released by then."""
    return [
        m
        for m in data.get("mortgages") or ()
        if building in [str(b) for b in m["buildings"]]
        and m["registered"] <= on
        and (not m.get("released") or m["released"] > on)
    ]


@rule("mortgage.disclosure")
def _mortgage(c: DealCase) -> Iterator[Breach]:
    discloses = spec_of("mortgage.disclosure", c.policy).params.get("pack_discloses", False)
    # a contract prints no subscription date: a mortgage in force on the day it is checked is what it must disclose
    on = c.deal.subscribe_date if c.deal.subscribe_date != dt.date.min else dt.date.today()
    for m in mortgages_on(c.project.data, c.unit.building, on):
        what = f"房号{c.unit.code}所在{c.unit.building}号楼设有在建工程抵押（抵押权人{m['mortgagee']}，{m['registered']}登记）"
        if not m.get("consent_no"):
            yield Breach(f"{what}，未登记抵押权人同意转让的证明，不得销售", "unit", "抵押权人同意转让证明", "none")
        elif not discloses:
            yield Breach(
                f"{what}：本模板包的合同第四条和附件三载明“未设定抵押”，须在抵押解除后签约，或使用能载明抵押情况的模板",
                "unit",
                "第四条 已设定抵押 and 附件三",
                "未设定抵押",
            )
