"""`loupan pricing ...`: the price list from a pricing scheme (定价), and a unit's price history."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from toolkit.cli import options as o


def add_commands(sub: Any) -> None:
    """Add pricing build and pricing history."""
    actions = o.group(sub, "pricing", "按定价方案为每套房定价（一房一价），及价格历史")
    b = o.command(actions, "build", "定价并核对，写出 units.csv/.xlsx、价目表和定价审批表", _build)
    o.project(b)
    b.add_argument("--scheme", type=Path, required=True, help="定价方案（YAML：base、factors、filed、target）")
    o.out(b, "输出文件夹（默认：output/）；不能是项目文件夹本身")
    b.add_argument("--record", action="store_true", help="将新价格记入台账的价格历史")
    b.add_argument("--no-pdf", action="store_true", help="只写出 DOCX 表格，不生成 PDF")
    o.as_json(b)
    h = o.command(actions, "history", "房号的历次标价，按时间先后", _history)
    h.add_argument("code", help="房号，如 1-1801")
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
