"""Receipts and the cashier's checks: payer, escrow account, number sequence, deposit receipts, daily cash."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from toolkit.checks.fees import receipt_fee_problem
from toolkit.domain.policy import Policy
from toolkit.domain.project import Project
from toolkit.errors import InputFileError
from toolkit.findings import Finding
from toolkit.ledger.base import SalesLedger as Sales
from toolkit.rules import Refusal, enabled, finding, spec_of
from toolkit.tables import xlsx_rows

COLUMNS = ("no", "date", "payer", "unit", "kind", "amount", "channel", "account", "cashier")
_NUMBER = re.compile(r"^(.*?)(\d+)$")


def add_receipt(sales: Sales, project: Project, policy: Policy, **r: Any) -> dict[str, Any]:
    """Check a receipt against the deal on record and the project's accounts, then record it."""
    r = _clean(r)
    rules = policy.data["receipts"]
    if r["kind"] not in rules["kinds"] and receipt_fee_problem(project.data, r["kind"], r["amount"]):
        raise Refusal.of("fee.unpublished", receipt_fee_problem(project.data, r["kind"], r["amount"]), found=r["kind"])
    if r["channel"] not in rules["channels"]:
        raise Refusal.of("input.invalid", f"收款方式须为{'、'.join(rules['channels'])}之一，收到“{r['channel']}”")
    _before_permit(project, r)
    unit = sales.unit(r["unit"])
    if unit.deal_no is None:
        raise Refusal.of("receipt.payer", f"房号{r['unit']}没有成交记录，不能收款")
    buyers = [b["name"] for b in sales.deal(unit.deal_no)["buyers"]]
    if r["payer"] not in buyers:
        raise Refusal.of("receipt.payer", f"付款人{r['payer']}不是房号{r['unit']}的买受人（{'、'.join(buyers)}）")
    escrow = project.data.get("escrow_account", {}).get("number")
    if escrow and r["kind"] in rules["to_escrow"] and r["account"] != escrow:
        raise Refusal.of("receipt.escrow", f"预售房款须存入监管账户{escrow}，收据记载的账户为{r['account']}")
    warnings = _prepayment(policy, unit.status, r)
    sales.add_receipt(**r, deal_no=unit.deal_no)
    return r | {"deal_no": unit.deal_no, "findings": tuple(warnings)}


def _prepayment(policy: Policy, status: str, r: dict[str, Any]) -> list[Finding]:
    """Warn of purchase money (首付款, 房款) taken while the deal is only subscribed (R-SUB-02): not refused."""
    kinds = spec_of("receipt.prepayment", policy).params.get("kinds") or []
    if status != "已认购" or r["kind"] not in kinds or not enabled("receipt.prepayment", policy):
        return []
    message = (
        f"房号{r['unit']}尚未签订买卖合同，收据{r['no']}收取{r['kind']}：认购阶段只应收取定金，"
        "收取房款的认购书可能被认定为买卖合同"
    )
    return [
        finding("receipt.prepayment", message, policy=policy, document=r["no"], location=r["unit"], found=r["kind"])
    ]


def refund_payee(sales: Sales, deal_no: str, payee: str, loan_to: str = "", policy: Policy | None = None) -> None:
    """Refuse a refund to anyone but a payer of the deal's money, or one whose loan part goes to no lender (R-CASH-05)."""
    paid = [r for r in sales.receipts(deal_no=deal_no) if r["status"] == "有效"]
    payers = sorted({r["payer"] for r in paid})
    if payee and payers and payee not in payers:
        raise Refusal.of(
            "refund.payee", f"退款只能退至原付款人（{'、'.join(payers)}），申请的收款人为{payee}", found=payee
        )
    loan = sum((Decimal(r["amount"]) for r in paid if r["kind"] in _loan_kinds(policy)), Decimal(0))
    if loan and not loan_to:
        raise Refusal.of(
            "refund.payee",
            f"{deal_no}已收贷款{loan}元，贷款部分须退还贷款机构，不得退给买受人：须载明退回的贷款机构",
            found=str(loan),
        )


