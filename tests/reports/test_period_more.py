"""Targets per building, product and week (project.yaml and targets.xlsx), sales by consultant, signing lag,
expired 认购, receivables aged by the payment plans, discounts by kind and approver: each against figures computed
by hand from the scripted November (tests/reports/conftest.py)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal as D
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from toolkit import api, report_api
from toolkit.domain.targets import Targets, targets_from_data
from toolkit.domain.targets_xlsx import read_targets
from toolkit.errors import InputFileError
from toolkit.ledger import analytics as q
from toolkit.reports.period_money import bucket, instalments_due


@pytest.fixture
def november(month):
    ws, _ = month
    return report_api.report_period(ws, period="2026-11")[0]


def _scope(r, kind, name, measure):
    return next(x for x in r.scopes if (x["kind"], x["scope"], x["measure"]) == (kind, name, measure))


def test_targets_per_building_and_product(november):
    r = november
    one = _scope(r, "楼栋", "1", "签约金额")  # 1-1801: 7,154,424 against 8,000,000
    assert (one["actual"], one["target"], one["rate"]) == (D("7154424"), D("8000000"), D("89.4"))
    assert _scope(r, "楼栋", "2", "签约金额")["rate"] == D("101.3")  # 2-2301: 7,090,181 / 7,000,000
    assert _scope(r, "楼栋", "3", "认购套数")["rate"] == D("100.0")  # 3-1503, refunded later, was subscribed
    assert _scope(r, "楼栋", "3", "签约套数")["rate"] == D("0.0")
    assert _scope(r, "楼栋", "3", "回款")["actual"] == D("80000") and _scope(r, "楼栋", "3", "回款")["target"] is None
    # products are layouts: 1-1801 and 2-2301 are 3室2厅2卫, 3-1503 is 4室2厅2卫
    assert _scope(r, "产品", "3室2厅2卫", "签约金额")["rate"] == D("101.7")  # 14,244,605 / 14,000,000
    assert _scope(r, "产品", "4室2厅2卫", "认购套数")["rate"] == D("50.0")
    assert _scope(r, "楼栋", "1", "回款")["actual"] == D("2146327")  # 50,000 + 2,096,327


def test_weeks_of_the_month_against_the_weekly_targets_of_the_workbook(november):
    weeks = {w["week"]: w for w in november.weeks}
    assert list(weeks) == ["2026-W44", "2026-W45", "2026-W46", "2026-W47", "2026-W48", "2026-W49"]
    assert (weeks["2026-W44"]["start"], weeks["2026-W44"]["end"]) == (dt.date(2026, 11, 1), dt.date(2026, 11, 1))
    w45 = weeks["2026-W45"]  # 0001 and 0002 subscribed, 0001 signed, three receipts
    assert (w45["actual"]["认购套数"], w45["actual"]["签约金额"], w45["actual"]["回款"]) == (
        2,
        D("7154424"),
        D("2246327"),
    )
    assert w45["target"]["签约金额"] == D("7000000")  # examples/cuihu/targets.xlsx
    assert weeks["2026-W47"]["actual"]["签约金额"] == D("7090181")
    assert weeks["2026-W44"]["target"] is None and weeks["2026-W49"]["target"] is None
    for measure in ("认购套数", "签约金额", "回款"):
        month = next(x for x in november.progress if x["measure"] == measure)["actual"]
        assert sum((w["actual"][measure] for w in november.weeks), D(0)) == month


def test_a_weekly_report_reads_its_week_target(month):
    ws, _ = month
    r, _ = report_api.report_period(ws, period="2026-W46")
    row = {x["measure"]: x for x in r.progress}
    assert (row["认购套数"]["target"], row["认购套数"]["rate"]) == (D("1"), D("100.0"))
    assert (row["回款"]["actual"], row["回款"]["rate"]) == (D("80000"), D("16.0"))  # 80,000 / 500,000


def _book(path: Path, rows, sheet="目标"):
    wb = Workbook()
    wb.active.title = sheet
    wb.active.append(["期间", "范围", "名称", "认购套数", "签约金额", "回款"])
    for row in rows:
        wb.active.append(row)
    wb.save(path)
    return path


def test_the_targets_workbook_is_read(tmp_path):
    t = read_targets(
        _book(
            tmp_path / "t.xlsx",
            [["2026-W47", "项目", None, 2, "7,000,000", None], ["2026-12", "楼栋", 1, 1, None, 500000],
             [dt.datetime(2026, 12, 1), "顾问", "李娜", 1, 3000000, None]],
        )
    )  # fmt: skip
    assert t.get(["2026-W47"]) == {"认购套数": D(2), "签约金额": D("7000000")}  # an empty cell sets no target
    assert t.get(["2026-12"], "楼栋", "1") == {"认购套数": D(1), "回款": D(500000)}
    assert t.get(["2026-12"], "顾问", "李娜")["签约金额"] == D(3000000)  # a date typed in 期间 is its month


@pytest.mark.parametrize(
    ("rows", "sheet", "message"),
    [
        (
            [["2026-11", "项目", None, 1, "很多", None]],
            "目标",
            "工作表“目标” 单元格E2（签约金额）”：应为数字，实际为很多",
        ),
        ([["2026-11", "项目", None, -1, 0, 0]], "目标", "单元格D2（认购套数）”：应为不小于零的数"),
        ([["2026-11", "片区", "南", 1, 0, 0]], "目标", "单元格B2”：应为项目、楼栋、产品、顾问，实际为片区"),
        ([["11月", "项目", None, 1, 0, 0]], "目标", "单元格A2”：应为月份如 2026-11 或周如 2026-W47，实际为11月"),
        ([["2026-11", "楼栋", None, 1, 0, 0]], "目标", "单元格C2”：应为楼栋名称"),
        ([["2026-11", "项目", None, 1, 0, 0], ["2026-11", "项目", None, 2, 0, 0]], "目标", "单元格A3"),
        ([], "Sheet1", "工作表“目标””：应为名为“目标”的工作表，实际为Sheet1"),
    ],
)
def test_a_bad_targets_workbook_names_the_file_sheet_and_cell(tmp_path, rows, sheet, message):
    path = _book(tmp_path / "targets.xlsx", rows, sheet)
    with pytest.raises(InputFileError) as e:
        read_targets(path)
    assert str(e.value).startswith(str(path)) and message in str(e.value)


def test_a_target_set_twice_is_refused(tmp_path):
    yaml_targets = targets_from_data({"targets": {"2026-11": {"项目": {"回款": 1}}}}, "project.yaml")
    book = read_targets(_book(tmp_path / "targets.xlsx", [["2026-11", "项目", None, 1, None, None]]))
    with pytest.raises(InputFileError, match="字段“2026-11 项目 项目”：应为只设一次"):
        yaml_targets.merged(book, "targets.xlsx")
    assert Targets().merged(book, "x").get(["2026-11"]) == {"认购套数": D(1)}


def test_building_product_and_week_targets_in_project_yaml():
    t = targets_from_data(
        {"targets": {"2026-W47": {"楼栋": {"1": {"签约套数": 1}}, "产品": {"3室2厅2卫": {"回款": 5}}, "顾问": {"孙悦": {"回款": 2}}}}},
        "project.yaml",
    )  # fmt: skip
    assert t.get(["2026-W47"], "楼栋", "1") == {"签约套数": D(1)} and t.get(["2026-W47"], "顾问", "孙悦") == {
        "回款": D(2)
    }
    with pytest.raises(InputFileError, match="targets.2026-W60"):
        targets_from_data({"targets": {"2026-W60": {}}}, "project.yaml")
    with pytest.raises(InputFileError, match="targets.2026-11.楼栋”：应为按楼栋列出的目标"):
        targets_from_data({"targets": {"2026-11": {"楼栋": 5}}}, "project.yaml")


def test_the_ledger_keeps_consultant_dates_plan_and_discounts(month):
    ws, _ = month
    s = api.sales(ws)
    try:
        one, two = s.deal("CHY-2026-0001"), s.deal("CHY-2026-0002")
    finally:
        s.close()
    assert (one["salesperson"], one["sign_deadline"], one["sign_date"]) == ("李娜", "2026-11-10", "2026-11-08")
    assert (two["salesperson"], two["sign_date"]) == ("赵磊", "2026-11-20")
    # after the 换房 to 2-2301 the plan is the new unit's: 7,090,181 less the 100,000 定金, due 11-25
    assert [(x["item"], x["amount"], x["due"]) for x in json.loads(two["plan"])] == [
        ("定金", "100000", "2026-11-05"),
        ("房款（扣除定金后）", "6990181", "2026-11-25"),
    ]
    assert [(x["name"], x["amount"], x["approved_by"]) for x in json.loads(one["discounts"])] == [
        ("按揭付款优惠", "73734.22", ""),  # 7,373,421.60 x 1 %
        ("开盘优惠", "72996.87", ""),  # 7,299,687.38 x 1 %
        ("额外优惠", "72266.91", "周敏"),  # 7,226,690.51 x 1 %, leaving 7,154,423.60 -> 7,154,424
    ]


def test_a_deal_signed_before_the_ledger_kept_the_date_is_found_by_its_event(month):
    ws, _ = month
    s = api.sales(ws)
    try:
        s.db.execute("UPDATE deals SET sign_date=NULL WHERE deal_no='CHY-2026-0001'")
        rows = q.signings(s.reports_connection(), "2026-11-01", "2026-11-30")
    finally:
        s.close()
    assert [(x["deal_no"], x["date"]) for x in rows] == [
        ("CHY-2026-0001", "2026-11-08"),
        ("CHY-2026-0002", "2026-11-20"),
    ]


def test_sales_by_consultant(november):
    team = {c["name"]: c for c in november.team}
    assert [c["name"] for c in november.team] == ["李娜", "赵磊", "孙悦"]  # ranked by 签约金额
    assert [team["李娜"][m] for m in ("认购套数", "认购金额", "签约金额", "回款")] == [
        1,
        D("7154424"),
        D("7154424"),
        D("2146327"),
    ]
    assert [team["赵磊"][m] for m in ("认购金额", "签约套数", "回款")] == [D("7090181"), 1, D("100000")]
    assert [team["孙悦"][m] for m in ("认购金额", "签约套数", "回款")] == [D("8782444"), 0, D("80000")]
    assert team["赵磊"]["targets"]["签约金额"] == D("13000000") and team["孙悦"]["targets"]["签约金额"] is None


def test_signing_lag(november):
    s = november.signing
    assert [(x["deal_no"], x["days"], x["late_days"]) for x in s["deals"]] == [
        ("CHY-2026-0001", 5, 0),  # 11-03 -> 11-08, deadline 11-10
        ("CHY-2026-0002", 15, 8),  # 11-05 -> 11-20, deadline 11-12
    ]
    assert (s["avg_days"], s["max_days"], s["late"]) == (D("10.0"), 15, 1)
    assert s["by_consultant"] == {"李娜": D("5.0"), "赵磊": D("15.0")}


def test_an_expired_subscription_is_listed_with_its_rule(month):
    ws, _ = month
    r, _ = report_api.report_period(ws, period="2026-W46")  # on 11-15, 0002 (deadline 11-12) is not signed
    assert [(x["deal_no"], x["consultant"], x["days_over"]) for x in r.expired] == [("CHY-2026-0002", "赵磊", 3)]
    [f] = r.findings
    assert (f.rule, f.severity, f.document) == ("subscription.expired", "warning", "CHY-2026-0002")
    assert "逾期3天未签约" in f.message and r.as_json()["findings"][0]["rule"] == "subscription.expired"


def test_no_expired_subscription_when_every_deal_is_signed_or_refunded(month, november):
    ws, _ = month
    assert november.expired == [] and november.findings == []  # 0002 signed on 11-20, 0003 refunded on 11-15
    r, _ = report_api.report_period(ws, period="2026-W45")  # on 11-08 no deadline has passed
    assert r.expired == [] and r.findings == []


def test_receivables_aged_by_the_payment_plans(month, november):
    rec = november.receivables
    assert [(x["deal_no"], x["item"], x["outstanding"], x["days_overdue"], x["bucket"]) for x in rec["ageing"]] == [
        ("CHY-2026-0002", "房款（扣除定金后）", D("6990181"), 5, "逾期1-30天")  # due 11-25, only the 定金 paid
    ]  # 0001 paid its 定金 and 首付款: what is left is the loan
    assert rec["buckets"]["逾期1-30天"] == D("6990181") and rec["overdue_total"] == D("6990181")
    assert rec["mortgage_pending"] == D("5008097")  # 7,154,424 less the 30 % down payment of 2,146,327
    ws, _ = month
    week, _ = report_api.report_period(ws, period="2026-W46")
    assert [x["bucket"] for x in week.receivables["ageing"]] == ["未到期"] and week.receivables["overdue_total"] == 0


def test_paid_money_settles_the_instalments_in_order():
    plan = [
        {"item": "定金", "amount": "50000", "due": "2026-11-01", "loan": False},
        {"item": "第一期房款", "amount": "100000", "due": "2026-11-10", "loan": False},
        {"item": "第二期房款", "amount": "100000", "due": "2026-12-10", "loan": False},
        {"item": "贷款", "amount": "500000", "due": None, "loan": True},
    ]
    deal = {"deal_no": "X", "unit": "1-0201", "plan": plan, "paid": D("120000")}
    rows = instalments_due(deal, dt.date(2026, 11, 30), "李娜")
    assert [(x["item"], x["outstanding"], x["days_overdue"], x["bucket"]) for x in rows] == [
        ("第一期房款", D("30000"), 20, "逾期1-30天"),
        ("第二期房款", D("100000"), 0, "未到期"),
    ]
    assert [bucket(d) for d in (0, 1, 30, 31, 60, 61, 90, 91)] == [
        "未到期", "逾期1-30天", "逾期1-30天", "逾期31-60天", "逾期31-60天", "逾期61-90天", "逾期61-90天", "逾期90天以上",
    ]  # fmt: skip


def test_discounts_by_kind_and_approver(november):
    kinds = {x["name"]: (x["deals"], x["amount"]) for x in november.discounts["by_kind"]}
    assert kinds == {
        "一次性付款优惠": (1, D("221498.93")),  # 0002 on 2-2301: 7,383,297.60 x 3 %
        "开盘优惠": (3, D("235136.86")),  # 72,996.87 + 71,617.99 + 90,522.00
        "按揭付款优惠": (1, D("73734.22")),
        "额外优惠": (2, D("251500.47")),  # 72,266.91 (周敏, 1 %) + 179,233.56 (王强, 2 % of 8,961,678)
    }
    assert [(x["approver"], x["role"], x["amount"], x["max_rate_pct"]) for x in november.discounts["by_approver"]] == [
        ("周敏", "案场经理", D("72266.91"), D("1")),
        ("王强", "销售经理", D("179233.56"), D("2")),
    ]


def test_the_queries_select_one_project_of_a_shared_ledger(month):
    """Two projects in one ledger with the same deal numbers: each project's queries see its own rows only."""
    ws, _ = month
    s = api.sales(ws)
    try:
        db = s.db
        cols = ", ".join(c for c in db.columns("deals") if c != "project")
        db.execute(
            f"INSERT INTO deals(project, {cols}) SELECT 'OTH', {cols} FROM deals "
            "WHERE deal_no IN ('CHY-2026-0001', 'CHY-2026-0003')"
        )
        db.execute(
            "UPDATE deals SET status='已认购', total='1', salesperson='外人', sign_date=NULL WHERE project='OTH'"
        )
        db.execute("UPDATE receipts SET project='OTH' WHERE no='SJ0004'")
        chy, oth = q.Scope(db, "CHY"), q.Scope(db, "OTH")
        assert [(d["deal_no"], d["total"]) for d in q.subscriptions(oth, "2026-11-01", "2026-11-30")] == [
            ("CHY-2026-0001", D(1)),
            ("CHY-2026-0003", D(1)),
        ]
        assert len(q.subscriptions(chy, "2026-11-01", "2026-11-30")) == 3
        # OTH's 0001 has no 签约 date: its unit's 已签约 event is CHY's, and must not be joined to it
        assert q.signings(oth, "2026-11-01", "2026-11-30") == []
        db.execute("UPDATE deals SET sign_date=NULL WHERE project='CHY' AND deal_no='CHY-2026-0001'")
        assert [(x["deal_no"], x["total"]) for x in q.signings(chy, "2026-11-01", "2026-11-30")] == [
            ("CHY-2026-0001", D("7154424")),
            ("CHY-2026-0002", D("7090181")),
        ]
        mine = q.receipts(chy, "2026-11-01", "2026-11-30")
        assert sum(r["amount"] for r in mine) == D("2246327") and "外人" not in {r["salesperson"] for r in mine}
        assert [r["no"] for r in q.receipts(oth, "2026-11-01", "2026-11-30")] == ["SJ0004"]
        assert [(d["deal_no"], d["paid"]) for d in q.open_deals(oth, "2026-11-30")] == [
            ("CHY-2026-0001", D(0)),  # CHY's receipts for its own 0001 are not OTH's
            ("CHY-2026-0003", D(80000)),  # SJ0004, moved to OTH
        ]
        # CHY's 0003 was refunded: OTH's 0003 was not, and is an expired 认购 of OTH
        assert [d["deal_no"] for d in q.expired(oth, "2026-11-30")] == ["CHY-2026-0001", "CHY-2026-0003"]
        assert q.changes(oth, "2026-11-01", "2026-11-30") == [] and q.unit_statuses(oth) == {}
        assert len(q.changes(chy, "2026-11-01", "2026-11-30")) == 2
    finally:
        s.close()
    r, _ = report_api.report_period(ws, period="2026-11")  # the report selects its project's code
    got = {x["measure"]: x["actual"] for x in r.progress}
    assert (got["认购套数"], got["签约金额"], got["回款"]) == (3, D("14244605"), D("2246327"))


