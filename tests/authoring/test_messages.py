"""What legal reads when a pack or a policy is wrong: the file named, and the fault said in Chinese.

Each case breaks one thing in a small pack (or a project's policies.yaml) the way an author would, and the
message must name the file and hold no English sentence. What an author types stays as typed (file names,
YAML keys, clause ids, `commands`, {{ tags }}), so those are taken out before looking for English.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Callable

import docx
import pytest

from toolkit.authoring.baseline import test_pack as pack_test
from toolkit.authoring.lint import lint_pack
from toolkit.authoring.source import parse_source
from toolkit.authoring.versions import refuse_changed_release
from toolkit.domain.policy import load_policy
from toolkit.errors import PackError, PolicyError, ProjectError, RenderError
from toolkit.pack.clauses import compile_template
from toolkit.pack.manifest import load_pack
from toolkit.render.docx import CompiledTemplate
from toolkit.yamlio import read_file

MANIFEST = """\
name: tiny
version: 1.0.0
title: 小样
schema: schema.yaml
documents:
  letter:
    title: 告知函
    template: letter.docx
    per: deal
"""
_TYPED = re.compile(r"`[^`]*`|“[^”]*”|'[^']*'|\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}|[\w./\\-]*[/\\][\w./\\-]*")
_ENGLISH = re.compile(r"(?<![A-Za-z])[A-Za-z]+(?:[ ,]+[a-z]+)+(?![A-Za-z])")  # CJK is \w: no \b there


def english(message: str) -> list[str]:
    """Return the runs of two or more English words left once what an author types is taken out."""
    return _ENGLISH.findall(_TYPED.sub(" ", message))


def test_the_detector_finds_the_english_these_messages_used_to_have():
    """Without this the test below could pass on any message."""
    assert english("pack.yaml：字段“version”：应为a semantic version such as 1.2.0，实际为one")
    assert english("doc.txt：字段“line 3”：应为a unique clause id，实际为a_1 (also on line 2)")
    assert english("/tmp/p/policies.yaml：字段“rules[0].severity”：应为error or warning")
    assert english("pack.yaml：字段“schema”：应为a value")
    assert not english("pack.yaml：字段“documents.letter.per”：应为deal、project、change、notice 之一，实际为week")
    assert not english("用 `loupan pack diff a@1.0.0 a` 查看改动；“{%p for b in buyers %}” 循环")


def _pack(tmp_path: Path, *paragraphs: str, manifest: str = MANIFEST) -> Path:
    pack = tmp_path / "tiny"
    pack.mkdir(exist_ok=True)
    (pack / "pack.yaml").write_text(manifest, encoding="utf-8")
    (pack / "schema.yaml").write_text("project: {}\nunit: {}\ndeal: {}\n", encoding="utf-8")
    d = docx.Document()
    for text in paragraphs or ("本函告知买受人。",):
        d.add_paragraph(text)
    d.save(str(pack / "letter.docx"))
    return pack


def _manifest(tmp_path: Path, old: str, new: str) -> Path:
    assert old in MANIFEST, old
    return _pack(tmp_path, manifest=MANIFEST.replace(old, new))


def _source(tmp_path: Path, text: str) -> list:
    path = tmp_path / "letter.txt"
    path.write_text(text, encoding="utf-8")
    return parse_source(path)


def _compiled(tmp_path: Path, *paragraphs: str):
    return compile_template(_pack(tmp_path, *paragraphs) / "letter.docx", "letter")


def _qa(tmp_path: Path):
    pack = _manifest(tmp_path, "schema: schema.yaml\n", "schema: schema.yaml\nqa: qa.yaml\n")
    (pack / "qa.yaml").write_text("- 只有问题没有答案\n", encoding="utf-8")
    return load_pack(pack)


def _schema(tmp_path: Path):
    pack = _pack(tmp_path)
    (pack / "schema.yaml").write_text("project: {}\nunit: {}\n", encoding="utf-8")
    return load_pack(pack)


def _behind_a_release(tmp_path: Path):
    pack = _pack(tmp_path)
    (pack / "releases" / "2.0.0").mkdir(parents=True)
    (pack / "releases" / "2.0.0" / "pack.yaml").write_text(MANIFEST.replace("1.0.0", "2.0.0"), encoding="utf-8")
    refuse_changed_release(pack, "tiny", "1.0.0", {"letter": pack / "letter.docx"})


PACK_FAULTS: dict[str, tuple[Callable[[Path], object], str]] = {
    "version": (lambda t: load_pack(_manifest(t, "version: 1.0.0", "version: one")), "pack.yaml"),
    "no schema key": (lambda t: load_pack(_manifest(t, "schema: schema.yaml\n", "")), "pack.yaml"),
    "per": (lambda t: load_pack(_manifest(t, "per: deal", "per: week")), "pack.yaml"),
    "template": (lambda t: load_pack(_manifest(t, "template: letter.docx", "template: gone.docx")), "pack.yaml"),
    "clause list": (lambda t: load_pack(_manifest(t, "per: deal\n", "per: deal\n    clauses: [a_1]\n")), "pack.yaml"),
    "extends": (lambda t: load_pack(_manifest(t, "title: 小样\n", "title: 小样\nextends: ../nowhere\n")), "pack.yaml"),
    "shared terms": (
        lambda t: load_pack(_manifest(t, "title: 小样\n", "title: 小样\nshared_terms: [x]\n")),
        "pack.yaml",
    ),
    "qa": (_qa, "qa.yaml"),
    "schema part": (_schema, "schema.yaml"),
    "unknown document": (lambda t: load_pack(_pack(t)).document("contract"), "pack.yaml"),
    "no samples": (lambda t: pack_test(_pack(t)), "pack.yaml"),
    "behind a release": (_behind_a_release, "pack.yaml"),
    "source clause id": (lambda t: _source(t, "[Bad-Id] 文字\n"), "letter.txt"),
    "source duplicate": (lambda t: _source(t, "[a_1] 一\n[a_1] 二\n"), "letter.txt"),
    "source loop": (
        lambda t: _source(t, "{%p for b in buyers %}\n[a_1] {{ b.name | text }}\n{%p endfor %}\n"),
        "letter.txt",
    ),
    "source table row": (lambda t: _source(t, "|甲|乙\n"), "letter.txt"),
    "control tag": (lambda t: _compiled(t, "{%p while x %}"), "letter.docx"),
    "unopened endif": (lambda t: _compiled(t, "{%p endif %}"), "letter.docx"),
    "unclosed if": (lambda t: _compiled(t, "{%p if deal.x %}", "可选条款。"), "letter.docx"),
    "bad for": (lambda t: _compiled(t, "{%p for b %}", "{%p endfor %}"), "letter.docx"),
    "tag in paragraph": (lambda t: _compiled(t, "{% if x %}可选{% endif %}"), "letter.docx"),
    "untyped variable": (lambda t: _compiled(t, "总价{{ deal.total + 1 }}元"), "letter.docx"),
    "adjacent variables": (lambda t: _compiled(t, "{{ a.name | text }}{{ b.name | text }}"), "letter.docx"),
}


@pytest.mark.parametrize("case", PACK_FAULTS)
def test_a_pack_fault_names_the_file_in_chinese(tmp_path, case):
    run, file_name = PACK_FAULTS[case]
    with pytest.raises(PackError) as err:
        run(tmp_path)
    message = str(err.value)
    assert file_name in message, message
    assert not english(message), message


POLICY_FAULTS = {
    "not a mapping": "- 一\n- 二\n",
    "missing field": "rules:\n  - id: tiny.rule\n    severity: error\n",
    "severity": "rules:\n  - id: receipt.sequence\n    severity: fatal\n",
    "applies_to": "rules:\n  - id: receipt.sequence\n    applies_to: contract\n",
    "enabled": "rules:\n  - id: receipt.sequence\n    enabled: sometimes\n",
    "params": "rules:\n  - id: receipt.sequence\n    params: [1]\n",
    "yaml": "rules: [unclosed\n",
}


@pytest.mark.parametrize("case", POLICY_FAULTS)
def test_a_policy_fault_names_the_file_and_field_in_chinese(tmp_path, case):
    (tmp_path / "policies.yaml").write_text(POLICY_FAULTS[case], encoding="utf-8")
    with pytest.raises(PolicyError) as err:
        load_policy(tmp_path)
    message = str(err.value)
    assert "policies.yaml" in message and (case in ("not a mapping", "yaml") or "字段“rules[" in message), message
    assert not english(message), message


def test_lint_findings_on_a_broken_pack_are_in_chinese(tmp_path):
    pack = _pack(
        tmp_path,
        "总价{{ deal.total + 1 }}元",
        "前文{%p if deal.x %}",
        "{%pif deal.y %}",
        "{{ (deal.kind == ‘a’) | tick }}",
    )
    (pack / "context.yaml").write_text("deal:\n  - deal.total\n", encoding="utf-8")
    findings = lint_pack(pack)
    assert {"lint.irreversible", "lint.tag", "lint.curly_quote", "lint.unused"} <= {f.rule for f in findings}
    for f in findings:
        assert f.document in ("letter.docx", "context.yaml", "pack.yaml"), f
        assert not english(f.message), f.message


def test_a_template_that_fails_to_render_names_it_in_chinese(tmp_path):
    template = _pack(tmp_path, "{{ nothing.here | text }}") / "letter.docx"
    with pytest.raises(RenderError) as err:
        CompiledTemplate(template).render({}, {})
    assert "letter.docx" in str(err.value) and "'nothing'" in str(err.value)
    assert not english(str(err.value)), str(err.value)


@pytest.mark.parametrize(
    "text",
    [
        "a: b: c\n",
        "a: [1, 2\n",
        "a: 'x\n",
        "a:\n  b: 1\n c: 2\n",
        "- a\nb: 1\n",
        "a: @x\n",
        "a:\n\t- b\n",
        "a: 1\na: 2\n",
    ],
)
def test_a_broken_yaml_file_is_said_in_chinese_with_its_line(tmp_path, text):
    path = tmp_path / "deal.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ProjectError) as err:
        read_file(path, ProjectError)
    message = str(err.value)
    assert "deal.yaml" in message and re.search(r"第\d+行", message), message
    assert not english(message), message