def _loan_kinds(policy: Policy | None) -> list[str]:
    return spec_of("refund.payee", policy).params.get("loan_kinds") or []


def _before_permit(project: Project, r: dict[str, Any]) -> None:
    """Refuse any money for a unit whose building had no permit on the receipt date (R-PERMIT-02)."""
    listed = project.units.get(r["unit"])
    if listed is None or project.permit_for(listed.building, dt.date.fromisoformat(r["date"])):
        return
    label = project.permit_label
    raise Refusal.of(
        "receipt.before_permit",
        f"房号{r['unit']}所在{listed.building}号楼在收款日期{r['date']}未取得{label}，不得收取任何款项（收据{r['no']}）",
    )


def _clean(r: dict[str, Any]) -> dict[str, Any]:
    try:
        amount = Decimal(str(r["amount"]).replace(",", ""))
    except (InvalidOperation, KeyError):
        raise Refusal.of("input.invalid", f"金额须为数字，收到“{r.get('amount')}”") from None
    if amount <= 0:
        raise Refusal.of("input.invalid", f"金额须大于零，收到{amount}")
    date = r.get("date") if isinstance(r.get("date"), str) else getattr(r.get("date"), "isoformat", lambda: "")()
    try:
        dt.date.fromisoformat(str(date)[:10])
    except ValueError:
        raise Refusal.of("input.invalid", f"日期须为2026-11-20这样的格式，收到“{date}”") from None
    date = str(date)[:10]
    return {**{k: str(r.get(k) or "").strip() for k in COLUMNS}, "amount": amount, "date": date}


def import_receipts(sales: Sales, project: Project, policy: Policy, path: Path) -> tuple[int, list[Finding]]:
    """Import receipts from an XLSX sheet with the columns of COLUMNS; each refused row is a finding."""
    records = xlsx_rows(path)
    missing = [c for c in COLUMNS if records and c not in records[0]]
    if missing or not records:
        raise InputFileError(
            path=path,
            field=(missing or ["no"])[0],
            expected=f"表头为{'、'.join(COLUMNS)}、至少一行收款记录",
        )
    done, findings = 0, []
    for line, record in enumerate(records, start=2):
        try:
            findings += add_receipt(sales, project, policy, **record)["findings"]
            done += 1
        except (Refusal, ValueError) as exc:
            rule = exc.rule if isinstance(exc, Refusal) else "input.invalid"
            message = f"{path.name} line {line}: {exc}"
            findings.append(finding(rule, message, policy=policy, document=path.name, location=f"第{line}行"))
    return done, findings


def sequence_findings(receipts: list[dict[str, Any]]) -> list[Finding]:
    """Receipt numbers must run without gaps within each prefix."""
    by_prefix: dict[str, list[int]] = {}
    widths: dict[str, int] = {}
    for r in receipts:
        m = _NUMBER.match(r["no"])
        if m:
            by_prefix.setdefault(m.group(1), []).append(int(m.group(2)))
            widths.setdefault(m.group(1), len(m.group(2)))
    out = []
    for prefix, numbers in by_prefix.items():
        numbers.sort()
        gaps = [n for n in range(numbers[0], numbers[-1] + 1) if n not in set(numbers)]
        if gaps:
            missing = ", ".join(f"{prefix}{n:0{widths[prefix]}d}" for n in gaps[:10])
            message = f"收据号不连续，缺少：{missing}"
            out.append(finding("receipt.sequence", message, location=prefix, expected="连续编号", found=missing))
    return out


def deposit_findings(sales: Sales, date: str) -> list[Finding]:
    """Every deal subscribed on or before the date must have its deposit (定金) receipt."""
    out = []
    for d in sales.open_deals(date):
        kinds = {r["kind"] for r in sales.receipts(deal_no=d["deal_no"]) if r["status"] == "有效"}
        if "定金" not in kinds:
            message = f"{d['deal_no']}（{d['unit']}）已认购但没有定金收据"
            out.append(finding("receipt.missing_deposit", message, location=d["deal_no"]))
    return out
