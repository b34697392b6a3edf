"""What a priced scheme writes: the price list the toolkit reads, the public 价目表, the approval form.

- `units.csv` and `units.xlsx`: the columns of `examples/cuihu/units.csv`, in its order (the toolkit reads
  either back through `checks/inputs.load_project`).
- 价目表 (public display, 明码标价): one row per unit with 房号, 楼层, 户型, 层高, 建筑面积, 套内面积, 分摊面积,
  单价, 总价, 状态 (R-PRICE-02); the seller, the permits, the pricing basis, the published discounts with their
  conditions, the 特价房 with their 原价 and conditions, the fees, the date and the complaint line.
- 定价审批表: figures per building, the checks' findings, the signatures of who prepared and who approves.
"""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

from toolkit.domain.money import format_yuan
from toolkit.domain.project import Project
from toolkit.findings import Finding
from toolkit.pricing.checks import figures
from toolkit.pricing.compute import Priced
from toolkit.pricing.scheme import Scheme
from toolkit.render import sheets

COLUMNS = (
    "code", "building", "floor", "room", "layout", "orientation", "building_area", "inner_area", "shared_area",
    "list_unit_price", "filed_unit_price", "floor_unit_price", "status",
)  # fmt: skip
NOTICE_HEADER = ["房号", "楼层", "户型", "层高（米）", "建筑面积（㎡）", "套内面积（㎡）", "分摊面积（㎡）",
                 "单价（元/㎡）", "总价（元）", "状态", "备注"]  # fmt: skip


def row_values(p: Priced, status: str) -> list[str]:
    """Return a unit's price-list row as text, in COLUMNS order (areas with two decimals)."""
    u = p.unit
    values = {**{c: str(getattr(u, c)) for c in COLUMNS}, "status": status}
    for c in ("building_area", "inner_area", "shared_area"):
        values[c] = f"{getattr(u, c):.2f}"
    return [values[c] for c in COLUMNS]


def write_price_list(priced: list[Priced], statuses: dict[str, str], out: Path) -> list[Path]:
    """Write units.csv and units.xlsx."""
    from openpyxl import Workbook

    rows = [row_values(p, statuses[p.unit.code]) for p in priced]
    target = out / "units.csv"
    with target.with_name("units.csv.part").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(COLUMNS)
        w.writerows(rows)
    target.with_name("units.csv.part").replace(target)
    book = Workbook()
    sheet = book.active
    sheet.title = "价目表"
    sheet.append(list(COLUMNS))
    for r in rows:
        sheet.append(r)  # text cells: the reader takes every value as text, as from the CSV
    book.save(str(out / "units.xlsx"))
    return [target, out / "units.xlsx"]


def write_notice(project: Project, scheme: Scheme, priced: list[Priced], statuses: dict[str, str], out: Path) -> Path:
    """Write the 价目表 for public display (DOCX; the caller converts it to PDF)."""
    d = project.data
    doc = sheets.new_sheet(f"{project.name}商品房销售价目表（一房一价）", landscape=True, size_pt=8)
    permits = "；".join(f"{p.no}（{'、'.join(b + '号楼' for b in p.buildings)}）" for p in project.permits)
    sheets.line(
        doc, f"开发企业：{d['seller']['name']}　项目坐落：{d['project']['address']}　{project.permit_label}：{permits}"
    )
    sheets.line(doc, f"计价方式：按{d['pricing']['basis']}计价，单价为每平方米{d['pricing']['basis']}价格；"
                     f"总价 = 单价 × 建筑面积。本表价格自{_cdate(scheme.effective)}起执行，一房一价，明码标价。")  # fmt: skip
    rows = [_notice_row(p, PUBLIC_STATUS.get(statuses[p.unit.code], statuses[p.unit.code])) for p in priced]
    sheets.table(doc, NOTICE_HEADER, rows)
    sheets.line(
        doc,
        "公开优惠（适用条件）：" + "；".join(f"{x.name}{x.rate_pct}%（{x.condition()}）" for x in project.discounts),
    )
    pm = d["contract_terms"]["property_manager"]
    sheets.line(doc, f"物业服务费：{pm['fee_per_m2_month']}元/月·㎡（按建筑面积，{pm['name']}）。除本表及公示的收费项目外，"
                     "不收取任何未标明的费用。")  # fmt: skip
    sheets.line(doc, "状态说明：可售＝可以认购；已售＝已认购或已签约；暂不销售＝销控房源。价格举报电话：12315。")
    sheets.line(doc, f"{d['seller']['name']}（盖章）　　公示日期：{_cdate(scheme.effective)}")
    return sheets.save(doc, out / f"{project.code}-price-notice.docx")


