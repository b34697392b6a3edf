"""Released pack versions protect signed documents: changed wording at a released version is refused."""

from __future__ import annotations

import os
import shutil

import pytest

from tests.authoring.conftest import PRESALE, PRESALE_NEXT, ROOT, set_version
from toolkit import api
from toolkit.authoring.build import build_aside
from toolkit.authoring.pack_build import build_pack
from toolkit.authoring.versions import next_version, version_key, wording_changes
from toolkit.cli import main
from toolkit.errors import PackError, UsageError
from toolkit.pack.manifest import load_pack
from toolkit.yamlio import read_file

ART03_6 = "该商品房的实测面积以房产测绘机构在竣工后出具的房屋测绘报告为准。"
NEW_ART03_6 = "该商品房的实测面积以具有资质的房产测绘机构在竣工后出具的房屋测绘报告为准。"


def _edit(pack, doc: str, old: str, new: str) -> None:
    source = pack / "src" / f"{doc}.txt"
    text = source.read_text(encoding="utf-8")
    assert old in text, old
    source.write_text(text.replace(old, new, 1), encoding="utf-8")


def _rules(pack) -> dict[str, list]:
    out: dict[str, list] = {}
    for f in api.pack_lint(pack):
        out.setdefault(f.rule, []).append(f)
    return out


def test_the_issue_art03_6_changed_at_a_released_version_is_refused_then_released_as_a_new_one(released, capsys):
    pack, project = released / "prc-presale", released.parent / "examples" / "cuihu"
    deal = project / "deals" / "CHY-2026-0001.yaml"
    signed = api.render(
        api.open_project(project, pack_dir=pack), deals=[deal], docs=["contract"], out=released.parent / "old"
    )
    before = (pack / "contract.docx").read_bytes()
    _edit(pack, "contract", ART03_6, NEW_ART03_6)
    with pytest.raises(PackError, match=r"contract art03_6 修改") as err:
        build_pack(pack)
    assert f"loupan pack release {pack}" in str(err.value) and PRESALE_NEXT in str(err.value)
    assert (pack / "contract.docx").read_bytes() == before, "a refused build writes nothing"
    assert main(["pack", "build", str(pack)]) == 1
    assert "art03_6" in capsys.readouterr().err
    (f,) = _rules(pack)["lint.released"]
    assert f.severity == "error" and "art03_6" in f.found and "pack release" in f.message
    # legal raises the version: the change builds, lints clean, and the contract signed at the release still checks
    set_version(pack, PRESALE_NEXT)
    assert build_pack(pack)["contract"] > 100
    assert api.pack_lint(pack) == []
    ws = api.open_project(project, pack_dir=pack)
    assert ws.pack.version == PRESALE_NEXT
    assert api.check(ws, [d.docx for d in signed.documents]).findings == []
    fresh = api.render(ws, deals=[deal], docs=["contract"], out=released.parent / "new").documents
    assert api.check(ws, [d.docx for d in fresh]).findings == []
    assert api.pack_release(pack) == pack / "releases" / PRESALE_NEXT
    _, _, changes = api.pack_diff(f"{pack}@{PRESALE}", f"{pack}@{PRESALE_NEXT}")
    assert [(c.document, c.clause, c.kind) for c in changes] == [("contract", "art03_6", "changed")]


def test_without_the_release_the_same_signed_contract_reads_as_altered(released):
    """The failure the releases prevent: the reason this protection exists, shown."""
    pack, project = released / "prc-presale", released.parent / "examples" / "cuihu"
    deal = project / "deals" / "CHY-2026-0001.yaml"
    signed = api.render(
        api.open_project(project, pack_dir=pack), deals=[deal], docs=["contract"], out=released.parent / "old"
    )
    shutil.rmtree(pack / "releases")
    _edit(pack, "contract", ART03_6, NEW_ART03_6)
    set_version(pack, PRESALE_NEXT)
    build_pack(pack)
    findings = api.check(api.open_project(project, pack_dir=pack), [d.docx for d in signed.documents]).findings
    assert {f.rule for f in findings} >= {"doc.version_unarchived", "clause.altered"}


def test_a_template_edited_in_place_at_a_released_version_is_found_by_lint(released):
    pack = released / "prc-presale"
    _edit(pack, "subscription", "[sub_intro_2] 本认购书为双方", "[sub_intro_2] 本认购书系双方")
    built, _ = build_aside(pack, read_file(pack / "pack.yaml", PackError)["documents"], released.parent)
    shutil.copyfile(built["subscription"], pack / "subscription.docx")  # as if copied in by hand
    (f,) = _rules(pack)["lint.released"]
    assert "subscription sub_intro_2 修改" in f.found and "源文件中" not in f.found


