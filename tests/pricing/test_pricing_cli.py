"""The paperwork commands end to end: exit codes, what they print, errors without a traceback."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from toolkit.cli import main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "cuihu"


@pytest.fixture
def project(tmp_path):
    target = tmp_path / "cuihu"
    shutil.copytree(EXAMPLE, target, ignore=shutil.ignore_patterns(".loupan"))
    return target


def test_pricing_build_prints_the_figures_and_exits_0_when_clean(project, tmp_path, capsys):
    args = ["pricing", "build", "--project", str(project), "--scheme", str(project / "pricing" / "scheme.yaml")]
    assert main([*args, "--out", str(tmp_path / "out"), "--no-pdf", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["figures"]["count"] == "424" and out["findings"] == []
    assert main([*args, "--out", str(tmp_path / "out2"), "--no-pdf", "--record"]) == 0
    assert main(["pricing", "history", "1-1801", "--project", str(project)]) == 0
    assert "74660 元/㎡（备案价 79140）翠湖苑2026年首次开盘定价方案" in capsys.readouterr().out


def test_pricing_build_exits_1_on_an_error_finding_and_names_a_bad_field(project, tmp_path, capsys):
    scheme = project / "pricing" / "scheme.yaml"
    scheme.write_text(scheme.read_text("utf-8").replace("pct_of_list: 106", "pct_of_list: 99"), "utf-8")
    args = ["pricing", "build", "--project", str(project), "--scheme", str(scheme), "--no-pdf"]
    assert main([*args, "--out", str(tmp_path / "a")]) == 1
    assert "error: pricelist.filed" in capsys.readouterr().out
    scheme.write_text(scheme.read_text("utf-8").replace("price: 69540", "price: lots"), "utf-8")
    assert main([*args, "--out", str(tmp_path / "b")]) == 1
    err = capsys.readouterr().err
    assert "scheme.yaml: field 'base[0].price'" in err and "Traceback" not in err


def test_notice_and_case_commands(project, tmp_path, capsys):
    p = ["--project", str(project)]
    assert main(["deal", "subscribe", "--deal", str(project / "deals" / "CHY-2026-0001.yaml"), *p]) == 0
    change = str(project / "notices" / "design-change.yaml")
    assert (
        main(["notice", "design-change", "--change", change, "--date", "2026-12-06", "--out", str(tmp_path), *p]) == 1
    )
    assert "notice.deadline" in capsys.readouterr().out  # approved 11-25: the 10th day was 12-05
    assert main(["notice", "sent", "CHY-2026-0001-BG1", "--date", "2026-12-07", *p]) == 0
    assert main(["notice", "answer", "CHY-2026-0001-BG1", "--answer", "解除", "--date", "2026-12-23", *p]) == 1
    assert "notice.deadline" in capsys.readouterr().err
    assert main(["notice", "answer", "CHY-2026-0001-BG1", "--answer", "解除", "--date", "2026-12-20", *p]) == 0
    assert "退房 CHY-2026-0001-TF1 requested" in capsys.readouterr().out
    assert main(["case", "open", "--kind", "咨询", "--who", "陈静", "--what", "车位", "--received", "2026-11-20",
                 "--handler", "赵磊", *p]) == 0  # fmt: skip
    assert main(["case", "list", "--date", "2026-11-22", *p]) == 0
    assert "case.overdue" in capsys.readouterr().out
    assert main(["case", "open", "--kind", "闲聊", "--who", "x", "--what", "y", "--received", "2026-11-20",
                 "--handler", "赵磊", *p]) == 2  # fmt: skip
