"""`loupan money ...`: receipts, receipt imports and bank deposits."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from toolkit.cli import options as o

RECEIPT = {
    "no": "the receipt number, e.g. SJ0001",
    "date": "YYYY-MM-DD",
    "payer": "who paid (a buyer of the unit)",
    "unit": "the unit paid for",
    "kind": "定金 | 首付款 | 房款 | 退款 …",
    "amount": "yuan, e.g. 50000",
    "channel": "现金 | 转账 | POS …",
    "account": "the account the money went into",
}
DEPOSIT = {
    "date": "YYYY-MM-DD",
    "kind": "现金存款 | 银行入账",
    "amount": "yuan",
    "account": "the bank account",
}


def add_commands(sub: Any) -> None:
    """Add money receipt, import and deposit."""
    money = o.group(sub, "money", "receipts, imports and bank deposits")
    r = o.command(money, "receipt", "record a receipt after the cashier's checks", _money_receipt)
    for name, helptext in RECEIPT.items():
        r.add_argument(f"--{name}", required=True, help=helptext)
    r.add_argument("--cashier", default="", help="who took the money")
    o.project(r)
    imp = o.command(money, "import", "import receipts from an XLSX sheet", _money_import)
    imp.add_argument(
        "file", type=Path, help="the sheet: columns no, date, payer, unit, kind, amount, channel, account, cashier"
    )
    o.project(imp)
    dep = o.command(money, "deposit", "record a cash deposit (现金存款) or a bank credit (银行入账)", _money_deposit)
    for name, helptext in DEPOSIT.items():
        dep.add_argument(f"--{name}", required=True, help=helptext)
    dep.add_argument("--reference", default="", help="the bank's reference")
    o.project(dep)


def _money_receipt(args: argparse.Namespace) -> int:
    from toolkit import api

    fields = {k: getattr(args, k) for k in (*RECEIPT, "cashier")}
    recorded = api.money_receipt(api.open_project(args.project), **fields)
    o.print_findings(list(recorded.findings))
    print(f"已登记收款 {recorded.no}")
    return 0


def _money_import(args: argparse.Namespace) -> int:
    from toolkit import api

    done = api.money_import(api.open_project(args.project), args.file)
    o.print_findings(done.findings)
    refused = [f for f in done.findings if f.severity == "error"]  # warnings ride on rows that were taken
    print(f"已导入收款 {done.imported} 笔，拒收 {len(refused)} 笔")
    return 1 if refused else 0


def _money_deposit(args: argparse.Namespace) -> int:
    from toolkit import api

    fields = {k: getattr(args, k) for k in ("kind", "amount", "account", "reference")}
    api.money_deposit(api.open_project(args.project), date=o.date(args.date).isoformat(), **fields)
    return 0
