"""The layering the architecture note promises: SQL only in ledger/, no worker→api cycle, no sideways imports."""

from __future__ import annotations

import ast
import re
from pathlib import Path

TOOLKIT = Path(__file__).resolve().parents[2] / "toolkit"
SQL = re.compile(r"^\s*(SELECT|INSERT|UPDATE|DELETE|CREATE|ALTER|BEGIN|PRAGMA) ")  # SQL is written in capitals here


def modules(under: str = "") -> list[Path]:
    return sorted((TOOLKIT / under).rglob("*.py"))


def imports(path: Path) -> set[str]:
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            out.update(f"{node.module}.{a.name}" for a in node.names)  # from toolkit import api: toolkit.api
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
    return out


def test_sql_runs_only_in_the_ledger():
    found = []
    for path in modules():
        if "ledger" in path.relative_to(TOOLKIT).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL.match(node.value):
                found.append(f"{path.relative_to(TOOLKIT)}:{node.lineno}")
            if isinstance(node, ast.Attribute) and node.attr in ("execute", "executescript", "db"):
                found.append(f"{path.relative_to(TOOLKIT)}:{node.lineno} .{node.attr}")
    assert found == []


def test_the_inbox_and_the_layers_below_never_import_the_api_or_the_cli():
    for under in ("inbox", "ledger", "control", "checks", "authoring", "reports", "render", "read", "domain", "pack"):
        for path in modules(under):
            bad = {m for m in imports(path) if m.startswith(("toolkit.api", "toolkit.cli"))}
            assert bad == set(), f"{path.relative_to(TOOLKIT)} imports {bad}"


def test_pack_authoring_takes_its_text_diffing_from_textdiff_not_the_checks():
    # authoring/wording.py runs the content rules of checks/ over a pack's text on purpose; diffing is neutral
    for path in modules("authoring"):
        assert not {m for m in imports(path) if m.startswith("toolkit.checks.doc_rules")}, path.name
