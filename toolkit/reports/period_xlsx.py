"""The period report as a workbook: one sheet per table, totals and rates as formulas, number formats."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from toolkit.reports.period import Report

YUAN = "#,##0"
PCT = "0.0%"


def write_xlsx(r: Report, target: Path) -> Path:
    """Write one sheet per table: 目标达成, 周进度, 楼栋产品, 顾问排名 … 竞品对比."""
    from openpyxl import Workbook

    from toolkit.reports import period_sheets as more

    wb = Workbook()
    _progress(wb.active, r)
    for title, write in (
        ("周进度", more.weeks),
        ("楼栋产品", more.scopes),
        ("顾问排名", _consultants),
        ("顾问业绩", more.team),
        ("去化率", _sell_through),
        ("速度", lambda ws, r: _pairs(ws, "销售速度", r.velocity)),
        ("转化", _conversion),
        ("签约周期", more.signing),
        ("逾期认购", more.expired),
        ("回款", _receivables),
        ("应收账龄", more.ageing),
        ("价格实现", _prices),
        ("优惠", more.discounts),
        ("竞品对比", _survey),
    ):
        write(wb.create_sheet(title), r)
    wb.save(target)
    return target


def _conversion(ws, r: Report) -> None:
    conv = {k: v for k, v in r.conversion.items() if k != "refund_reasons"}
    _pairs(ws, "认购转签约", conv | {f"退房：{k}": v for k, v in r.conversion["refund_reasons"].items()})


def _head(ws, title: str, header: list[str]) -> None:
    from openpyxl.styles import Font, PatternFill

    ws.append([title])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append(header)
    for cell in ws[2]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="1F4E79")
    ws.column_dimensions["A"].width = 22
    for col in "BCDEFGHIJK":
        ws.column_dimensions[col].width = 15


def _num(v: Any):
    return None if v is None else float(v)


def _progress(ws, r: Report) -> None:
    ws.title = "目标达成"
    _head(
        ws,
        f"{r.project} {r.period.label} 目标达成",
        ["指标", "本期实际", "本期目标", "达成率", "年累计", "年目标", "年达成率"],
    )
    for row in (x for x in r.progress if x["scope"] == "项目"):
        n = ws.max_row + 1
        ws.append(
            [
                row["measure"],
                _num(row["actual"]),
                _num(row["target"]),
                f'=IF(C{n}>0,B{n}/C{n},"")',
                _num(row["ytd_actual"]),
                _num(row["ytd_target"]),
                f'=IF(F{n}>0,E{n}/F{n},"")',
            ]
        )
        for col, fmt in zip("BCDEFG", (YUAN, YUAN, PCT, YUAN, YUAN, PCT)):
            ws[f"{col}{n}"].number_format = fmt


def _consultants(ws, r: Report) -> None:
    _head(ws, "置业顾问签约金额排名", ["顾问", "排名", "签约金额", "目标", "达成率", "年累计"])
    first = ws.max_row + 1
    for row in r.consultants:
        n = ws.max_row + 1
        ws.append(
            [
                row["scope"],
                row["rank"],
                _num(row["actual"]),
                _num(row["target"]),
                f'=IF(D{n}>0,C{n}/D{n},"")',
                _num(row["ytd_actual"]),
            ]
        )
        for col, fmt in zip("CDEF", (YUAN, YUAN, PCT, YUAN)):
            ws[f"{col}{n}"].number_format = fmt
    last = ws.max_row
    ws.append(["合计", None, f"=SUM(C{first}:C{last})" if r.consultants else 0])
    ws[f"C{ws.max_row}"].number_format = YUAN


def _sell_through(ws, r: Report) -> None:
    _head(ws, "去化率（已售/在售）", ["分组", "在售套数", "已售套数", "去化率"])
    for name, rows in r.sell_through.items():
        ws.append([name])
        first = ws.max_row + 1
        for row in rows:
            n = ws.max_row + 1
            ws.append([row["group"], row["on_sale"], row["sold"], f"=IF(B{n}>0,C{n}/B{n},0)"])
            ws[f"D{n}"].number_format = PCT
        n, last = ws.max_row + 1, ws.max_row
        ws.append([f"{name}合计", f"=SUM(B{first}:B{last})", f"=SUM(C{first}:C{last})", f"=IF(B{n}>0,C{n}/B{n},0)"])
        ws[f"D{n}"].number_format = PCT


def _pairs(ws, title: str, values: dict[str, Any]) -> None:
    _head(ws, title, ["项目", "数值"])
    for k, v in values.items():
        ws.append(
            [
                k,
                v
                if isinstance(v, (int, str)) or v is None
                else (float(v) if not hasattr(v, "isoformat") else v.isoformat()),
            ]
        )


def _receivables(ws, r: Report) -> None:
    _head(ws, "本期回款与应收", ["成交编号", "房号", "付款方式", "总价", "已付", "未付", "账龄（天）"])
    first = n = ws.max_row + 1  # max_row walks every cell: count rows here instead
    for d in r.receivables["owed"]:
        ws.append(
            [d["deal_no"], d["unit"], d["method"], float(d["total"]), float(d["paid"]), f"=D{n}-E{n}", d["age_days"]]
        )
        for col in "DEF":
            ws[f"{col}{n}"].number_format = YUAN
        n += 1
    last = ws.max_row
    ws.append(["未付合计", None, None, None, None, f"=SUM(F{first}:F{last})" if r.receivables["owed"] else 0])
    ws.append([])
    ws.append(["本期收款（按款项）", "金额"])
    for k, v in r.receivables["by_kind"].items():
        ws.append([k, float(v)])
        ws[f"B{ws.max_row}"].number_format = YUAN


def _prices(ws, r: Report) -> None:
    _head(ws, "成交价与标价、底价", ["成交编号", "房号", "标价总价", "成交总价", "实现率", "高于底价", "近底价"])
    first = n = ws.max_row + 1
    for d in r.prices["deals"]:
        ws.append(
            [
                d["deal_no"],
                d["unit"],
                float(d["list_total"]),
                float(d["total"]),
                f"=D{n}/C{n}",
                float(d["over_floor_pct"]) / 100,
                "是" if d["near_floor"] else "",
            ]
        )
        for col, fmt in zip("CDEF", (YUAN, YUAN, "0.00%", "0.00%")):
            ws[f"{col}{n}"].number_format = fmt
        n += 1
    ws.append(["合计", None, f"=SUM(C{first}:C{n - 1})", f"=SUM(D{first}:D{n - 1})", f'=IF(C{n}>0,D{n}/C{n},"")'])
    for col, fmt in zip("CDE", (YUAN, YUAN, "0.00%")):
        ws[f"{col}{n}"].number_format = fmt


def _survey(ws, r: Report) -> None:
    _head(
        ws,
        "竞品踩盘与本案标价",
        ["楼盘", "户型", "距离公里", "标价单价", "实际单价", "本案标价均价", "价差", "优惠", "月销套数", "踩盘日期"],
    )
    n = ws.max_row + 1
    for x in r.survey:
        ws.append(
            [
                x["楼盘"],
                x["户型"],
                float(x["距离公里"]),
                float(x["标价单价"]),
                float(x["实际单价"]),
                _num(x["our_list"]),
                f'=IF(F{n}="","",F{n}-E{n})',
                x["优惠"],
                int(x["月销套数"]),
                x["踩盘日期"],
            ]
        )
        for col in "DEFG":
            ws[f"{col}{n}"].number_format = YUAN
        ws[f"J{n}"].number_format = "yyyy-mm-dd"
        n += 1
