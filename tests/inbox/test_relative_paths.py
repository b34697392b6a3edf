"""Relative inbox, filed and project folders are made absolute once, where the inbox is described."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from toolkit import api
from toolkit.cli import main
from toolkit.ledger.store import Ledger, ledger_path

SUB = "CHY-2026-0002-subscription.docx"


def _rows(project: Path) -> list:
    db = Ledger(ledger_path(project))
    try:
        return db.all_files()
    finally:
        db.close()


def test_relative_folders_are_made_absolute_against_the_folder_they_were_given_in(inbox_env, monkeypatch):
    cfg, inbox, filed = inbox_env
    filed.mkdir()
    monkeypatch.chdir(inbox.parent)
    relative = api.inbox_config(Path("project"), Path("inbox"), Path("filed"), pack_dir=Path("pack"))
    assert (relative.project_dir, relative.inbox, relative.filed) == (cfg.project_dir, inbox, filed)
    assert relative.pack_dir == inbox.parent / "pack" and relative.work == cfg.work
    monkeypatch.chdir(filed.parent.parent)  # a watcher that changes folder afterwards still means the same ones
    assert relative.inbox == inbox and relative.work == filed / ".claimed"
    dotted = api.inbox_config(Path("project"), Path("inbox/../inbox"), Path("./filed"))
    assert dotted.inbox == inbox.parent.parent / "inbox" and dotted.filed == filed.parent.parent / "filed"


def test_ingest_with_relative_paths_files_as_with_absolute_ones_and_records_absolute_paths(
    capsys, documents, inbox_env, tmp_path, monkeypatch
):
    cfg, inbox, filed = inbox_env
    shutil.copy(documents / SUB, inbox / SUB)
    monkeypatch.chdir(tmp_path)
    args = ["--project", "project", "--inbox", "inbox", "--filed", "filed", "--stability", "0.05"]
    assert main(["ingest", *args, "--incomplete-grace", "0.2"]) == 0
    assert "共收取 1 个文件" in capsys.readouterr().err
    (row,) = _rows(cfg.project_dir)
    placed = filed / "accepted" / Path(row.filed_path).name
    assert row.outcome == "accepted" and placed.is_file() and not list(inbox.iterdir())
    assert Path(row.filed_path) == placed and Path(row.report_path).is_absolute()
    assert Path(row.claim_path).is_absolute() and Path(row.claim_path).parent == filed / ".claimed"
    report = json.loads(Path(row.report_path).read_text(encoding="utf-8"))
    assert report["filed_as"] == str(placed)

    shutil.copy(documents / SUB.replace("0002", "0003"), inbox / "second.docx")  # the same, given absolute
    monkeypatch.chdir(Path(os.sep))
    absolute = ["--project", str(cfg.project_dir), "--inbox", str(inbox), "--filed", str(filed)]
    assert main(["ingest", *absolute, "--stability", "0.05", "--incomplete-grace", "0.2"]) == 0
    first, second = _rows(cfg.project_dir)
    assert Path(second.filed_path).parent == Path(first.filed_path).parent, "one filed tree, however named"
    assert Path(second.claim_path).parent == Path(first.claim_path).parent
