"""签约审定: a draft approved before signing (who, when, a copy kept), the signed copy compared with it, stages."""

from __future__ import annotations

import json
import shutil

import pytest

from tests.scan import corpus
from tests.scan.conftest import DEALS
from toolkit import api
from toolkit.api.review import review_folder, stages
from toolkit.cli import main
from toolkit.errors import UsageError
from toolkit.ledger.stages import Stage, has_ledger, open_stages
from toolkit.ledger.store import ledger_path, open_ledger
from toolkit.scan.approval import SignedCopy, against_approval, approve

HEIGHT = 841.89
DOC_ID = "CHY-2026-0001-SUBSCRIPTION"
pytestmark = pytest.mark.usefixtures("ledger_backend")  # every test on SQLite and on PostgreSQL (LOUPAN_DB)


@pytest.fixture
def project(project_copy):
    """Open a writable copy of the example project."""
    return api.open_project(project_copy)


def _copy(first):
    return SignedCopy("scan.pdf", DOC_ID, dict(enumerate(corpus_hashes(first), start=1)))


def corpus_hashes(pdf):
    from toolkit.scan.pages import printed_hashes

    return printed_hashes(pdf)


def test_a_clean_draft_is_approved_with_its_approver_and_a_kept_copy(project, first):
    (a,) = approve(project, [first], "王敏")
    assert a.approved and a.document_id == DOC_ID and a.findings == []
    assert a.approved.by == "王敏" and len(a.approved.pages) == 6
    kept = project.project_dir / "review" / "approved" / "CHY-2026-0001"
    assert [p.read_bytes() for p in kept.iterdir()] == [first.read_bytes()]
    assert first.is_file()  # given on the command line: copied, not moved
    st = open_stages(project.project_dir)  # where LOUPAN_DB says: on PostgreSQL the project's file is never made
    assert [x.by for x in st.every()] == ["王敏"] and ledger_path(project.project_dir).exists() == (not st.db.pg)
    st.close()


def test_approval_needs_a_name_and_refuses_a_scan(project, first, pages, tmp_path):
    with pytest.raises(UsageError, match="--by"):
        approve(project, [first], " ")
    scan = tmp_path / "scan.pdf"
    corpus.scan_pdf(pages[:1], scan)
    (a,) = approve(project, [scan], "王敏")
    assert a.approved is None and "扫描件" in a.why
    if has_ledger(project.project_dir):
        st = open_stages(project.project_dir)
        assert st.every() == []
        st.close()


def test_a_signed_copy_without_approval_is_sign_unapproved(project, first, printed):
    (f,) = against_approval(project.project_dir, _copy(first))
    assert f.rule == "sign.unapproved" and f.severity == "warning" and DOC_ID in f.message


def test_a_signed_copy_of_the_approved_draft_is_silent(project, first, printed):
    approve(project, [first], "王敏")
    assert against_approval(project.project_dir, _copy(first)) == []


def test_a_signed_copy_unlike_the_approved_draft_is_sign_unlike_approved(project, first, printed):
    st = open_stages(project.project_dir)
    pages = tuple(corpus_hashes(first))
    st.record(Stage(DOC_ID, "CHY-2026-0001", "subscription", "approved", "", "王敏", "", ("000000", *pages[1:])))
    st.close()
    (f,) = against_approval(project.project_dir, _copy(first))
    assert f.rule == "sign.unlike_approved" and f.location == "第1页" and f.severity == "error"


def test_an_office_that_requires_approval_makes_it_an_error(project_copy, first, printed):
    (project_copy / "policies.yaml").write_text("rules:\n  - id: sign.unapproved\n    severity: error\n", "utf-8")
    ws = api.open_project(project_copy)
    from toolkit.rules import finding

    assert finding("sign.unapproved", "x", policy=ws.policy).severity == "error"


