"""The monthly and weekly reports over a scripted month: every table against figures computed by hand."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal as D

import pytest
from openpyxl import load_workbook

from toolkit import api, report_api
from toolkit.domain.targets import targets_from_data
from toolkit.errors import InputFileError, UsageError
from toolkit.reports import daily
from toolkit.reports.period import parse_period


def _row(r, measure):
    return next(x for x in r.progress if x["measure"] == measure)


def test_progress_against_target(month):
    ws, _ = month
    r, _ = report_api.report_period(ws, period="2026-11")
    # 认购 at current terms: 7,154,424 (1-1801) + 7,090,181 (2-2301 after 换房) + 8,782,444 (3-1503, later 退房)
    assert (_row(r, "认购套数")["actual"], _row(r, "认购金额")["actual"]) == (3, D("23027049"))
    assert _row(r, "认购金额")["rate"] == D("82.2")  # 23,027,049 / 28,000,000
    # 签约: 1-1801 on 11-08 and 2-2301 on 11-20
    assert _row(r, "签约金额")["actual"] == D("14244605")
    assert _row(r, "签约金额")["rate"] == D("67.8")  # / 21,000,000
    assert _row(r, "签约金额")["ytd_target"] == D("31000000")  # October's 10,000,000 + November's
    assert _row(r, "签约金额")["ytd_rate"] == D("46.0")
    assert _row(r, "回款")["actual"] == D("2326327")  # 50,000 + 100,000 + 2,096,327 + 80,000
    assert _row(r, "回款")["rate"] == D("77.5")


def test_consultants_ranked(month):
    ws, _ = month
    r, _ = report_api.report_period(ws, period="2026-11")
    assert [(c["scope"], c["actual"], c["rank"]) for c in r.consultants] == [
        ("李娜", D("7154424"), 1),
        ("赵磊", D("7090181"), 2),
        ("孙悦", D("0"), 3),
    ]
    assert r.consultants[0]["rate"] == D("89.4")  # 7,154,424 / 8,000,000
    assert r.consultants[2]["target"] is None


def test_sell_through_velocity_conversion_receivables(month):
    ws, _ = month
    r, _ = report_api.report_period(ws, period="2026-11")
    # 销控 1 unit left out; 423 on sale, 6 sold: 2 subscribed + 2 signed in the price list, 1-1801 and 2-2301
    total = sum(g["on_sale"] for g in r.sell_through["楼栋"])
    assert (total, sum(g["sold"] for g in r.sell_through["楼栋"])) == (423, 6)
    assert r.velocity["subscribed"] == 3 and r.velocity["per_week"] == D("0.70")  # 3 / (30/7)
    assert r.velocity["left"] == 417
    assert r.velocity["sellout"] == dt.date(2026, 11, 30) + dt.timedelta(days=4170)  # 417 / 0.70 weeks
    c = r.conversion
    assert (c["subscribed"], c["signed"], c["rate"], c["avg_days"]) == (3, 2, D("66.7"), D("10.0"))  # 5 and 15 days
    assert (c["room_changes"], c["refunds"], c["refund_reasons"]) == (1, 1, {"买受人原因": 1})
    owed = {d["deal_no"]: d["owed"] for d in r.receivables["owed"]}
    assert owed == {"CHY-2026-0001": D("5008097"), "CHY-2026-0002": D("6990181")}
    assert r.receivables["mortgage_pending"] == D("5008097")  # 0002 pays in instalments, not by loan


def test_the_month_equals_the_sum_of_its_daily_reports(month, monkeypatch):
    ws, _ = month
    r, _ = report_api.report_period(ws, period="2026-11")
    s = api.sales(ws)
    try:
        days = [daily.daily(s, d) for d in r.period.days()]
    finally:
        s.ledger.close()
    for kind, measure in (("认购", "认购金额"), ("签约", "签约金额")):
        assert sum((d.sales[kind]["amount"] for d in days), D(0)) == _row(r, measure)["actual"]
        assert sum(d.sales[kind]["count"] for d in days) == _row(r, measure.replace("金额", "套数"))["actual"]
    assert sum((sum(d.by_kind.values(), D(0)) for d in days), D(0)) == _row(r, "回款")["actual"]


def test_a_week(month):
    ws, _ = month
    r, _ = report_api.report_period(ws, period="2026-W46")  # 9 to 15 November: 0003 subscribed, 换房, 退房
    assert (_row(r, "认购套数")["actual"], _row(r, "签约套数")["actual"]) == (1, 0)
    assert _row(r, "回款")["actual"] == D("80000")
    assert (r.conversion["room_changes"], r.conversion["refunds"]) == (1, 1)


def test_the_workbook_has_formulas_and_formats(month, tmp_path):
    ws, _ = month
    _, files = report_api.report_period(ws, period="2026-11", out=tmp_path / "out", pdf=False)
    wb = load_workbook(files[0])
    assert wb.sheetnames == [
        "目标达成", "周进度", "楼栋产品", "顾问排名", "顾问业绩", "去化率", "速度", "转化", "签约周期", "逾期认购",
        "回款", "应收账龄", "价格实现", "优惠", "竞品对比",
    ]  # fmt: skip
    sheet = wb["目标达成"]
    row = next(r for r in sheet.iter_rows(min_row=3) if r[0].value == "签约金额")
    assert row[1].value == 14244605 and row[3].value.startswith("=IF(") and row[3].number_format == "0.0%"
    ranking = wb["顾问排名"]
    assert ranking.cell(ranking.max_row, 3).value == "=SUM(C3:C5)"


def test_the_charts_show_the_table(month):
    ws, _ = month
    from toolkit.reports.period_pdf import figures

    r, _ = report_api.report_period(ws, period="2026-11")
    page1, _, page2 = figures(r)
    ax = next(a for a in page1.axes if a.get_gid() == "progress")
    bars = [p for p in ax.patches if p.get_gid() == "actual"]
    assert [round(b.get_height()) for b in bars] == [2303, 1424, 233]  # 万元: 认购, 签约, 回款
    board = next(a for a in page2.axes if a.get_gid() == "board-1")
    cell = next(p for p in board.patches if p.get_gid() == "1-1801")
    assert cell.get_facecolor()[:3] == pytest.approx((0xE0 / 255, 0x66 / 255, 0x66 / 255))  # 已签约 red
    import matplotlib.pyplot as plt

    plt.close("all")


def test_the_pdf_pixels_show_the_signed_unit(month, tmp_path):
    ws, _ = month
    _, files = report_api.report_period(ws, period="2026-11", out=tmp_path / "out")
    pdf = files[1]
    assert pdf.read_bytes().startswith(b"%PDF")
    import pypdfium2

    page = pypdfium2.PdfDocument(str(pdf))[2].render(scale=1).to_pil().convert("RGB")
    colours = {page.getpixel((x, y)) for x in range(0, page.width, 2) for y in range(0, page.height, 2)}
    assert (0xE0, 0x66, 0x66) in colours  # the signed units drawn in the 销控表


def test_an_empty_period_is_an_honest_empty_report(month, tmp_path):
    ws, _ = month
    r, files = report_api.report_period(ws, period="2026-03", out=tmp_path / "out")
    assert r.empty and all(x["actual"] == 0 for x in r.progress)
    assert r.conversion["rate"] is None and r.velocity["sellout"] is None
    assert json.loads(json.dumps(r.as_json()))["empty"] is True
    assert all(f.stat().st_size > 0 for f in files)


def test_periods_and_target_errors(tmp_path):
    assert parse_period("2026-W47").start == dt.date(2026, 11, 16)
    assert parse_period("2026-02").end == dt.date(2026, 2, 28)
    with pytest.raises(UsageError):
        parse_period("2026-13")
    with pytest.raises(InputFileError, match="targets.2026-11.项目.签约金额"):
        targets_from_data({"targets": {"2026-11": {"项目": {"签约金额": "很多"}}}}, "project.yaml")
    with pytest.raises(InputFileError, match="project.yaml：字段“targets.2026-11.项目.销售额”"):
        targets_from_data({"targets": {"2026-11": {"项目": {"销售额": 1}}}}, "project.yaml")


def test_the_command(month, tmp_path, capsys):
    from toolkit.cli import main

    _, project = month
    code = main(
        ["report", "monthly", "--period", "2026-11", "--project", str(project), "--out", str(tmp_path / "o"), "--json"]
    )
    out = json.loads(capsys.readouterr().out)
    assert code == 0 and out["progress"][1]["actual"] == "23027049"


def test_the_demo_activity_plays_the_same_month(tmp_path):
    from tests.reports.conftest import ROOT
    from toolkit.play_activity import play

    copy = play(ROOT / "examples" / "cuihu", ROOT / "examples" / "cuihu" / "activity" / "2026-11.yaml", tmp_path / "c")
    r, _ = report_api.report_period(api.open_project(copy), period="2026-11")
    assert [x["actual"] for x in r.progress] == [3, D("23027049"), 2, D("14244605"), D("2326327")]


def test_price_realisation(month):
    ws, _ = month
    r, _ = report_api.report_period(ws, period="2026-11")
    rows = {x["unit"]: x for x in r.prices["deals"]}
    # 1-1801: list 74,660 x 98.76 = 7,373,421.60, floor 70,927 x 98.76 = 7,004,750.52
    assert rows["1-1801"]["list_total"] == D("7373421.60") and rows["1-1801"]["realisation"] == D("97.03")
    assert rows["1-1801"]["over_floor_pct"] == D("2.14") and not rows["1-1801"]["near_floor"]
    # 2-2301 (after 换房): 7,090,181 over floor 71,022 x 98.76 = 7,014,132.72 by 1.08 %: near the floor
    assert rows["2-2301"]["over_floor_pct"] == D("1.08") and rows["2-2301"]["near_floor"]
    assert r.prices["realisation"] == D("96.7") and r.prices["near_floor"] == 1  # 23,027,049 / 23,808,919.20


def test_the_competitor_survey_beside_our_prices(month, tmp_path):
    ws, project = month
    r, _ = report_api.report_period(ws, period="2026-11")
    assert [(x["楼盘"], x["户型"], x["实际单价"]) for x in r.survey][:2] == [
        ("南岸花园", "3室2厅2卫", D("69500")),
        ("南岸花园", "4室2厅2卫", D("67800")),
    ]
    assert all(x["our_list"] is not None for x in r.survey)  # every surveyed layout is one we sell


def test_a_bad_survey_names_the_row_and_column(tmp_path):
    from openpyxl import Workbook

    from toolkit.domain.survey import COLUMNS, read_survey

    wb = Workbook()
    wb.active.append(list(COLUMNS))
    wb.active.append(["南岸花园", 1.2, "3室2厅2卫", "七万", 69500, "", 18, dt.date(2026, 11, 14)])
    wb.save(tmp_path / "s.xlsx")
    with pytest.raises(InputFileError, match="第2行 标价单价"):
        read_survey(tmp_path / "s.xlsx")
    (tmp_path / "t.xlsx").write_text("not a workbook")
    with pytest.raises(InputFileError, match="应为XLSX工作簿"):
        read_survey(tmp_path / "t.xlsx")
