"""The period report as a workbook: one sheet per table, totals and rates as formulas, number formats.

The workbook is written in openpyxl's write-only mode (rows streamed, each cell styled as it is made): a
report over thousands of deals lists thousands of instalments, and that mode writes them at a fraction of the cost.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from toolkit.reports.period import Report

YUAN = "#,##0"
PCT = "0.0%"


class Sheet:
    """A write-only sheet that counts its rows (formulas name them) and formats cells as they are made."""

    def __init__(self, wb, title: str):
        self.ws, self.rows = wb.create_sheet(title), 0

    @property
    def n(self) -> int:
        """Return the number of the row the next `add` writes."""
        return self.rows + 1

    def add(self, values: list[Any], formats: dict[str, str] | None = None, **style: Any) -> None:
        """Append a row; `formats` maps column letters to number formats, `style` (font, fill) applies to every cell."""
        from openpyxl.cell import WriteOnlyCell

        formats = formats or {}
        cells = []
        for col, value in zip("ABCDEFGHIJKLMNOP", values):
            if col not in formats and not style:
                cells.append(value)
                continue
            cell = WriteOnlyCell(self.ws, value=value)
            if col in formats:
                cell.number_format = formats[col]
            for name, v in style.items():
                setattr(cell, name, v)
            cells.append(cell)
        self.ws.append(cells)
        self.rows += 1


def write_xlsx(r: Report, target: Path) -> Path:
    """Write one sheet per table: 目标达成, 周进度, 楼栋产品, 顾问排名 … 竞品对比."""
    from openpyxl import Workbook

    from toolkit.reports import period_sheets as more

    wb = Workbook(write_only=True)
    for title, write in (
        ("目标达成", _progress),
        ("周进度", more.weeks),
        ("楼栋产品", more.scopes),
        ("顾问排名", _consultants),
        ("顾问业绩", more.team),
        ("去化率", _sell_through),
        ("速度", lambda sh, r: _pairs(sh, "销售速度", r.velocity)),
        ("转化", _conversion),
        ("签约周期", more.signing),
        ("逾期认购", more.expired),
        ("回款", _receivables),
        ("应收账龄", more.ageing),
        ("价格实现", _prices),
        ("优惠", more.discounts),
        ("竞品对比", _survey),
    ):
        write(Sheet(wb, title), r)
    wb.save(target)
    return target


def _conversion(sh: Sheet, r: Report) -> None:
    conv = {k: v for k, v in r.conversion.items() if k != "refund_reasons"}
    _pairs(sh, "认购转签约", conv | {f"退房：{k}": v for k, v in r.conversion["refund_reasons"].items()})


def head(sh: Sheet, title: str, header: list[str]) -> None:
    """Write a sheet's title and its header row, and set the column widths."""
    from openpyxl.styles import Font, PatternFill

    sh.ws.column_dimensions["A"].width = 22
    for col in "BCDEFGHIJK":
        sh.ws.column_dimensions[col].width = 15
    sh.add([title], font=Font(bold=True, size=13))
    sh.add(header, font=Font(bold=True, color="FFFFFF"), fill=PatternFill("solid", fgColor="1F4E79"))


def num(v: Any):
    """Return a figure as a float for a cell, None (an empty cell) for no figure."""
    return None if v is None else float(v)


def _progress(sh: Sheet, r: Report) -> None:
    head(
        sh,
        f"{r.project} {r.period.label} 目标达成",
        ["指标", "本期实际", "本期目标", "达成率", "年累计", "年目标", "年达成率"],
    )
    for row in r.progress:
        n = sh.n
        sh.add(
            [row["measure"], num(row["actual"]), num(row["target"]), f'=IF(C{n}>0,B{n}/C{n},"")',
             num(row["ytd_actual"]), num(row["ytd_target"]), f'=IF(F{n}>0,E{n}/F{n},"")'],
            dict(zip("BCDEFG", (YUAN, YUAN, PCT, YUAN, YUAN, PCT))),
        )  # fmt: skip


