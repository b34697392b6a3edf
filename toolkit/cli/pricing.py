"""`loupan pricing ...`: the price list from a pricing scheme (定价), and a unit's price history."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from toolkit.cli import options as o


def add_commands(sub: Any) -> None:
    """Add pricing build and pricing history."""
    actions = o.group(sub, "pricing", "price every unit from a scheme (一房一价), and the price history")
    b = o.command(actions, "build", "price the units, check them, write units.csv/.xlsx, 价目表 and 定价审批表", _build)
    o.project(b)
    b.add_argument("--scheme", type=Path, required=True, help="the pricing scheme (YAML: base, factors, filed, target)")
    o.out(b, "output folder (default: output/); never the project folder itself")
    b.add_argument("--record", action="store_true", help="keep the new prices in the ledger's price history")
    b.add_argument("--no-pdf", action="store_true", help="write the DOCX sheets only, without PDF")
    o.as_json(b)
    h = o.command(actions, "history", "a unit's list prices on record, oldest first", _history)
    h.add_argument("code", help="the unit's code, e.g. 1-1801")
    o.project(h)


def _build(args: argparse.Namespace) -> int:
    from toolkit import api
    from toolkit.findings import has_errors

    built = api.pricing_build(api.open_project(args.project), args.scheme, args.out, record=args.record,
                              pdf=not args.no_pdf)  # fmt: skip
    if args.json:
        o.print_json({"figures": built.figures, "findings": [f.as_dict() for f in built.findings],
                      "files": [str(f) for f in built.files]})  # fmt: skip
    else:
        f = built.figures
        print(f"{built.scheme.name}: {f['count']} 套, 均价 {f['average_unit_price']} 元/㎡, 总货值 {f['total']} 元")
        for finding in built.findings:
            print(finding.line())
        for path in built.files:
            o.wrote(path)
        if args.record:
            print("已记入价格历史" if built.recorded else "未记入价格历史：检查发现错误")
    return 1 if has_errors(built.findings) else 0


def _history(args: argparse.Namespace) -> int:
    from toolkit import api

    for row in api.price_history(api.open_project(args.project), args.code):
        print(f"{row['effective']} {row['list_unit_price']} 元/㎡（备案价 {row['filed_unit_price']}）{row['scheme']}")
    return 0