def test_an_unreleased_version_may_change_as_often_as_needed(released):
    pack = released / "prc-presale"
    set_version(pack, PRESALE_NEXT)
    _edit(pack, "contract", "30日内修复完毕", "20日内修复完毕")
    build_pack(pack)
    _edit(pack, "contract", "20日内修复完毕", "15日内修复完毕")
    build_pack(pack)
    assert "lint.released" not in _rules(pack)
    _, _, changes = api.pack_diff(f"{pack}@{PRESALE}", str(pack))
    assert [(c.clause, c.kind) for c in changes] == [("art11_3", "changed")]


def test_a_version_behind_the_latest_release_is_refused(released):
    pack = released / "prc-completed"
    set_version(pack, "0.9.0")
    with pytest.raises(PackError, match="高于最新发布版 1.0.0"):
        build_pack(pack)
    assert _rules(pack)["lint.released"]


def test_a_document_added_at_a_released_version_is_refused(released):
    pack = released / "prc-completed"
    manifest = pack / "pack.yaml"
    shutil.copyfile(pack / "subscription.docx", pack / "notice.docx")
    manifest.write_text(
        manifest.read_text(encoding="utf-8")
        + "  notice:\n    title: 告知书\n    template: notice.docx\n    per: deal\n",
        encoding="utf-8",
    )
    assert "notice：发布版中没有此文件" in _rules(pack)["lint.released"][0].found


def test_a_release_refuses_templates_that_are_not_the_build_of_their_sources(released):
    pack = released / "prc-presale"
    set_version(pack, PRESALE_NEXT)
    _edit(pack, "handbook", "[hb_intro_1] ", "[hb_intro_1] 新版：")
    with pytest.raises(UsageError, match=r"handbook 的模板不是由其源文件生成的.*loupan pack build"):
        api.pack_release(pack)
    assert not (pack / "releases" / PRESALE_NEXT).exists()
    build_pack(pack)
    assert (api.pack_release(pack) / "handbook.docx").is_file()


def test_the_release_of_an_extending_pack_stands_alone(released):
    pack = released / "prc-completed"
    release = load_pack(pack / "releases" / "1.0.0")
    current = load_pack(pack)
    assert "extends" not in read_file(release.root / "pack.yaml", PackError)
    assert release.schema == current.schema and release.shared_terms == current.shared_terms
    assert release.qa == current.qa and release.qa
    assert release.document("contract").clauses == current.document("contract").clauses
    shutil.rmtree(released / "prc-presale")  # the base pack may change or go: the release does not need it
    assert load_pack(pack / "releases" / "1.0.0").schema == current.schema


def test_a_completed_sale_contract_signed_at_1_0_0_checks_clean_after_1_1_0(released):
    pack, project = released / "prc-completed", released.parent / "examples" / "cuihu-completed"
    deal = project / "deals" / "CHX-2026-0001.yaml"
    docs = ["contract", "subscription"]
    signed = api.render(api.open_project(project, pack_dir=pack), deals=[deal], docs=docs, out=released.parent / "old")
    _edit(pack, "contract", "买受人有权在签订本合同前查阅该报告", "买受人有权在签订本合同前查阅并复制该报告")
    set_version(pack, "1.1.0")
    build_pack(pack)
    assert api.check(api.open_project(project, pack_dir=pack), [d.docx for d in signed.documents]).findings == []


@pytest.mark.parametrize("name", ["prc-presale", "prc-completed"])
def test_the_shipped_release_holds_the_wording_of_the_shipped_version(name):
    pack = load_pack(ROOT / "templates" / name)
    release = ROOT / "templates" / name / "releases" / pack.version
    assert (release / "pack.yaml").is_file(), f"run `loupan pack release templates/{name}` and commit it"
    assert wording_changes(release, {d.id: d.template for d in pack.documents.values()}) == []


def test_the_readme_pack_diff_example_works_on_a_fresh_checkout(tmp_path, capsys, monkeypatch):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"loupan pack diff templates/prc-presale@{PRESALE} templates/prc-presale --out diff.docx" in readme
    monkeypatch.chdir(ROOT)
    out = tmp_path / "diff.docx"
    assert main(["pack", "diff", f"templates/prc-presale@{PRESALE}", "templates/prc-presale", "--out", str(out)]) == 0
    assert out.stat().st_size > 0 and "之间有 0 条条款不同" in capsys.readouterr().out
    assert os.path.isfile(ROOT / "templates" / "prc-completed" / "releases" / "1.0.0" / "contract.docx")


def test_versions_order_numerically_and_the_suggested_next_version_is_minor():
    assert sorted(["1.10.0", "1.9.0", "1.0.0"], key=version_key) == ["1.0.0", "1.9.0", "1.10.0"]
    assert next_version("1.0.3") == "1.1.0"
