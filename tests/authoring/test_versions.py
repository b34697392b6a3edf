"""`pack test` baselines, `pack diff` between versions, releases, and documents of an older version."""

from __future__ import annotations

import zipfile

import pytest

from tests.authoring.conftest import PRESALE, PRESALE_NEXT, ROOT, edit_source
from toolkit import api
from toolkit.cli import main
from toolkit.errors import UsageError


@pytest.mark.slow
@pytest.mark.parametrize("pack", ["prc-presale", "prc-completed"])
def test_the_shipped_packs_match_their_baselines(pack):
    result = api.pack_test(ROOT / "templates" / pack)
    assert result.findings == [] and result.compared > 500


def test_pack_test_fails_when_a_clause_changes_and_passes_after_update(packs):
    pack = packs / "prc-completed"
    edit_source(pack, "contract", "房屋登记机构", "不动产登记机构")
    result = api.pack_test(pack)
    changed = {f.location for f in result.findings}
    assert changed and all(c.startswith(("art", "note", "annex", "sup", "parties")) for c in changed)
    assert any(["+", "不动产"] in f.extra["redline"] or ["-", "房屋"] in f.extra["redline"] for f in result.findings)
    api.pack_test(pack, update=True)
    assert api.pack_test(pack).findings == []


def test_pack_diff_shows_exactly_the_clauses_changed(packs, tmp_path, capsys):
    old = packs / "prc-presale"
    new = tmp_path / "new-pack"
    import shutil

    shutil.copytree(old, new)
    (new / "pack.yaml").write_text(
        (new / "pack.yaml")
        .read_text(encoding="utf-8")
        .replace("version: 1.0.0", "version: 1.1.0")
        .replace("  project: ../../examples/cuihu", "  project: " + str(packs.parent / "examples" / "cuihu")),
        encoding="utf-8",
    )
    edit_source(new, "contract", "30日内修复完毕", "15日内修复完毕")
    edit_source(new, "subscription", "[sub_intro_2] 本认购书为双方", "[sub_intro_2] 本认购书系双方")
    _, _, changes = api.pack_diff(str(old), str(new))
    assert {(c.document, c.clause, c.kind) for c in changes} == {
        ("contract", "art11_3", "changed"),
        ("subscription", "sub_intro_2", "changed"),
    }
    art = next(c for c in changes if c.clause == "art11_3")
    assert ["-", "30"] in art.redline and ["+", "15"] in art.redline
    for report in ("diff.html", "diff.docx"):
        assert main(["pack", "diff", str(old), str(new), "--out", str(tmp_path / report)]) == 0
        assert (tmp_path / report).stat().st_size > 0
    assert "<del>30</del><ins>15</ins>" in (tmp_path / "diff.html").read_text(encoding="utf-8")
    with zipfile.ZipFile(tmp_path / "diff.docx") as z:
        assert "art11_3" in z.read("word/document.xml").decode()
    assert "之间有 2 条条款不同" in capsys.readouterr().out


def test_a_document_of_a_released_version_checks_against_that_version(packs, tmp_path):
    pack = packs / "prc-presale"
    project = packs.parent / "examples" / "cuihu"
    released = api.pack_release(pack)
    assert released == pack / "releases" / PRESALE and (released / "contract.docx").is_file()
    with pytest.raises(UsageError, match="已经发布"):
        api.pack_release(pack)
    old_ws = api.open_project(project, pack_dir=pack)
    deal = project / "deals" / "CHY-2026-0001.yaml"
    old_docs = api.render(old_ws, deals=[deal], docs=["contract"], out=tmp_path / "old").documents
    # legal releases the next version with new wording
    manifest = pack / "pack.yaml"
    manifest.write_text(
        manifest.read_text(encoding="utf-8").replace(f"version: {PRESALE}", f"version: {PRESALE_NEXT}"),
        encoding="utf-8",
    )
    edit_source(pack, "contract", "30日内修复完毕", "15日内修复完毕")
    ws = api.open_project(project, pack_dir=pack)
    assert ws.pack.version == PRESALE_NEXT
    assert api.check(ws, [d.docx for d in old_docs]).findings == []
    new_docs = api.render(ws, deals=[deal], docs=["contract"], out=tmp_path / "new").documents
    assert api.check(ws, [d.docx for d in new_docs]).findings == []
    _, _, changes = api.pack_diff(f"{pack}@{PRESALE}", str(pack))
    assert [(c.clause, c.kind) for c in changes] == [("art11_3", "changed")]


def test_a_document_of_an_unknown_version_is_checked_against_the_current_one_with_a_warning(packs, tmp_path):
    pack = packs / "prc-presale"
    project = packs.parent / "examples" / "cuihu"
    ws = api.open_project(project, pack_dir=pack)
    (doc,) = api.render(
        ws, deals=[project / "deals" / "CHY-2026-0002.yaml"], docs=["subscription"], out=tmp_path
    ).documents
    with zipfile.ZipFile(doc.docx) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    parts["docProps/custom.xml"] = parts["docProps/custom.xml"].replace(f">{PRESALE}<".encode(), b">0.9.0<")
    with zipfile.ZipFile(doc.docx, "w") as z:
        for n, data in parts.items():
            z.writestr(n, data)
    (f,) = api.check(ws, [doc.docx]).findings
    assert (f.rule, f.severity) == ("doc.version_unarchived", "warning") and "0.9.0" in f.message
