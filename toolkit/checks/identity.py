"""Identity and contact numbers beyond their check digits: region codes, embedded organisation codes, phones.

A resident ID keeps the GB/T 2260 code of the place that issued it, even after the place was merged or renamed,
so a region is accepted when the code ever existed (python-stdnum's list with its validity years), not only
when it exists today. A USCC embeds a GB 11714 organisation code with its own check character.
"""

from __future__ import annotations

import re
from functools import lru_cache

from toolkit.checks import regions

ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_MOBILE = re.compile(r"^(?:\+?86[- ]?)?1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^(?:\+?86[- ]?)?(?:\(0\d{2,3}\)|0\d{2,3})[- ]?[2-9]\d{6,7}(?:[-转]\d{1,6})?$")
_SERVICE = re.compile(r"^[48]00[- ]?\d{3}[- ]?\d{4}$")


@lru_cache(maxsize=4096)
def region_known(code: str) -> bool:
    """Tell whether a six-digit administrative division code ever existed (GB/T 2260, any year)."""
    return regions.known(code)  # stdnum's list, kept as a set in the cache (checks/regions.py)


def resident_region_problem(id_no: str) -> str | None:
    """Return why a resident ID's region code (digits 1-6) is not a real one, or None."""
    code = id_no[:6]
    return None if region_known(code) else f"行政区划代码{code}（第1至6位）不存在"


def org_code_check_char(first8: str) -> str:
    """Compute the GB 11714 check character of an organisation code's first eight characters."""
    total = sum(_org_value(ch) * w for ch, w in zip(first8, ORG_WEIGHTS))
    c = 11 - total % 11
    return "X" if c == 10 else "0" if c == 11 else str(c)


def _org_value(ch: str) -> int:
    return int(ch) if ch.isdigit() else ord(ch) - 55  # A = 10 ... Z = 35


def uscc_org_problem(uscc: str) -> str | None:
    """Return why the organisation code inside a USCC (characters 9-17) fails its check character, or None."""
    org = uscc[8:17]
    if len(org) != 9 or not org[:8].isalnum():
        return f"组织机构代码{org}（第9至17位）格式不正确"
    want = org_code_check_char(org[:8])
    return None if org[8] == want else f"组织机构代码{org}（第9至17位）校验码应为{want}，实为{org[8]}"


def phone_problem(phone: str) -> str | None:
    """Return why a contact number is not a PRC mobile, landline or 400/800 number, or None."""
    p = phone.strip()
    if _MOBILE.match(p) or _LANDLINE.match(p) or _SERVICE.match(p):
        return None
    return f"“{p}”不是有效的手机号码（11位，1开头）或固定电话（区号-号码）"
