"""The pages a DOCX draft prints as, for 签约审定: the marked PDF rendered with it, or its own marked conversion.

A signed scan carries, in each page's QR code, the text hash of the marked PDF page it was printed from. So an
approved DOCX is recorded with the page hashes of the marked PDF it prints as: the one `loupan render --pdf`
wrote with it when its provenance and its text are the same (found beside it, in LOUPAN_PRINTED, or where the
ledger says it was rendered), else the DOCX converted through LibreOffice and marked as rendering does, kept
beside the approved copy (never over another file) as the PDF to print.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

from toolkit.errors import PdfConversionError, PdfUnavailableError
from toolkit.ledger.stages import Stages

SAME_RENDER = ("document_id", "input_sha256", "template_sha256")  # the provenance a DOCX and its PDF share


def prints_as(ws, stages: Stages, docx: Path, document_id: str, folder: Path) -> tuple[Path | None, str]:
    """Return the marked PDF a DOCX draft prints as (None, and why, when none can be had)."""
    from toolkit.read.document import read_document

    draft = read_document(docx)
    props = dict(draft.properties)
    for pdf in _rendered_with(stages, docx, props, document_id):
        if _same_print(pdf, props, _flat(draft)):
            return pdf, ""
    try:
        return _convert(ws, docx, props, document_id, folder), ""
    except (PdfUnavailableError, PdfConversionError) as exc:
        return None, f"未能生成打印用PDF（{exc}），审定未记录各页，签署件只按打印件比对"


def _rendered_with(stages: Stages, docx: Path, props: dict[str, str], document_id: str) -> list[Path]:
    """Return the marked PDFs that may have been rendered with the DOCX: beside it or kept, then the ledger's."""
    from toolkit.read.printed import find_printed

    found = find_printed(props.get("document_id", ""), [docx.parent], docx, props.get("script", ""))
    rendered = stages.latest(document_id, "rendered")
    out = [found] if found else []
    if rendered and rendered.path and Path(rendered.path).is_file():
        out.append(Path(rendered.path))
    return out


def _same_print(pdf: Path, props: dict[str, str], text: str) -> bool:
    """Tell whether a marked PDF is the print of the DOCX: the same render's provenance, and the same text."""
    from toolkit.read.document import read_document
    from toolkit.render.marks import MARKED
    from toolkit.render.pdf import read_metadata

    meta = read_metadata(pdf)
    ours = {k: meta.get("/Loupan" + k.title().replace("_", "")) for k in SAME_RENDER}
    if meta.get(MARKED) != "1" or any(ours[k] != props.get(k) for k in SAME_RENDER):
        return False
    return _flat(read_document(pdf)) == text  # a DOCX edited after rendering no longer prints as that PDF


def _flat(doc) -> str:
    return re.sub(r"\s+", "", "".join(u.text for u in doc.units))


def _convert(ws, docx: Path, props: dict[str, str], document_id: str, folder: Path) -> Path:
    """Convert the DOCX through LibreOffice with the print marks; keep the PDF in the approval's folder."""
    from toolkit.render.batch import RenderedDoc, to_pdf
    from toolkit.scan.approval import keep_copy

    doc_id = props.get("document") or document_id.rsplit("-", 1)[-1].lower()
    name = props.get("document_id") or document_id
    props = {"document_id": name, "pack": ws.pack.name, "pack_version": ws.pack.version, **props}
    title = ws.pack.document(doc_id).title if doc_id in ws.pack.documents else doc_id
    with tempfile.TemporaryDirectory(prefix="loupan-approve-") as tmp:
        source = Path(tmp) / f"{name}.docx"  # LibreOffice names the PDF after the DOCX: the document id
        shutil.copyfile(docx, source)
        rendered = RenderedDoc(doc_id, source, props, title)
        to_pdf([rendered], Path(tmp) / "pdf")
        assert rendered.pdf is not None  # (to_pdf sets it or raises)
        return keep_copy(folder, rendered.pdf)
