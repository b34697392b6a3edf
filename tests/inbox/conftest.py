"""Fixtures for the inbox: a project copy with its own ledger, clean documents, folders."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from toolkit import api

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "cuihu"


@pytest.fixture(scope="session")
def documents(tmp_path_factory) -> Path:
    """Render the clean deals' documents, and a second deal on the unit of CHY-2026-0001."""
    out = tmp_path_factory.mktemp("docs")
    project = tmp_path_factory.mktemp("render") / "cuihu"
    shutil.copytree(EXAMPLE, project)
    data = yaml.safe_load((EXAMPLE / "deals" / "CHY-2026-0002.yaml").read_text(encoding="utf-8"))
    data.update(deal_no="CHY-2026-0009", unit="1-1801")
    (project / "deals" / "CHY-2026-0009.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    ws = api.open_project(project)
    api.render(ws, deals=api.deal_files(ws), docs=["subscription", "contract"], out=out)
    return out


@pytest.fixture
def inbox_env(tmp_path):
    """Return (config, inbox, filed) for a fresh project copy."""
    project = tmp_path / "project"
    shutil.copytree(EXAMPLE, project)
    inbox, filed = tmp_path / "inbox", tmp_path / "filed"
    inbox.mkdir()
    cfg = api.inbox_config(project, inbox, filed, stability=0.05, incomplete_grace=0.3, tick=0.02, time_limit=60)
    return cfg, inbox, filed