def test_the_new_sheets_hold_the_figures_and_formulas(month, tmp_path):
    ws, _ = month
    _, files = report_api.report_period(ws, period="2026-11", out=tmp_path / "o", pdf=False)
    wb = load_workbook(files[0])
    weeks = wb["周进度"]
    w45 = next(r for r in weeks.iter_rows(min_row=3) if r[0].value == "2026-W45")
    assert (w45[5].value, w45[6].value, w45[7].value) == (7154424, 7000000, '=IF(G4>0,F4/G4,"")')
    total = next(r for r in weeks.iter_rows(min_row=3) if r[0].value == "合计")
    assert total[5].value == "=SUM(F3:F8)"
    ageing = wb["应收账龄"]
    assert ageing["G3"].value == 6990181 and ageing["I3"].value == "逾期1-30天"
    assert any(r[1].value == "=SUMIF(I3:I3,A7,G3:G3)" for r in ageing.iter_rows(min_row=4))
    assert wb["优惠"]["D7"].value == "=SUM(D3:D6)"
    assert wb["逾期认购"]["A3"].value == "无" and wb["签约周期"]["F5"].value == "=AVERAGE(F3:F4)"
    assert [c.value for c in wb["顾问业绩"][3][:4]] == ["李娜", 1, 1, 7154424]


