"""The inbox takes signed scans: a clean one is accepted and moves its unit, an altered one is rejected."""

from __future__ import annotations

import json
import shutil

import pytest

from tests.scan import corpus
from toolkit import api

HEIGHT = 841.89


def _inbox(tmp_path, example):
    project = tmp_path / "project"
    shutil.copytree(example, project)
    inbox, filed = tmp_path / "inbox", tmp_path / "filed"
    inbox.mkdir()
    cfg = api.inbox_config(project, inbox, filed, stability=0.05, incomplete_grace=0.3, tick=0.02, time_limit=120)
    return cfg, inbox, filed


@pytest.mark.slow
def test_a_signed_scan_is_accepted_and_an_altered_one_rejected(
    tmp_path, example, printed, first, pages, places, monkeypatch
):
    from toolkit.scan.approval import approve

    monkeypatch.setenv("LOUPAN_PRINTED", str(printed))
    cfg, inbox, filed = _inbox(tmp_path, example)
    approve(api.open_project(cfg.project_dir), [first.with_suffix(".docx")], "王敏")  # 签约审定 of the DOCX draft
    corpus.sign_all(pages, places, HEIGHT)
    clean = [corpus.degrade(p, i) for i, p in enumerate(pages)]
    corpus.save_pdf(clean, inbox / "scan-0001.pdf")
    assert api.ingest(cfg, log=lambda _: None) == 1
    report = json.loads(next((filed / "accepted").glob("*scan-0001.pdf.report.json")).read_text())
    assert report["outcome"] == "accepted" and report["deal_no"] == "CHY-2026-0001"
    assert "签约审定：签署所用的打印件与" in report["checked"] and "王敏" in report["checked"]
    html = next((filed / "accepted").glob("*scan-0001.pdf.report.html")).read_text(encoding="utf-8")
    assert "收件检查报告：已接收归档" in html and "检查方式（第1–6页）" in html and "签约审定" in html
    corpus.handwrite(pages[1], 1000, 900, "OK 2%")
    corpus.save_pdf([corpus.degrade(p, i) for i, p in enumerate(pages)], inbox / "scan-0001b.pdf")
    api.ingest(cfg, log=lambda _: None)
    report = json.loads(next((filed / "rejected").glob("*scan-0001b.pdf.report.json")).read_text())
    assert "scan.altered" in {r["rule"] for r in report["reasons"]}
    html = next((filed / "rejected").glob("*scan-0001b.pdf.report.html")).read_text(encoding="utf-8")
    assert "data:image/png;base64," in html  # the altered region's crop reaches the inbox's report
    assert "收件检查报告：已退回" in html and "签署件不得涂改" in html and ">错误<" in html
    assert "<small>商品房认购书</small>" in html and ">subscription<" not in html  # the title, not the id
