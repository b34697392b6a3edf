"""The rule ids in the code, the policy, the README's rule table and the tests are the same set.

An id produced in toolkit/ without a policy entry, a declared id without a README row or without a test that
names it, fails here.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

from toolkit import cli, rules
from toolkit.domain.policy import load_policy
from toolkit.errors import PolicyError

ROOT = Path(__file__).resolve().parents[1]
ID = re.compile(r"^[a-z_]+\.[a-z_]+$")
# Calls whose first rule-id-like string argument names the rule of a finding or refusal.
PRODUCERS = {"finding", "_finding", "Finding", "Refused", "of", "rule", "doc_rule", "_found", "_reason", "_invalid"}


def _name(func: ast.expr) -> str:
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""


def code_ids() -> dict[str, str]:
    """Return every rule id the toolkit produces, with a file that produces it."""
    found: dict[str, str] = {}
    for path in sorted((ROOT / "toolkit").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        constants = {
            t.id: n.value.value
            for n in ast.walk(tree)
            if isinstance(n, ast.Assign) and isinstance(n.value, ast.Constant) and isinstance(n.value.value, str)
            for t in n.targets
            if isinstance(t, ast.Name)
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Tuple):  # CONTENT_RULES = ("a.b", ...)
                if any(isinstance(t, ast.Name) and t.id.endswith("_RULES") for t in node.targets):
                    for e in node.value.elts:
                        if isinstance(e, ast.Constant) and isinstance(e.value, str) and ID.match(e.value):
                            found.setdefault(e.value, str(path.relative_to(ROOT)))
            if not isinstance(node, ast.Call):
                continue
            args = [constants.get(a.id, "") if isinstance(a, ast.Name) else getattr(a, "value", "") for a in node.args]
            if _name(node.func) in PRODUCERS:
                args = args[:2]
            elif _name(node.func) == "Breach":
                args = args[4:5] + [k.value.value for k in node.keywords if k.arg == "rule"]
            else:
                continue
            for a in args:
                if isinstance(a, str) and ID.match(a):
                    found.setdefault(a, str(path.relative_to(ROOT)))
    return found


def readme_ids() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    table = text.split("<!-- rules:begin", 1)[1].split("<!-- rules:end -->", 1)[0]
    return re.findall(r"^\| `([^`]+)` \|", table, re.M)


def test_the_code_produces_no_rule_the_policy_does_not_declare():
    undeclared = {i: f for i, f in code_ids().items() if i not in rules.registry()}
    assert not undeclared, f"rule ids without an entry in policies/default.yaml: {undeclared}"


def test_every_declared_rule_is_produced_somewhere():
    unused = set(rules.registry()) - set(code_ids())
    assert not unused, f"declared in policies/default.yaml but produced nowhere in toolkit/: {sorted(unused)}"


def test_the_readme_table_is_the_generated_one():
    assert readme_ids() == list(rules.registry())
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert rules.markdown_table() in text, "README rule table is stale: paste `loupan rules --markdown`"


def test_every_rule_is_named_by_a_test():
    named = set()
    for path in (ROOT / "tests").rglob("*.py"):
        if path.name != "test_rules.py":
            named.update(re.findall(r"[\"']([a-z_]+\.[a-z_]+)[\"']", path.read_text(encoding="utf-8")))
    missing = sorted(set(rules.registry()) - named)
    assert not missing, f"rules no test names: {missing}"


def test_each_rule_has_its_fields_and_a_source():
    for r in rules.catalogue():
        assert set(rules.CATALOGUE_FIELDS) <= set(r)
        assert r["source"] and r["title"] and r["applies_to"], r["id"]


def test_a_finding_takes_its_severity_and_source_from_the_policy(tmp_path):
    (tmp_path / "policies.yaml").write_text("rules:\n  - id: receipt.sequence\n    severity: warning\n", "utf-8")
    policy = load_policy(tmp_path)
    f = rules.finding("receipt.sequence", "收据号跳号", policy=policy)
    assert (f.severity, f.source) == ("warning", rules.rule("receipt.sequence").source)
    assert rules.finding("receipt.sequence", "收据号跳号").severity == "error"


def test_a_rule_switched_off_by_a_project_is_not_run(tmp_path, example):
    (tmp_path / "policies.yaml").write_text("rules:\n  - id: deposit.over_limit\n    enabled: false\n", "utf-8")
    policy = load_policy(tmp_path)
    assert not rules.enabled("deposit.over_limit", policy) and rules.enabled("deposit.over_limit")
    assert [r["switch"] for r in rules.catalogue(policy) if r["id"] == "deposit.over_limit"] == ["off"]


def test_a_malformed_rule_entry_names_the_field(tmp_path):
    (tmp_path / "policies.yaml").write_text("rules:\n  - id: receipt.sequence\n    severity: fatal\n", "utf-8")
    with pytest.raises(PolicyError, match="severity"):
        load_policy(tmp_path)


def test_an_undeclared_rule_id_is_a_bug():
    with pytest.raises(KeyError):
        rules.finding("no.such_rule", "x")


def test_refusal_carries_its_findings():
    exc = rules.Refusal.of("unit.unavailable", "房号1-1-101已认购")
    assert exc.rule == "unit.unavailable" and exc.findings[0].severity == "error" and "1-1-101" in str(exc)


def test_loupan_rules_lists_every_rule(capsys):
    assert cli.main(["rules", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [r["id"] for r in listed] == list(rules.registry())
    assert cli.main(["rules", "--markdown"]) == 0
    assert capsys.readouterr().out == rules.markdown_table()
    assert cli.main(["rules"]) == 0
    assert "receipt.duplicate" in capsys.readouterr().out


def test_the_procedure_tells_staff_the_office_rules_not_the_pack_authors(ws):
    from toolkit.render.context import project_context

    ctx = project_context(ws.project, load_policy(ws.project_dir), {}, ws.pack.qa)
    ids = {r["id"] for r in ctx["rules"]}
    assert {"clause.unfair", "deposit.wording", "receipt.duplicate"} <= ids
    assert not {i for i in ids if i.startswith(("lint.", "pack."))}