def _consultants(sh: Sheet, r: Report) -> None:
    head(sh, "置业顾问签约金额排名", ["顾问", "排名", "签约金额", "目标", "达成率", "年累计"])
    first = sh.n
    for row in r.consultants:
        n = sh.n
        sh.add(
            [row["scope"], row["rank"], num(row["actual"]), num(row["target"]), f'=IF(D{n}>0,C{n}/D{n},"")',
             num(row["ytd_actual"])],
            dict(zip("CDEF", (YUAN, YUAN, PCT, YUAN))),
        )  # fmt: skip
    sh.add(["合计", None, f"=SUM(C{first}:C{sh.n - 1})" if r.consultants else 0], {"C": YUAN})


def _sell_through(sh: Sheet, r: Report) -> None:
    head(sh, "去化率（已售/在售）", ["分组", "在售套数", "已售套数", "去化率"])
    for name, rows in r.sell_through.items():
        sh.add([name])
        first = sh.n
        for row in rows:
            n = sh.n
            sh.add([row["group"], row["on_sale"], row["sold"], f"=IF(B{n}>0,C{n}/B{n},0)"], {"D": PCT})
        n, last = sh.n, sh.n - 1
        sh.add(
            [f"{name}合计", f"=SUM(B{first}:B{last})", f"=SUM(C{first}:C{last})", f"=IF(B{n}>0,C{n}/B{n},0)"],
            {"D": PCT},
        )


def _pairs(sh: Sheet, title: str, values: dict[str, Any]) -> None:
    head(sh, title, ["项目", "数值"])
    for k, v in values.items():
        plain = isinstance(v, (int, str)) or v is None
        sh.add([k, v if plain else (v.isoformat() if hasattr(v, "isoformat") else float(v))])


def _receivables(sh: Sheet, r: Report) -> None:
    head(sh, "本期回款与应收", ["成交编号", "房号", "付款方式", "总价", "已付", "未付", "账龄（天）"])
    first = sh.n
    for d in r.receivables["owed"]:
        n = sh.n
        sh.add(
            [d["deal_no"], d["unit"], d["method"], float(d["total"]), float(d["paid"]), f"=D{n}-E{n}", d["age_days"]],
            {"D": YUAN, "E": YUAN, "F": YUAN},
        )
    sh.add(["未付合计", None, None, None, None, f"=SUM(F{first}:F{sh.n - 1})" if r.receivables["owed"] else 0])
    sh.add([])
    sh.add(["本期收款（按款项）", "金额"])
    for k, v in r.receivables["by_kind"].items():
        sh.add([k, float(v)], {"B": YUAN})


def _prices(sh: Sheet, r: Report) -> None:
    head(sh, "成交价与标价、底价", ["成交编号", "房号", "标价总价", "成交总价", "实现率", "高于底价", "近底价"])
    first = sh.n
    for d in r.prices["deals"]:
        n = sh.n
        sh.add(
            [d["deal_no"], d["unit"], float(d["list_total"]), float(d["total"]), f"=D{n}/C{n}",
             float(d["over_floor_pct"]) / 100, "是" if d["near_floor"] else ""],
            dict(zip("CDEF", (YUAN, YUAN, "0.00%", "0.00%"))),
        )  # fmt: skip
    n = sh.n
    sh.add(
        ["合计", None, f"=SUM(C{first}:C{n - 1})", f"=SUM(D{first}:D{n - 1})", f'=IF(C{n}>0,D{n}/C{n},"")'],
        dict(zip("CDE", (YUAN, YUAN, "0.00%"))),
    )


def _survey(sh: Sheet, r: Report) -> None:
    head(
        sh,
        "竞品踩盘与本案标价",
        ["楼盘", "户型", "距离公里", "标价单价", "实际单价", "本案标价均价", "价差", "优惠", "月销套数", "踩盘日期"],
    )
    for x in r.survey:
        n = sh.n
        sh.add(
            [x["楼盘"], x["户型"], float(x["距离公里"]), float(x["标价单价"]), float(x["实际单价"]), num(x["our_list"]),
             f'=IF(F{n}="","",F{n}-E{n})', x["优惠"], int(x["月销套数"]), x["踩盘日期"]],
            {"D": YUAN, "E": YUAN, "F": YUAN, "G": YUAN, "J": "yyyy-mm-dd"},
        )  # fmt: skip
