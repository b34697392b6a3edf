"""The `loupan render` command: exit codes, JSON findings, batches, progress."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from toolkit.cli import main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "cuihu"
INVALID = EXAMPLE / "deals-invalid"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_a_clean_deal_exits_0_and_writes_its_documents(capsys, tmp_path):
    code, out, _ = run(
        capsys,
        "render",
        "--project",
        str(EXAMPLE),
        "--deal",
        str(EXAMPLE / "deals" / "CHY-2026-0002.yaml"),
        "--out",
        str(tmp_path),
    )
    assert code == 0
    assert sorted(p.name for p in tmp_path.glob("*.docx")) == [
        "CHY-2026-0002-contract.docx",
        "CHY-2026-0002-subscription.docx",
    ]
    assert "CHY-2026-0002：已生成" in out


def test_an_invalid_deal_exits_1_prints_its_findings_and_writes_nothing(capsys, tmp_path):
    code, out, _ = run(
        capsys,
        "render",
        "--project",
        str(EXAMPLE),
        "--deal",
        str(INVALID / "shares-and-deadline.yaml"),
        "--out",
        str(tmp_path / "o"),
        "--json",
    )
    assert code == 1
    data = json.loads(out)
    rules = {f["rule"] for f in data["findings"]}
    assert {"shares.invalid", "sign_deadline.invalid"} <= rules
    assert all({"rule", "severity", "message"} <= set(f) for f in data["findings"])
    assert not (tmp_path / "o").exists()


def test_json_of_a_clean_deal_has_an_empty_findings_list(capsys, tmp_path):
    code, out, _ = run(
        capsys,
        "render",
        "--project",
        str(EXAMPLE),
        "--deal",
        str(EXAMPLE / "deals" / "CHY-2026-0001.yaml"),
        "--out",
        str(tmp_path),
        "--json",
        "--docs",
        "subscription",
    )
    assert code == 0
    data = json.loads(out)
    assert data["findings"] == [] and data["outputs"] == [str(tmp_path / "CHY-2026-0001-subscription.docx")]


def test_a_batch_renders_the_clean_deals_skips_the_others_and_exits_1(capsys, tmp_path):
    project = tmp_path / "p"
    shutil.copytree(EXAMPLE, project)
    shutil.copy(INVALID / "below-floor.yaml", project / "deals")
    (project / "deals" / "broken.yaml").write_text("deal_no: [\n", encoding="utf-8")
    code, out, _ = run(
        capsys, "render", "--project", str(project), "--all-deals", "--out", str(tmp_path / "o"), "--json"
    )
    assert code == 1
    deals = {d["file"].rsplit("/", 1)[-1]: d for d in json.loads(out)["deals"]}
    assert len(deals) == 5
    assert not deals["below-floor.yaml"]["rendered"] and not deals["broken.yaml"]["rendered"]
    assert deals["broken.yaml"]["findings"][0]["rule"] == "input.invalid"
    assert len(list((tmp_path / "o").glob("*.docx"))) == 6


def test_long_batches_show_progress_on_stderr(capsys, tmp_path):
    project = tmp_path / "p"
    shutil.copytree(EXAMPLE, project)
    for i in range(10):
        text = (EXAMPLE / "deals" / "CHY-2026-0001.yaml").read_text(encoding="utf-8")
        text = text.replace("CHY-2026-0001", f"CHY-2026-01{i:02d}")
        (project / "deals" / f"extra-{i}.yaml").write_text(text, encoding="utf-8")
    code, _, err = run(
        capsys,
        "render",
        "--project",
        str(project),
        "--all-deals",
        "--docs",
        "subscription",
        "--out",
        str(tmp_path / "o"),
    )
    assert code == 0
    assert "[13/13]" in err


def test_project_documents_are_named_by_the_project_code(capsys, tmp_path):
    code, _, _ = run(
        capsys, "render", "--project", str(EXAMPLE), "--docs", "procedure,handbook", "--out", str(tmp_path)
    )
    assert code == 0
    assert sorted(p.name for p in tmp_path.glob("*.docx")) == ["CHY-handbook.docx", "CHY-procedure.docx"]


@pytest.mark.parametrize(
    "argv",
    [
        ["render", "--project", str(EXAMPLE), "--no-such-flag"],
        ["render"],
        ["render", "--project", "/nonexistent/project"],
        ["render", "--project", str(EXAMPLE), "--deal", "/nonexistent/deal.yaml"],
        ["render", "--project", str(EXAMPLE), "--docs", "brochure"],
        [],
    ],
)
def test_wrong_usage_exits_2_without_a_traceback(capsys, argv):
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse's own usage errors
        code = exc.code
    _, err = capsys.readouterr()
    assert code == 2
    assert "Traceback" not in err and err.strip()


def test_a_broken_project_exits_1_naming_the_file(capsys, tmp_path):
    project = tmp_path / "p"
    shutil.copytree(EXAMPLE, project)
    (project / "units.csv").write_text("code,building\n1-0101,1\n", encoding="utf-8")
    code, _, err = run(capsys, "render", "--project", str(project), "--out", str(tmp_path / "o"))
    assert code == 1
    assert "units.csv" in err and "Traceback" not in err


def test_every_command_has_help(capsys):
    for argv in (["--help"], ["render", "--help"], ["pack", "build", "--help"]):
        with pytest.raises(SystemExit) as exc:
            main(argv)
        assert exc.value.code == 0
        assert "usage" in capsys.readouterr().out


def leaf_commands(parser) -> list[tuple[list[str], object]]:
    """Return every command that runs (its words after `loupan`) with its parser."""
    import argparse

    out = []
    for action in (a for a in parser._actions if isinstance(a, argparse._SubParsersAction)):
        for name, sub in action.choices.items():
            out += [([name, *words], p) for words, p in leaf_commands(sub)] or [([name], sub)]
    return out


def usage_problems(readme: str, parser) -> list[str]:
    """Name each command without a README usage line: `loupan WORDS` (alternatives as a|b) with every required option."""
    import re

    lines = readme.replace("\\\n", " ").splitlines()
    problems = []
    for words, sub in leaf_commands(parser):
        required = [a.option_strings[0] for a in sub._actions if a.required and a.option_strings]
        pattern = re.compile(
            r"loupan +" + " +".join(rf"(?:[\w-]+\|)*{re.escape(w)}(?:\|[\w-]+)*" for w in words) + r"(?![\w-])"
        )
        usage = [line[m.end() :] for line in lines for m in [pattern.search(line)] if m]
        if not any(all(opt in rest for opt in required) for rest in usage):
            problems.append(f"loupan {' '.join(words)} {' '.join(required)}")
    return problems


def test_every_command_has_help_and_its_usage_line_in_the_readme():
    import argparse

    from toolkit.cli import _parser

    parser = _parser()
    for words, sub in leaf_commands(parser):
        assert sub.format_help().strip() and sub.description, words
        for action in sub._actions:
            if not isinstance(action, argparse._HelpAction):
                assert action.help, f"loupan {' '.join(words)}: {action.dest} has no help text"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert usage_problems(readme, parser) == []


def test_the_readme_check_fails_on_a_bare_word_or_a_missing_option():
    from toolkit.cli import _parser

    parser = _parser()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    without_sign = readme.replace("loupan deal sign CHY-2026-0001 --project DIR", "sign")
    assert usage_problems(without_sign, parser) == ["loupan deal sign --project"]
    without_option = readme.replace("loupan board --project DIR", "loupan board")
    assert usage_problems(without_option, parser) == ["loupan board --project"]


@pytest.mark.parametrize(
    "argv, prog, said",
    [
        (["render", "--project", str(EXAMPLE), "--no-such-flag"], "loupan", "无法识别的参数：--no-such-flag"),
        (["render"], "loupan render", "缺少必需的参数：--project"),
        (["check", "--project"], "loupan check", "参数 --project 后须给出一个值"),
        (
            ["render", "--project", str(EXAMPLE), "--script", "xx"],
            "loupan render",
            "参数 --script 的值 'xx' 无效，可选：'hans', 'hant'",
        ),
    ],
)
def test_usage_errors_are_said_in_chinese_with_the_command_and_where_help_is(capsys, argv, prog, said):
    with pytest.raises(SystemExit) as exc:
        main(argv)
    err = capsys.readouterr().err
    assert exc.value.code == 2
    assert f"{prog}：{said}（{prog} --help 查看用法）" in err
