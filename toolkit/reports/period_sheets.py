"""The period workbook's further sheets: weeks, scopes, team, signing lag, expired 认购, ageing, discounts."""

from __future__ import annotations

from toolkit.domain.targets import MEASURES
from toolkit.reports.period import Report
from toolkit.reports.period_xlsx import PCT, YUAN, Sheet, head, num

COUNTS = ("认购套数", "签约套数")


def weeks(sh: Sheet, r: Report) -> None:
    """周进度: each week's 认购, 签约 and 回款 beside the week's targets, rates as formulas."""
    head(
        sh,
        "分周目标达成",
        ["周", "起", "止", "认购套数", "目标", "签约金额", "目标", "达成率", "回款", "目标", "达成率"],
    )
    first = sh.n
    for w in r.weeks:
        t, a, n = w["target"] or {}, w["actual"], sh.n
        sh.add(
            [w["week"], w["start"].isoformat(), w["end"].isoformat(), int(a["认购套数"]), num(t.get("认购套数")),
             float(a["签约金额"]), num(t.get("签约金额")), f'=IF(G{n}>0,F{n}/G{n},"")',
             float(a["回款"]), num(t.get("回款")), f'=IF(J{n}>0,I{n}/J{n},"")'],
            {"F": YUAN, "G": YUAN, "H": PCT, "I": YUAN, "J": YUAN, "K": PCT},
        )  # fmt: skip
    last = sh.n - 1
    sums = [f"=SUM({c}{first}:{c}{last})" if r.weeks else 0 for c in "DEFG"]
    sh.add(
        ["合计", None, None, *sums, None, f"=SUM(I{first}:I{last})", f"=SUM(J{first}:J{last})"],
        {"F": YUAN, "G": YUAN, "I": YUAN, "J": YUAN},
    )


def scopes(sh: Sheet, r: Report) -> None:
    """楼栋产品: each building and product, every measure against its target."""
    head(sh, "楼栋与产品目标达成", ["范围", "名称", "指标", "本期实际", "本期目标", "达成率", "年累计", "年目标"])
    for x in r.scopes:
        n, fmt = sh.n, "0" if x["measure"] in COUNTS else YUAN
        sh.add(
            [x["kind"], x["scope"], x["measure"], float(x["actual"]), num(x["target"]), f'=IF(E{n}>0,D{n}/E{n},"")',
             float(x["ytd_actual"]), num(x["ytd_target"])],
            {"D": fmt, "E": fmt, "F": PCT, "G": fmt, "H": fmt},
        )  # fmt: skip


def team(sh: Sheet, r: Report) -> None:
    """顾问业绩: sales by consultant, every measure, the 签约 target and its rate."""
    head(sh, "置业顾问业绩", ["顾问", "排名", *MEASURES, "签约金额目标", "签约达成率"])
    first = sh.n
    for c in r.team:
        n = sh.n
        sh.add(
            [c["name"], c["rank"], *[float(c[m]) for m in MEASURES], num(c["targets"]["签约金额"]),
             f'=IF(H{n}>0,F{n}/H{n},"")'],
            {"D": YUAN, "F": YUAN, "G": YUAN, "H": YUAN, "I": PCT},
        )  # fmt: skip
    sums = [f"=SUM({c}{first}:{c}{sh.n - 1})" if r.team else 0 for c in "CDEFG"]
    sh.add(["合计", None, *sums], {"D": YUAN, "F": YUAN, "G": YUAN})


def signing(sh: Sheet, r: Report) -> None:
    """签约周期: days from 认购 to 签约 of each contract of the period, days past the deadline."""
    head(sh, "认购至签约周期", ["成交编号", "房号", "顾问", "认购日期", "签约日期", "天数", "签约期限", "逾期天数"])
    first = sh.n
    for x in r.signing["deals"]:
        keys = ("deal_no", "unit", "consultant", "subscribe_date", "sign_date", "days", "sign_deadline", "late_days")
        sh.add([x[k] for k in keys])
    average = f"=AVERAGE(F{first}:F{sh.n - 1})" if r.signing["deals"] else ""
    sh.add(["平均", None, None, None, None, average], {"F": "0.0"})


def expired(sh: Sheet, r: Report) -> None:
    """逾期认购: 认购 past the signing deadline on the period's last day, without a contract."""
    head(
        sh,
        f"逾期未签约认购（截至{r.period.end}）",
        ["成交编号", "房号", "顾问", "认购日期", "签约期限", "逾期天数", "总价"],
    )
    for x in r.expired:
        keys = ("deal_no", "unit", "consultant", "subscribe_date", "sign_deadline", "days_over")
        sh.add([*(x[k] for k in keys), float(x["total"])], {"G": YUAN})
    if not r.expired:
        sh.add(["无"])


def ageing(sh: Sheet, r: Report) -> None:
    """应收账龄: the buyers' unpaid instalments by the payment plans, and the totals by age."""
    rec = r.receivables
    title = f"应收账龄（截至{r.period.end}）"
    head(sh, title, ["成交编号", "房号", "顾问", "款项", "应付日期", "应付金额", "未付", "逾期天数", "账龄"])
    first = sh.n
    for x in rec["ageing"]:
        sh.add(
            [x["deal_no"], x["unit"], x["consultant"], x["item"], x["due"], float(x["amount"]),
             float(x["outstanding"]), x["days_overdue"], x["bucket"]],
            {"F": YUAN, "G": YUAN},
        )  # fmt: skip
    last = max(sh.n - 1, first)
    sh.add([])
    sh.add(["账龄", "未付金额"])
    for bucket in rec["buckets"]:
        sh.add([bucket, f"=SUMIF(I{first}:I{last},A{sh.n},G{first}:G{last})"], {"B": YUAN})
    sh.add(["按揭未放款", float(rec["mortgage_pending"])], {"B": YUAN})


def discounts(sh: Sheet, r: Report) -> None:
    """优惠: the yuan each kind of discount gave, and the extra ones by approver."""
    head(sh, "优惠使用（本期认购）", ["优惠", "类别", "笔数", "金额"])
    first = sh.n
    for x in r.discounts["by_kind"]:
        sh.add([x["name"], x["kind"], x["deals"], float(x["amount"])], {"D": YUAN})
    sh.add(["合计", None, None, f"=SUM(D{first}:D{sh.n - 1})" if r.discounts["by_kind"] else 0], {"D": YUAN})
    sh.add([])
    sh.add(["审批人", "岗位", "笔数", "金额", "最高折扣"])
    for x in r.discounts["by_approver"]:
        row = [x["approver"], x["role"], x["deals"], float(x["amount"]), float(x["max_rate_pct"]) / 100]
        sh.add(row, {"D": YUAN, "E": "0.0%"})
