"""The period workbook's further sheets: weeks, scopes, team, signing lag, expired 认购, ageing, discounts."""

from __future__ import annotations

from typing import Any

from toolkit.domain.targets import MEASURES
from toolkit.reports.period import Report
from toolkit.reports.period_xlsx import _head

YUAN = "#,##0"
PCT = "0.0%"
FORMATS = {"认购套数": "0", "签约套数": "0"}


def _num(v: Any):
    return None if v is None else float(v)


def _formats(ws, n: int, formats: dict[str, str]) -> None:
    for col, fmt in formats.items():
        ws[f"{col}{n}"].number_format = fmt


def weeks(ws, r: Report) -> None:
    """周进度: each week's 认购, 签约 and 回款 beside the week's targets, rates as formulas."""
    _head(
        ws,
        "分周目标达成",
        ["周", "起", "止", "认购套数", "目标", "签约金额", "目标", "达成率", "回款", "目标", "达成率"],
    )
    first = n = 3
    for w in r.weeks:
        t = w["target"] or {}
        a = w["actual"]
        ws.append(
            [w["week"], w["start"].isoformat(), w["end"].isoformat(), int(a["认购套数"]), _num(t.get("认购套数")),
             float(a["签约金额"]), _num(t.get("签约金额")), f'=IF(G{n}>0,F{n}/G{n},"")',
             float(a["回款"]), _num(t.get("回款")), f'=IF(J{n}>0,I{n}/J{n},"")']
        )  # fmt: skip
        _formats(ws, n, {"F": YUAN, "G": YUAN, "H": PCT, "I": YUAN, "J": YUAN, "K": PCT})
        n += 1
    ws.append(["合计", None, None] + [f"=SUM({c}{first}:{c}{n - 1})" if r.weeks else 0 for c in "DEFG"])
    ws[f"I{n}"], ws[f"J{n}"] = f"=SUM(I{first}:I{n - 1})", f"=SUM(J{first}:J{n - 1})"
    _formats(ws, n, {"F": YUAN, "G": YUAN, "I": YUAN, "J": YUAN})


def scopes(ws, r: Report) -> None:
    """分项目标: each building and product, every measure against its target."""
    _head(ws, "楼栋与产品目标达成", ["范围", "名称", "指标", "本期实际", "本期目标", "达成率", "年累计", "年目标"])
    n = 3
    for x in r.scopes:
        ws.append([x["kind"], x["scope"], x["measure"], float(x["actual"]), _num(x["target"]),
                   f'=IF(E{n}>0,D{n}/E{n},"")', float(x["ytd_actual"]), _num(x["ytd_target"])])  # fmt: skip
        fmt = FORMATS.get(x["measure"], YUAN)
        _formats(ws, n, {"D": fmt, "E": fmt, "F": PCT, "G": fmt, "H": fmt})
        n += 1


def team(ws, r: Report) -> None:
    """顾问业绩: sales by consultant, every measure, the 签约 target and its rate."""
    _head(ws, "置业顾问业绩", ["顾问", "排名", *MEASURES, "签约金额目标", "签约达成率"])
    first = n = 3
    for c in r.team:
        ws.append([c["name"], c["rank"], *[float(c[m]) for m in MEASURES], _num(c["targets"]["签约金额"]),
                   f'=IF(H{n}>0,F{n}/H{n},"")'])  # fmt: skip
        _formats(ws, n, {"D": YUAN, "F": YUAN, "G": YUAN, "H": YUAN, "I": PCT})
        n += 1
    ws.append(["合计", None] + [f"=SUM({c}{first}:{c}{n - 1})" if r.team else 0 for c in "CDEFG"])
    _formats(ws, n, {"D": YUAN, "F": YUAN, "G": YUAN})


def signing(ws, r: Report) -> None:
    """签约周期: days from 认购 to 签约 of each contract of the period, days past the deadline."""
    _head(ws, "认购至签约周期", ["成交编号", "房号", "顾问", "认购日期", "签约日期", "天数", "签约期限", "逾期天数"])
    first = n = 3
    for x in r.signing["deals"]:
        ws.append([x["deal_no"], x["unit"], x["consultant"], x["subscribe_date"], x["sign_date"], x["days"],
                   x["sign_deadline"], x["late_days"]])  # fmt: skip
        n += 1
    ws.append(["平均", None, None, None, None, f"=AVERAGE(F{first}:F{n - 1})" if r.signing["deals"] else ""])
    ws[f"F{n}"].number_format = "0.0"


def expired(ws, r: Report) -> None:
    """逾期认购: 认购 past the signing deadline on the period's last day, without a contract."""
    _head(
        ws,
        f"逾期未签约认购（截至{r.period.end}）",
        ["成交编号", "房号", "顾问", "认购日期", "签约期限", "逾期天数", "总价"],
    )
    for n, x in enumerate(r.expired, start=3):
        ws.append([x["deal_no"], x["unit"], x["consultant"], x["subscribe_date"], x["sign_deadline"], x["days_over"],
                   float(x["total"])])  # fmt: skip
        ws[f"G{n}"].number_format = YUAN
    if not r.expired:
        ws.append(["无"])


def ageing(ws, r: Report) -> None:
    """应收账龄: the buyers' unpaid instalments by the payment plans, and the totals by age."""
    rec = r.receivables
    _head(
        ws,
        f"应收账龄（截至{r.period.end}）",
        ["成交编号", "房号", "顾问", "款项", "应付日期", "应付金额", "未付", "逾期天数", "账龄"],
    )
    first = n = 3
    for x in rec["ageing"]:
        ws.append([x["deal_no"], x["unit"], x["consultant"], x["item"], x["due"], float(x["amount"]),
                   float(x["outstanding"]), x["days_overdue"], x["bucket"]])  # fmt: skip
        _formats(ws, n, {"F": YUAN, "G": YUAN})
        n += 1
    ws.append([])
    ws.append(["账龄", "未付金额"])
    for bucket in rec["buckets"]:
        m = ws.max_row + 1
        ws.append([bucket, f"=SUMIF(I{first}:I{max(n - 1, first)},A{m},G{first}:G{max(n - 1, first)})"])
        ws[f"B{m}"].number_format = YUAN
    ws.append(["按揭未放款", float(rec["mortgage_pending"])])
    ws[f"B{ws.max_row}"].number_format = YUAN


def discounts(ws, r: Report) -> None:
    """优惠: the yuan each kind of discount gave, and the extra ones by approver."""
    _head(ws, "优惠使用（本期认购）", ["优惠", "类别", "笔数", "金额"])
    first = n = 3
    for x in r.discounts["by_kind"]:
        ws.append([x["name"], x["kind"], x["deals"], float(x["amount"])])
        ws[f"D{n}"].number_format = YUAN
        n += 1
    ws.append(["合计", None, None, f"=SUM(D{first}:D{n - 1})" if r.discounts["by_kind"] else 0])
    ws[f"D{n}"].number_format = YUAN
    ws.append([])
    ws.append(["审批人", "岗位", "笔数", "金额", "最高折扣"])
    for x in r.discounts["by_approver"]:
        ws.append([x["approver"], x["role"], x["deals"], float(x["amount"]), float(x["max_rate_pct"]) / 100])
        ws[f"D{ws.max_row}"].number_format, ws[f"E{ws.max_row}"].number_format = YUAN, "0.0%"
