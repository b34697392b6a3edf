"""One error boundary: a refusal prints its findings and exits 1, wrong usage exits 2, never a traceback."""

from __future__ import annotations

from tests.control.conftest import amend
from toolkit.cli import main


def test_a_refusal_prints_its_rule_and_message_and_exits_1(office, tmp_path, capsys):
    _, project = office
    first = project / "deals" / "CHY-2026-0001.yaml"
    other = amend(
        project / "deals" / "CHY-2026-0002.yaml", tmp_path / "other.yaml", deal_no="CHY-2026-0099", unit="1-1801"
    )
    assert main(["deal", "subscribe", "--deal", str(first), "--project", str(project)]) == 0
    assert main(["deal", "subscribe", "--deal", str(other), "--project", str(project)]) == 1
    err = capsys.readouterr().err
    assert err.strip() == "error: unit.unavailable: 房号1-1801当前状态为已认购（CHY-2026-0001）"


def test_wrong_usage_exits_2_with_one_line(office, capsys):
    _, project = office
    assert main(["unit", "show", "9-9999", "--project", str(project)]) == 2
    err = capsys.readouterr().err
    assert (
        err.startswith("loupan: 项目 CHY 的价目表中没有房号 9-9999")
        and "Traceback" not in err
        and len(err.splitlines()) == 1
    )
