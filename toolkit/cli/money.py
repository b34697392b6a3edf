"""`loupan money ...`: receipts, receipt imports and bank deposits."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from toolkit.cli import options as o

RECEIPT = {
    "no": "收据号，如 SJ0001",
    "date": "YYYY-MM-DD",
    "payer": "付款人（该房号的买受人）",
    "unit": "所付款的房号",
    "kind": "定金 | 首付款 | 房款 | 退款 …",
    "amount": "金额（元），如 50000",
    "channel": "现金 | 转账 | POS …",
    "account": "收款账户",
}
DEPOSIT = {
    "date": "YYYY-MM-DD",
    "kind": "现金存款 | 银行入账",
    "amount": "金额（元）",
    "account": "银行账户",
}


def add_commands(sub: Any) -> None:
    """Add money receipt, import and deposit."""
    money = o.group(sub, "money", "收款、收款导入和银行存款")
    r = o.command(money, "receipt", "经出纳核对后登记收款", _money_receipt)
    for name, helptext in RECEIPT.items():
        r.add_argument(f"--{name}", required=True, help=helptext)
    r.add_argument("--cashier", default="", help="经手出纳")
    o.project(r)
    imp = o.command(money, "import", "从 XLSX 表导入收款", _money_import)
    imp.add_argument(
        "file", type=Path, help="收款表，列为 no、date、payer、unit、kind、amount、channel、account、cashier"
    )
    o.project(imp)
    dep = o.command(money, "deposit", "登记现金存款或银行入账", _money_deposit)
    for name, helptext in DEPOSIT.items():
        dep.add_argument(f"--{name}", required=True, help=helptext)
    dep.add_argument("--reference", default="", help="银行流水号")
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
