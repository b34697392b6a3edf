"""Checking filled and signed documents: each alteration people make gives the right rule at the right clause.

The tests build their own corpus: clean documents rendered from the example deal, then altered with
python-docx the way people alter them, and converted to PDF.
"""

from __future__ import annotations

import copy
import shutil
import zipfile
from pathlib import Path

import docx
import pytest

from toolkit import api
from toolkit.render.pdf import convert

ROOT = Path(__file__).resolve().parents[2]
DEAL = ROOT / "examples" / "cuihu" / "deals" / "CHY-2026-0001.yaml"
TOTAL, TOTAL_CAPS = "7,154,424.00", "人民币柒佰壹拾伍万肆仟肆佰贰拾肆元整"


@pytest.fixture(scope="module")
def clean(tmp_path_factory, ws) -> Path:
    out = tmp_path_factory.mktemp("clean")
    api.render(ws, deals=[DEAL], docs=["subscription", "contract"], out=out)
    return out


@pytest.fixture
def pair(clean, tmp_path) -> tuple[Path, Path]:
    for name in ("CHY-2026-0001-subscription.docx", "CHY-2026-0001-contract.docx"):
        shutil.copy(clean / name, tmp_path / name)
    return tmp_path / "CHY-2026-0001-subscription.docx", tmp_path / "CHY-2026-0001-contract.docx"


def findings(ws, *files: Path) -> set[tuple[str, str]]:
    """Return (rule, clause id or location) and (rule, printed path) of every error, grouped ones included."""
    out = set()
    for f in api.check(ws, list(files)).findings:
        for g in [f.as_dict(), *f.extra.get("follows", [])]:
            if g["severity"] == "error":
                out.add((g["rule"], g.get("clause") or g.get("location", "")))
                out.update((g["rule"], p) for p in g.get("extra", {}).get("paths", []))
    return out


def rules(ws, *files: Path) -> set[str]:
    return {rule for rule, _ in findings(ws, *files)}


def paragraph(d, clause: str):
    for p in d.paragraphs:
        if any(b.get(docx.oxml.ns.qn("w:name")) == clause for b in p._p.iter(docx.oxml.ns.qn("w:bookmarkStart"))):
            return p
    raise AssertionError(f"no paragraph {clause}")


def edit(path: Path, clause: str | None, old: str, new: str) -> None:
    """Replace text inside one clause (or anywhere when clause is None), as a person would in Word."""
    d = docx.Document(str(path))
    targets = (
        [paragraph(d, clause)]
        if clause
        else d.paragraphs + [p for t in d.tables for r in t.rows for c in r.cells for p in c.paragraphs]
    )
    done = False
    for p in targets:
        for run in p.runs:
            if old in run.text and not done:
                run.text = run.text.replace(old, new, 1)
                done = True
    assert done, f"{old!r} not found"
    d.save(str(path))


def to_pdf(path: Path) -> Path:
    (pdf,) = convert([path], path.parent / "pdf")
    return pdf


def test_a_clean_pair_gives_no_finding(ws, pair):
    assert api.check(ws, list(pair)).findings == []


def test_editing_a_number_inside_a_clause_is_clause_altered_at_that_clause(ws, pair):
    edit(pair[1], "art11_3", "30日内修复", "60日内修复")
    result = api.check(ws, [pair[1]])
    (f,) = result.findings
    assert (f.rule, f.clause, f.location) == ("clause.altered", "art11_3", "第十一条")
    assert ["-", "3"] in f.extra["redline"] and ["+", "6"] in f.extra["redline"]


def test_adding_a_sentence_to_a_clause(ws, pair):
    edit(pair[1], "art14_3", "视为接受变更。", "视为接受变更。买受人放弃解除合同的权利。")
    assert findings(ws, pair[1]) == {("clause.altered", "art14_3"), ("clause.unfair", "art14_3")}


def test_deleting_a_sentence_from_a_clause(ws, pair):
    edit(pair[1], "art14_3", "出卖人未在前款期限内书面通知买受人的，买受人有权解除合同。", "")
    assert findings(ws, pair[1]) == {("clause.altered", "art14_3")}