def _notice_row(p: Priced, status: str) -> list[str]:
    u = p.unit
    note = f"特价房，原价{p.special.original}元/㎡，{p.special.condition}" if p.special else ""
    return [u.code, str(u.floor), u.layout, f"{p.storey_height_m:.2f}", f"{u.building_area:.2f}", f"{u.inner_area:.2f}",
            f"{u.shared_area:.2f}", format_yuan(u.list_unit_price), format_yuan(p.total), status, note]  # fmt: skip


def write_approval(project: Project, scheme: Scheme, priced: list[Priced], findings: list[Finding], out: Path) -> Path:
    """Write the 定价审批表 the manager signs off."""
    doc = sheets.new_sheet(f"{project.name}定价审批表")
    sheets.line(
        doc,
        f"方案：{scheme.name}　执行日期：{_cdate(scheme.effective)}　单价取整：{_ROUNDING[scheme.rounding]}，四舍五入",
    )
    factors = "；".join(f"{f.name}（按{_BY[f.by]}，{'乘系数' if f.times or f.times_per_step else '加减元/㎡'}）"
                       for f in scheme.factors)  # fmt: skip
    sheets.line(doc, f"基价 × 系数 + 调差：{factors or '无'}")
    sheets.table(doc, ["基价", "元/㎡", "层高（米）"],
                 [[f"{b.building}号楼" + (f" {b.layout}" if b.layout else ""), format_yuan(b.price), f"{b.storey_height_m:.2f}"]
                  for b in scheme.base])  # fmt: skip
    sheets.table(doc, ["系数", "取值"], [[f.name, _values(f)] for f in scheme.factors])
    by_building: dict[str, list[Priced]] = {}
    for p in priced:
        by_building.setdefault(p.unit.building, []).append(p)
    rows = [_summary_row(f"{b}号楼", ps) for b, ps in by_building.items()] + [_summary_row("合计", priced)]
    sheets.table(doc, ["楼栋", "套数", "建筑面积（㎡）", "均价（元/㎡）", "最低单价", "最高单价", "总货值（元）"], rows)
    target = ", ".join(f"{_TARGET.get(k, k)} {format_yuan(v)}" for k, v in scheme.target.items())
    sheets.line(doc, f"目标：{target or '未设定'}")
    sheets.line(doc, "检查结果：" + ("无问题" if not findings else f"{len(findings)}项"), bold=True)
    for f in findings[:40]:
        sheets.line(doc, f"{f.severity} {f.rule}：{f.message}")
    if len(findings) > 40:
        sheets.line(doc, f"……另有{len(findings) - 40}项，见 findings.json")
    sheets.line(doc, f"编制人（签字）：　　　　　（{scheme.prepared_by or '　　'}）　日期：")
    for role in ("销售经理审核（签字）", "营销总监审核（签字）", "总经理审批（签字）"):
        sheets.line(doc, f"{role}：　　　　　　　　　　日期：")
    return sheets.save(doc, out / f"{project.code}-price-approval.docx")


def _values(f) -> str:
    if f.add_per_step is not None:
        return f"自{f.start}层起每层{f.add_per_step:+}元/㎡"
    if f.times_per_step is not None:
        return f"自{f.start}层起每层系数+{f.times_per_step}"
    table = f.times or f.add
    return "；".join(f"{k}: {'×' if f.times else ''}{v}" for k, v in table.items())


def _summary_row(label: str, ps: list[Priced]) -> list[str]:
    f = figures(ps)
    prices = [p.unit.list_unit_price for p in ps]
    return [label, str(len(ps)), format_yuan(f["area"]), format_yuan(f["average_unit_price"]),
            format_yuan(min(prices)), format_yuan(max(prices)), format_yuan(f["total"])]  # fmt: skip


def _cdate(d) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


_ROUNDING = {"yuan": "到元", "ten": "到十元", "fen": "到分"}
_BY = {"floor": "楼层", "orientation": "朝向", "layout": "户型", "building": "楼栋", "room": "房号",
       "position": "户位", "unit": "逐户"}  # fmt: skip
_TARGET = {"average_unit_price": "均价", "total": "总货值", "tolerance_pct": "允许偏差%"}
ZERO = Decimal(0)
PUBLIC_STATUS = {"待售": "可售", "已认购": "已售", "已签约": "已售", "已备案": "已售", "销控": "暂不销售"}
