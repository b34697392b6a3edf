"""Identity numbers: resident ID (GB 11643-1999) and unified social credit code (GB 32100-2015).

Checks return None when the number is valid and a short reason otherwise, so a caller can put the reason
straight into a finding. Masks keep numbers out of logs and reports.
"""

from __future__ import annotations

import datetime as dt
import re

RESIDENT_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
RESIDENT_CHECK_CHARS = "10X98765432"  # indexed by the weighted sum mod 11
USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I O S V Z: they look like 1 0 5 U 2
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def resident_id_check_char(first17: str) -> str:
    """Compute the check character for the first 17 digits of a resident ID."""
    if len(first17) != 17 or not _ascii_digits(first17):
        raise ValueError(f"expected 17 digits, got {first17!r}")
    total = sum(int(ch) * w for ch, w in zip(first17, RESIDENT_WEIGHTS))
    return RESIDENT_CHECK_CHARS[total % 11]


def check_resident_id(s: str) -> str | None:
    """Return why s is not a valid resident ID, or None when it is valid."""
    if len(s) != 18:
        return f"长度为{len(s)}位，应为18位"
    bad = next((i for i, ch in enumerate(s[:17]) if not _ascii_digits(ch)), None)
    if bad is not None:
        return f"第{bad + 1}位的字符{s[bad]!r}不是数字"
    if s[17] not in "0123456789Xx":
        return f"校验位{s[17]!r}应为0-9或X"
    return _birth_date_problem(s[6:14]) or _check_char_problem(s[17].upper(), resident_id_check_char(s[:17]))


def _birth_date_problem(birth: str) -> str | None:
    """Tell whether yyyymmdd is a real date that is not in the future.

    The digits are not repeated: they are the part of the number a mask hides, and the reason goes into
    findings, logs and reports (it names the part of the month or day that is wrong instead)."""
    where = "出生日期（第7至14位）"
    try:
        born = dt.date(int(birth[:4]), int(birth[4:6]), int(birth[6:]))
    except ValueError:
        part = "年份" if int(birth[:4]) < 1 else "月份" if not 1 <= int(birth[4:6]) <= 12 else "日"
        return f"{where}不是有效日期（{part}不存在）"
    return f"{where}晚于今天" if born > dt.date.today() else None


def uscc_check_char(first17: str) -> str:
    """Compute the check character for the first 17 characters of a USCC."""
    if len(first17) != 17 or any(ch not in USCC_CHARSET for ch in first17):
        raise ValueError(f"expected 17 characters from {USCC_CHARSET}, got {first17!r}")
    total = sum(USCC_CHARSET.index(ch) * w for ch, w in zip(first17, USCC_WEIGHTS))
    return USCC_CHARSET[(31 - total % 31) % 31]


def check_uscc(s: str) -> str | None:
    """Return why s is not a valid unified social credit code, or None when it is valid."""
    if len(s) != 18:
        return f"长度为{len(s)}位，应为18位"
    bad = next((i for i, ch in enumerate(s) if ch not in USCC_CHARSET), None)
    if bad is not None:
        return f"第{bad + 1}位的字符{s[bad]!r}不允许（只可用0-9和A-Y，不含I、O、S、V、Z）"
    if not _ascii_digits(s[2:8]):
        return f"行政区划代码{s[2:8]}（第3至8位）须为数字"
    return _check_char_problem(s[17], uscc_check_char(s[:17]))


def _check_char_problem(found: str, expected: str) -> str | None:
    """Compare a check character with the computed one."""
    return None if found == expected else f"校验位错误：应为 {expected}"


def _ascii_digits(s: str) -> bool:
    """Tell whether s is all ASCII digits (str.isdigit also accepts ２ and ²)."""
    return s.isascii() and s.isdigit()


def mask_id(s: str) -> str:
    """Mask an ID number for logs, keeping the first 6 and last 4 characters: 440305********4536."""
    if len(s) <= 10:
        return "*" * len(s)  # too short to keep both ends without showing everything
    return s[:6] + "*" * (len(s) - 10) + s[-4:]


def mask_phone(s: str) -> str:
    """Mask a phone number for logs, keeping the first 3 and last 4 digits: 138****8000."""
    compact = re.sub(r"[\s-]", "", s)
    match = re.fullmatch(r"(\+?86)(1\d{10})", compact)  # only a mobile number can carry the 86 prefix
    country, number = match.groups() if match else ("", compact)
    if len(number) <= 7:
        return country + "*" * len(number)
    return country + number[:3] + "*" * (len(number) - 7) + number[-4:]


# An ID or phone number is found by its digits alone: letters, CJK and punctuation around it do not protect it.
_RESIDENT_18 = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")
_RESIDENT_15 = re.compile(r"(?<!\d)\d{15}(?!\d)")
_MOBILE = re.compile(r"(?<![\d+])((?:\+|00)?86[\s-]*)?(1[3-9]\d[\s-]?\d{4}[\s-]?\d{4})(?!\d)")  # 3-4-4


def mask_text(text: str) -> str:
    """Mask every resident ID (18 or 15 digits) and mobile number (+86, spaces, dashes) within free text."""
    text = _RESIDENT_18.sub(lambda m: mask_id(m.group()), str(text))
    text = _RESIDENT_15.sub(lambda m: mask_id(m.group()), text)
    return _MOBILE.sub(lambda m: (m.group(1) or "") + mask_phone(m.group(2)), text)


def mask_data(value):
    """Mask personal numbers in every string of a JSON-like value (dicts, lists, strings)."""
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, dict):
        return {k: mask_data(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [mask_data(v) for v in value]
    return value