def test_the_review_folder_moves_approved_drafts_and_explains_refused_ones(project, first, pages):
    review = project.project_dir / "review"
    review.mkdir()
    shutil.copy(first, review / first.name)
    corpus.scan_pdf(pages[:1], review / "scan.pdf")
    results = review_folder(project, "王敏")
    assert sorted(bool(a.approved) for a in results) == [False, True]
    assert not (review / first.name).exists() and not (review / "scan.pdf").exists()
    assert len(list((review / "approved" / "CHY-2026-0001").iterdir())) == 1
    refused = sorted(p.name for p in (review / "refused").iterdir())
    assert len(refused) == 2 and refused[1].endswith("scan.pdf.report.html")


def test_check_approve_and_status_show_the_stages(project, first, capsys):
    args = ["check", str(first), "--project", str(project.project_dir), "--approve", "--by", "王敏"]
    assert main(args) == 0
    assert "已审定" in capsys.readouterr().out
    ledger = open_ledger(project.project_dir)  # the inbox accepts the signed copy
    file_id = ledger.claim("scan.pdf", project.project_dir / "c", 1)
    ledger.decide(file_id, outcome="accepted", document="subscription", deal_no="CHY-2026-0001", reasons=[])
    ledger.close()
    (d,) = stages(project.project_dir)
    assert (d.stage, d.approved.split()[-1]) == ("signed", "王敏") and d.signed.endswith(f"#{file_id}")
    assert main(["status", "--project", str(project.project_dir)]) == 0
    assert "CHY-2026-0001 subscription: 已签署" in capsys.readouterr().out
    assert main(["status", "--project", str(project.project_dir), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["deals"][0]["stage"] == "signed"


def test_check_approve_refuses_a_draft_with_errors(project, first, tmp_path, capsys):
    other = tmp_path / "x.pdf"
    other.write_bytes(b"%PDF-1.4 broken")
    assert main(["check", str(other), "--project", str(project.project_dir), "--approve", "--by", "王敏"]) == 1
    assert "未审定" in capsys.readouterr().out


def test_a_rendered_pdf_is_recorded_only_in_a_project_with_a_ledger(project, first, ledger_backend):
    from toolkit.api.review import record_rendered
    from toolkit.render.batch import RenderedDoc

    doc = RenderedDoc(
        "subscription", first.with_suffix(".docx"), {"document_id": "CHY-2026-0001-subscription"}, "", first
    )
    if ledger_backend is None:  # a shared database is always there; a project's own file only once made
        assert record_rendered(project, [doc]) == 0 and not ledger_path(project.project_dir).exists()
        open_ledger(project.project_dir).close()  # the project's ledger, as the first sale makes it
    assert record_rendered(project, [doc]) == 1
    assert ledger_path(project.project_dir).exists() == (ledger_backend is None)
    (d,) = stages(project.project_dir)
    assert (d.deal_no, d.document, d.stage) == ("CHY-2026-0001", "subscription", "rendered") and d.rendered


# -- a DOCX draft: approved with the pages it prints as ----------------------------------------------------


@pytest.fixture(scope="module")
def other_print(tmp_path_factory, ws, printed):
    """Render the first deal again with another buyer's address: the same document id, page 1 printed otherwise."""
    out = tmp_path_factory.mktemp("reprinted")
    deal = out / "CHY-2026-0001.yaml"
    deal.write_text(DEALS[0].read_text("utf-8").replace("科技园路1号", "科技园路9号"), "utf-8")
    api.render(ws, deals=[deal], docs=["subscription"], out=out / "print", pdf=True)
    return out / "print" / "CHY-2026-0001-subscription.pdf"


def _signed_scan(first, ws, folder, name="scan.pdf"):
    from toolkit.scan.places import declared, locate
    from toolkit.scan.raster import render_pdf

    pages = render_pdf(first)
    corpus.sign_all(pages, locate(first, declared(ws.pack, "subscription")), HEIGHT)
    folder.mkdir(exist_ok=True)
    corpus.scan_pdf(pages, folder / name)
    return folder / name


def test_an_approved_docx_records_the_pages_of_the_pdf_rendered_with_it(project, first):
    (a,) = approve(project, [first.with_suffix(".docx")], "王敏")
    assert a.approved and a.prints_as == first and a.note == ""
    assert a.approved.pages == tuple(corpus_hashes(first)) and len(a.approved.pages) == 6
    assert a.approved.path.endswith("-CHY-2026-0001-subscription.docx")
    assert against_approval(project.project_dir, _copy(first)) == []


def test_a_print_of_another_render_is_unlike_the_approved_docx(project, first, other_print):
    approve(project, [first.with_suffix(".docx")], "王敏")
    (f,) = against_approval(project.project_dir, _copy(other_print))
    assert f.rule == "sign.unlike_approved" and f.location == "第1页" and "王敏" in f.message


def test_a_docx_edited_after_rendering_is_not_taken_for_its_pdf(project, first, tmp_path):
    from toolkit.read.document import read_document
    from toolkit.scan.drafts import _flat, _rendered_with, _same_print

    docx = first.with_suffix(".docx")
    props = read_document(docx).properties
    st = open_stages(project.project_dir)  # where LOUPAN_DB says, as the approval itself opens it
    assert _rendered_with(st, docx, props, DOC_ID) == [first]
    st.close()
    text = _flat(read_document(docx))
    assert _same_print(first, props, text)
    assert not _same_print(first, props, text.replace("科技园路1号", "科技园路9号"))
    assert not _same_print(first, {**props, "input_sha256": "0" * 64}, text)


@pytest.mark.slow
def test_a_docx_alone_is_converted_with_its_marks_and_the_print_kept(project, first, tmp_path):
    alone = tmp_path / "drafts" / "CHY-2026-0001-subscription.docx"  # no PDF beside it, none in the ledger
    alone.parent.mkdir()
    shutil.copyfile(first.with_suffix(".docx"), alone)
    (a,) = approve(project, [alone], "王敏")
    assert a.approved and a.prints_as and a.prints_as.parent == project.project_dir / "review/approved/CHY-2026-0001"
    assert a.prints_as.name.endswith("-CHY-2026-0001-subscription.pdf")
    assert a.approved.pages == tuple(corpus_hashes(first))  # LibreOffice prints it as rendering did


@pytest.mark.slow
def test_a_signed_scan_of_the_approved_docx_is_clean_and_of_another_print_refused(
    project, first, other_print, tmp_path, monkeypatch
):
    approve(project, [first.with_suffix(".docx")], "王敏")
    monkeypatch.setenv("LOUPAN_PRINTED", str(first.parent))
    (d,) = api.check(project, [_signed_scan(first, project, tmp_path / "a")]).documents
    assert [f.rule for f in d.findings] == [] and "王敏" in d.how
    monkeypatch.setenv("LOUPAN_PRINTED", str(other_print.parent))
    (d,) = api.check(project, [_signed_scan(other_print, project, tmp_path / "b")]).documents
    assert [(f.rule, f.location) for f in d.findings] == [("sign.unlike_approved", "第1页")]


def test_the_report_says_how_pages_were_checked_like_pages_together():
    from toolkit.reports.check_html import checked_notes

    how = "；".join(
        [*(f"第{n}页：二维码+图像比对（约200 dpi）" for n in (1, 2, 3)), "第4页：按图像认定页码", "签约审定：x"]
    )
    assert checked_notes(how) == [
        "检查方式（第1–3页）：二维码+图像比对（约200 dpi）",
        "检查方式（第4页）：按图像认定页码",
        "签约审定：x",
    ]
    assert checked_notes("") == []


def test_the_report_names_each_rule_by_its_title_and_its_severity_in_chinese():
    from toolkit.reports.check_html import render_html
    from toolkit.rules import finding

    f = finding("sign.unlike_approved", "第1页与审定的草稿不一致", location="第1页")
    html = render_html([("scan.pdf", "subscription", [f])], title="收件检查报告：已退回", notes=["检查方式：x"])
    assert (
        "签署件与审定稿一致" in html
        and ">错误<" in html
        and "sign.unlike_approved" in html
        and "<li>检查方式：x</li>" in html
    )
