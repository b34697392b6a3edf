"""A copy of a file already taken is set aside with the declared rule file.duplicate (a warning naming the
first copy); the first copy, and any file that is no copy, carries no such reason."""

from __future__ import annotations

import json

from toolkit import api

SUB = "CHY-2026-0001-subscription.docx"


def test_a_copy_is_file_duplicate_and_the_first_is_not(documents, inbox_env):
    cfg, inbox, filed = inbox_env
    data = (documents / SUB).read_bytes()
    (inbox / SUB).write_bytes(data)
    api.ingest(cfg, log=lambda _: None)
    (inbox / "again.docx").write_bytes(data)
    api.ingest(cfg, log=lambda _: None)
    (first,) = [json.loads(p.read_text(encoding="utf-8")) for p in (filed / "accepted").glob("*.report.json")]
    (copy,) = [json.loads(p.read_text(encoding="utf-8")) for p in (filed / "duplicates").glob("*.report.json")]
    assert "file.duplicate" not in {r["rule"] for r in first["reasons"]}
    (reason,) = copy["reasons"]
    assert (reason["rule"], reason["severity"]) == ("file.duplicate", "warning")
    assert f"第{first['id']}号文件" in reason["message"] and SUB in reason["message"]
    html = next((filed / "duplicates").glob("*.report.html")).read_text(encoding="utf-8")
    assert "file.duplicate" in html and "1 项提示" in html


def test_the_inbox_report_names_the_document_by_its_pack_title(documents, inbox_env):
    cfg, inbox, filed = inbox_env
    (inbox / SUB).write_bytes((documents / SUB).read_bytes())
    api.ingest(cfg, log=lambda _: None)
    (report,) = [json.loads(p.read_text(encoding="utf-8")) for p in filed.glob("*/*.report.json")]
    html = next(filed.glob("*/*.report.html")).read_text(encoding="utf-8")
    assert report["document"] == "subscription"  # the data keeps the document id
    assert "<small>商品房认购书</small>" in html and ">subscription<" not in html
