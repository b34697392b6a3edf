"""The deal entry form: its fields, the deal file they make, and each finding put back at its field.

The form is validated by the pack's schema and every deal rule (`checks.run.check_deal`, through a deal file
written to the web page's own folder), so the page refuses what `loupan check` would refuse.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

DEAL_NO = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,39}$")  # also what may name a folder
FIELDS: dict[str, tuple[str, str]] = {  # form field -> (path in the deal, label)
    "deal_no": ("deal_no", "合同编号"),
    "unit": ("unit", "房号"),
    "subscribe_date": ("subscribe_date", "认购日期"),
    "sign_deadline": ("sign_deadline", "签约期限"),
    "salesperson": ("salesperson", "置业顾问"),
    "buyer_name": ("buyers[0].name", "买受人姓名"),
    "buyer_id_type": ("buyers[0].id_type", "证件类型"),
    "buyer_id_no": ("buyers[0].id_no", "证件号码"),
    "buyer_phone": ("buyers[0].phone", "联系电话"),
    "buyer_address": ("buyers[0].address", "通讯地址"),
    "payment_method": ("payment.method", "付款方式"),
    "down_payment_pct": ("payment.down_payment_pct", "首付比例%"),
    "lender": ("payment.lender", "贷款银行"),
    "due_date": ("payment.due_date", "付款日期（一次性付款）"),
    "discounts": ("discounts", "一般性折扣"),
    "extra_rate_pct": ("extra_discount.rate_pct", "额外优惠%"),
    "deposit": ("deposit", "定金（元）"),
}
BY_PATH = {path: name for name, (path, _) in FIELDS.items()}
PAYMENT_METHODS = ("一次性付款", "商业贷款", "公积金贷款", "组合贷款")
ID_TYPES = ("居民身份证", "港澳居民来往内地通行证", "台湾居民来往大陆通行证", "护照", "营业执照")


def _number(text: str) -> Any:
    """Return a number when the text is one, else the text (the schema then names the field)."""
    try:
        value = Decimal(text.replace(",", ""))
    except InvalidOperation:
        return text
    return int(value) if value == value.to_integral_value() else float(value)


def _date(text: str) -> Any:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return text


def deal_data(form: dict[str, Any], approver: str | None, approval_no: str) -> dict[str, Any]:
    """Make the deal file's data from the form's values (extra discount approved by `approver`)."""
    v = {k: str(form.get(k, "")).strip() for k in FIELDS if k != "discounts"}
    payment: dict[str, Any] = {"method": v["payment_method"]}
    if v["payment_method"] == "一次性付款":
        payment["due_date"] = _date(v["due_date"])
    else:
        payment.update(down_payment_pct=_number(v["down_payment_pct"]), lender=v["lender"])
    data: dict[str, Any] = {
        "deal_no": v["deal_no"],
        "unit": v["unit"],
        "subscribe_date": _date(v["subscribe_date"]),
        "sign_deadline": _date(v["sign_deadline"]),
        "salesperson": v["salesperson"],
        "buyers": [
            {
                "name": v["buyer_name"],
                "id_type": v["buyer_id_type"],
                "id_no": v["buyer_id_no"],
                "phone": v["buyer_phone"],
                "address": v["buyer_address"],
                "share_pct": 100,
            }
        ],
        "payment": payment,
        "discounts": list(form.get("discounts") or []),
        "deposit": _number(v["deposit"]),
    }
    rate = _number(v["extra_rate_pct"] or "0")
    if rate not in (0, "0"):
        data["extra_discount"] = {"rate_pct": rate, "approved_by": approver or "", "approval_no": approval_no}
    return data


def revive(data: dict[str, Any]) -> dict[str, Any]:
    """Return deal data kept as JSON with its dates as dates again."""
    out = {**data, "payment": dict(data.get("payment") or {})}
    for key in ("subscribe_date", "sign_deadline"):
        out[key] = _date(str(out.get(key, "")))
    if "due_date" in out["payment"]:
        out["payment"]["due_date"] = _date(str(out["payment"]["due_date"]))
    return out


def extra_rate(data: dict[str, Any]) -> Decimal:
    """Return the extra discount a deal asks for (0 when none, or when it is not a number)."""
    try:
        return Decimal(str((data.get("extra_discount") or {}).get("rate_pct", 0)))
    except InvalidOperation:
        return Decimal(0)


def write_deal(folder: Path, data: dict[str, Any]) -> Path:
    """Write a deal file under a fresh name in a folder (never over another)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{os.urandom(6).hex()}.yaml"
    with open(path, "x", encoding="utf-8") as out:
        yaml.safe_dump(data, out, allow_unicode=True, sort_keys=False)
    return path


def field_errors(findings: list[Any]) -> tuple[dict[str, list[str]], list[str]]:
    """Put each error finding at its form field; return (field -> messages, the rest)."""
    at: dict[str, list[str]] = {}
    rest: list[str] = []
    for f in findings:
        if f.severity != "error":
            continue
        name = BY_PATH.get(f.location) or BY_PATH.get(re.sub(r"\[\d+\]$", "", f.location or ""))
        message = _plain(f.message)
        if name and message not in at.get(name, []):
            at.setdefault(name, []).append(message)
        else:
            rest.append(message)
    return at, rest


SCHEMA_WORDS = (  # the schema's English, as the front desk reads it
    (re.compile(r"^(a value is required|required field|null value not allowed|empty values not allowed)$"), "必填"),
    (re.compile(r"^value does not match regex .*"), "格式不正确"),
    (re.compile(r"^field '[^']*' cannot be coerced: .*"), "应为数字"),
    (re.compile(r"^must be of (decimal|number|integer|float) type$"), "应为数字"),
    (re.compile(r"^must be of date type$"), "应为日期，如 2026-11-20"),
    (re.compile(r"^unallowed value (.*)$"), r"不允许的值 \1"),
)


def _plain(message: str) -> str:
    """Drop the temporary file's name and field path a schema message starts with; say it in Chinese."""
    message = re.sub(r"^[0-9a-f]{12}\.yaml(: |：)", "", message)
    message = re.sub(r"^(field '[^']*': |字段“[^”]*”：)", "", message)
    for pattern, words in SCHEMA_WORDS:
        if pattern.match(message):
            return pattern.sub(words, message)
    return message