def test_changing_the_price_in_the_contract_only(ws, pair):
    edit(pair[1], "annex04_3", TOTAL, "7,054,424.00")
    found = findings(ws, *pair)
    assert ("amount.words_mismatch", "annex04_3") in found
    assert ("terms.mismatch", "deal.total") in found


def test_changing_only_the_capitals(ws, pair):
    edit(pair[1], "annex04_3", TOTAL_CAPS, "人民币柒佰壹拾伍万肆仟肆佰贰拾伍元整")
    assert ("amount.words_mismatch", "annex04_3") in findings(ws, pair[1])


def test_capitals_written_with_forbidden_characters(ws, pair):
    edit(pair[0], "sub_price_4", TOTAL_CAPS, "人民币七百一十五万四千四百二十四元整")
    assert ("amount.words_mismatch", "sub_price_4") in findings(ws, pair[0])


def test_changing_a_buyers_name_in_one_document(ws, pair):
    edit(pair[0], None, "认购人：张伟", "认购人：张玮")
    found = findings(ws, *pair)
    assert ("terms.mismatch", "buyers[0].name") in found
    assert not {r for r, _ in found} & {"clause.altered", "amount.words_mismatch"}


def test_adding_a_clause_to_the_supplementary_agreement(ws, pair):
    d = docx.Document(str(pair[1]))
    anchor = paragraph(d, "sup_14")
    extra = copy.deepcopy(anchor._p)
    for b in list(extra.iter(docx.oxml.ns.qn("w:bookmarkStart"))) + list(extra.iter(docx.oxml.ns.qn("w:bookmarkEnd"))):
        b.getparent().remove(b)
    anchor._p.addnext(extra)
    new = docx.text.paragraph.Paragraph(extra, anchor._parent)
    for run in new.runs[1:]:
        run.text = ""
    new.runs[0].text = "出卖人对交付后的任何质量问题不承担责任。"
    d.save(str(pair[1]))
    found = findings(ws, pair[1])
    assert found == {("clause.altered", "sup_14")}  # the clause it follows
    (f,) = api.check(ws, [pair[1]]).findings
    assert f.location == "附件十一" and "sup_14" not in f.message  # where a reader finds it, no clause id


def test_editing_the_escrow_account_is_a_mismatch_with_the_project(ws, pair):
    edit(pair[1], None, "44250100003600001234", "44250100003600009999")
    assert "terms.mismatch" in rules(ws, pair[1])


def test_a_discount_beyond_the_approvers_authority_is_caught_on_the_printed_values(ws, pair):
    edit(pair[0], None, "周敏", "李娜")
    assert "authority.discount" in rules(ws, pair[0])


def test_tracked_changes_are_reported(ws, pair):
    path = pair[1]
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    xml = parts["word/document.xml"].decode()
    ins = '<w:ins w:id="900" w:author="x" w:date="2026-11-26T00:00:00Z"><w:r><w:t>另行约定。</w:t></w:r></w:ins></w:p>'
    parts["word/document.xml"] = xml.replace("</w:p>", ins, 1).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for n, data in parts.items():
            z.writestr(n, data)
    assert "doc.markup" in rules(ws, path)


def test_a_document_without_provenance_is_identified_by_its_wording(ws, pair, tmp_path):
    d = docx.Document(str(pair[0]))
    plain = tmp_path / "resaved.docx"
    d.save(str(plain))
    with zipfile.ZipFile(plain) as z:
        parts = {n: z.read(n) for n in z.namelist() if n != "docProps/custom.xml"}
    with zipfile.ZipFile(plain, "w") as z:
        for n, data in parts.items():
            z.writestr(n, data)
    result = api.check(ws, [plain])
    assert result.documents[0].doc_id == "subscription" and result.findings == []


@pytest.mark.parametrize(
    ("content", "rule"),
    [
        (b"", "doc.unreadable"),
        (b"not a document at all", "doc.unreadable"),
        (b"PK\x03\x04truncated", "doc.unreadable"),
        (b"%PDF-1.4\ntruncated", "doc.unreadable"),
    ],
)
def test_unreadable_files(ws, tmp_path, content, rule):
    path = tmp_path / "x.docx"
    path.write_bytes(content)
    assert [f.rule for f in api.check(ws, [path]).findings] == [rule]


