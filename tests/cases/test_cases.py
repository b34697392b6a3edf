"""Customer cases (deadline, escalation, reply letter) and the reception order of the duty sheet."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from toolkit import api
from toolkit.cases.duty import play_day

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "cuihu"
D = dt.date


@pytest.fixture
def ws(tmp_path):
    project = tmp_path / "cuihu"
    shutil.copytree(EXAMPLE, project, ignore=shutil.ignore_patterns(".loupan"))
    return api.open_project(project)


def test_an_overdue_case_is_escalated_to_the_site_manager(ws, tmp_path):
    c = api.case_open(ws, kind="投诉", who="刘洋", what="样板间宣传与交付标准不一致", received=D(2026, 11, 20),
                      handler="李娜", unit="1-1801", deal_no=None)  # fmt: skip
    assert (c["no"], c["deadline"]) == ("KF-20261120-01", "2026-11-23")  # 投诉: 3 days
    cases, findings = api.case_review(ws, D(2026, 11, 23))  # on the deadline: open, not overdue
    assert len(cases) == 1 and findings == []
    cases, findings = api.case_review(ws, D(2026, 11, 25))
    assert [f.rule for f in findings] == ["case.overdue"] and cases[0]["escalated_to"] == "周敏"
    doc = api.case_answer(ws, c["no"], "样板间已加注“装修标准以合同附件六为准”", D(2026, 11, 26), out=tmp_path)
    assert doc.docx.name == "KF-20261120-01-case_reply.docx"
    assert api.case_review(ws, D(2026, 11, 30)) == ([], [])


def test_the_reception_order_over_a_scripted_day():
    events = [
        {"time": "09:30", "visitor": "甲"},
        {"time": "09:50", "visitor": "乙"},
        {"time": "10:05", "away": "孙悦"},
        {"time": "10:10", "visitor": "丙"},  # 孙悦 away: skipped, owed the turn
        {"time": "10:40", "visitor": "老客户", "returning_to": "李娜"},  # no turn used
        {"time": "11:00", "back": "孙悦"},
        {"time": "11:20", "visitor": "丁"},  # 孙悦 takes the turn owed
        {"time": "11:25", "void": "孙悦"},  # the visitor left at once: 孙悦 owed again
        {"time": "14:00", "visitor": "戊"},
        {"time": "14:30", "visitor": "己"},
    ]
    got = [(r.visitor, r.consultant) for r in play_day(["李娜", "赵磊", "孙悦"], events)]
    assert got == [("甲", "李娜"), ("乙", "赵磊"), ("丙", "李娜"), ("老客户", "李娜"), ("丁", "孙悦"), ("戊", "孙悦"),
                   ("己", "赵磊")]  # fmt: skip
    kept = [(r.visitor, r.consultant) for r in play_day(["李娜", "赵磊", "孙悦"], events, "keep_place")]
    assert kept[4] == ("丁", "赵磊") and kept[6] == ("己", "孙悦")  # keep_place: the turn missed is lost


def test_the_duty_sheet_lists_the_checklists_from_the_procedure_rules(ws, tmp_path):
    from docx import Document

    receptions, files = api.duty_sheet(ws, EXAMPLE / "duty" / "2026-11-21.yaml", tmp_path, pdf=False)
    assert len(receptions) == 7 and files[0].suffix == ".docx"
    text = "\n".join(c.text for t in Document(str(files[0])).tables for r in t.rows for c in r.cells)
    assert ws.policy.rules["receipt.escrow"].text in text and ws.policy.rules["case.overdue"].title in text
    para = "\n".join(p.text for p in Document(str(files[0])).paragraphs)
    assert "案场经理（签字）" in para and "周敏" in para


def test_a_duty_file_naming_someone_off_the_roster_names_the_field(ws, tmp_path):
    from toolkit.errors import ProjectError

    bad = tmp_path / "duty.yaml"
    bad.write_text((EXAMPLE / "duty" / "2026-11-21.yaml").read_text("utf-8").replace("孙悦, role: 置业顾问", "孙悦, role: 出纳"),
                   "utf-8")  # fmt: skip
    with pytest.raises(ProjectError) as err:
        api.duty_sheet(ws, bad, tmp_path, pdf=False)
    assert err.value.field == "on_duty[3]"


def test_open_and_overdue_cases_are_in_the_daily_report(ws, tmp_path):
    from docx import Document

    api.case_open(ws, kind="咨询", who="陈静", what="公积金贷款额度", received=D(2026, 11, 18), handler="赵磊",
                  unit=None, deal_no=None)  # fmt: skip
    api.case_open(ws, kind="争议", who="何军", what="车位归属", received=D(2026, 11, 20), handler="孙悦",
                  unit=None, deal_no=None)  # fmt: skip
    done = api.report_daily(ws, date="2026-11-20", out=tmp_path, pdf=False)
    assert [c["no"] for c in done.report.cases] == ["KF-20261118-01", "KF-20261120-01"]
    assert [f.location for f in done.report.findings if f.rule == "case.overdue"] == ["KF-20261118-01"]
    docx = next(f for f in done.files if f.suffix == ".docx")
    cells = {c.text for t in Document(str(docx)).tables for r in t.rows for c in r.cells}
    assert {"KF-20261118-01", "KF-20261120-01", "周敏"} <= cells