def test_the_analysis_page_draws_the_tables(november):
    import matplotlib.pyplot as plt

    from toolkit.reports.period_pdf import figures

    page = figures(november)[1]
    axes = {a.get_gid(): a for a in page.axes}
    weeks = [round(p.get_height()) for p in axes["weeks"].patches if p.get_gid() == "week_actual"]
    assert weeks == [0, 715, 0, 709, 0, 0]  # 万元 of 签约 per week
    ageing = [round(p.get_height()) for p in axes["ageing"].patches]
    assert ageing == [0, 699, 0, 0, 0, 501]  # 6,990,181 overdue 1-30 days; 5,008,097 按揭 not disbursed
    team = [round(p.get_width()) for p in axes["team"].patches if p.get_gid() == "team_签约金额"]
    assert team == [0, 709, 715]  # drawn bottom-up: 孙悦, 赵磊, 李娜
    plt.close("all")


def test_an_empty_period_has_empty_new_tables(month):
    ws, _ = month
    r, _ = report_api.report_period(ws, period="2026-03")
    assert r.expired == [] and r.signing["deals"] == [] and r.receivables["ageing"] == []
    assert r.discounts == {"by_kind": [], "by_approver": []} and all(w["actual"]["回款"] == 0 for w in r.weeks)


def test_the_daily_report_builds_its_findings_through_the_registry(month):
    from toolkit import rules
    from toolkit.reports import daily

    ws, _ = month
    s = api.sales(ws)
    try:
        d = daily.daily(s, "2026-11-03")  # 50,000 by transfer, no bank credit recorded
    finally:
        s.close()
    [f] = [f for f in d.findings if f.rule == "cash.unreconciled"]
    assert (f.severity, f.source) == ("error", rules.rule("cash.unreconciled").source)
    assert (f.location, f.expected, f.found) == ("刷卡及转账收款与银行入账", "50,000.00", "0.00")