def test_a_document_from_no_known_pack_is_doc_unknown(ws, tmp_path):
    d = docx.Document()
    d.add_paragraph("租赁合同 出租人将房屋出租给承租人。")
    path = tmp_path / "lease.docx"
    d.save(str(path))
    assert [f.rule for f in api.check(ws, [path]).findings] == ["doc.unknown"]


@pytest.mark.pdf
def test_clean_documents_as_pdf_give_no_finding(ws, soffice, pair):
    pdfs = [to_pdf(p) for p in pair]
    assert api.check(ws, pdfs).findings == []


@pytest.mark.pdf
def test_alterations_survive_conversion_to_pdf(ws, soffice, pair):
    edit(pair[1], "art11_3", "30日内修复", "60日内修复")
    edit(pair[1], "annex04_3", TOTAL_CAPS, "人民币柒佰壹拾伍万肆仟肆佰贰拾伍元整")
    edit(pair[0], None, "认购人：张伟", "认购人：张玮")
    found = findings(ws, *[to_pdf(p) for p in pair])
    assert ("clause.altered", "art11_3") in found
    assert ("amount.words_mismatch", "annex04_3") in found
    assert ("terms.mismatch", "buyers[0].name") in found


@pytest.mark.pdf
def test_an_encrypted_pdf_is_unreadable(ws, soffice, pair, tmp_path):
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(to_pdf(pair[0])))
    writer.encrypt("secret")
    path = tmp_path / "locked.pdf"
    with path.open("wb") as f:
        writer.write(f)
    assert [f.rule for f in api.check(ws, [path]).findings] == ["doc.unreadable"]


def test_a_document_whose_printed_terms_differ_from_its_provenance_is_flagged(ws, pair):
    path = pair[0]
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    custom = parts["docProps/custom.xml"].decode()
    assert "&quot;deal.total&quot;:&quot;7154424&quot;" in custom or '"deal.total":"7154424"' in custom
    parts["docProps/custom.xml"] = custom.replace("7154424", "7254424").encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for n, data in parts.items():
            z.writestr(n, data)
    assert ("terms.mismatch", "deal.total") in findings(ws, path)


def test_a_unit_price_edited_in_figures_and_capitals_breaks_the_arithmetic(ws, pair):
    edit(pair[0], "sub_price_4", "72,442.53", "70,442.53")
    edit(pair[0], "sub_price_4", "人民币柒万贰仟肆佰肆拾贰元伍角叁分", "人民币柒万零肆佰肆拾贰元伍角叁分")
    found = findings(ws, pair[0])
    assert ("amount.arithmetic", "deal.total") in found
    assert not any(rule == "amount.words_mismatch" for rule, _ in found)


def _inject(path: Path, xml_before_first_paragraph_end: str) -> None:
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    xml = parts["word/document.xml"].decode()
    parts["word/document.xml"] = xml.replace("</w:p>", xml_before_first_paragraph_end + "</w:p>", 1).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for n, data in parts.items():
            z.writestr(n, data)


@pytest.mark.parametrize(
    ("xml", "label"),
    [
        ('<w:commentRangeStart w:id="1"/><w:r><w:t>x</w:t></w:r><w:commentRangeEnd w:id="1"/>', "comment"),
        ("<w:sdt><w:sdtContent><w:r><w:t>控件</w:t></w:r></w:sdtContent></w:sdt>", "content control"),
        ('<w:del w:id="5" w:author="x"><w:r><w:delText>删去的字</w:delText></w:r></w:del>', "tracked deletion"),
    ],
)
def test_markup_a_reader_can_miss_is_reported(ws, pair, xml, label):
    _inject(pair[0], xml)
    messages = [f.message for f in api.check(ws, [pair[0]]).findings if f.rule == "doc.markup"]
    assert any(label in m for m in messages)


def test_a_buyer_id_with_a_bad_check_digit_is_caught_on_the_printed_values(ws, pair):
    edit(pair[0], None, "440305198806124536", "440305198806124535")
    found = rules(ws, *pair)
    assert {"id.checksum", "terms.mismatch"} <= found


def test_buyer_shares_not_adding_up_are_caught_on_the_printed_values(ws, pair):
    edit(pair[0], None, "100%", "90%")
    assert "shares.invalid" in rules(ws, pair[0])
