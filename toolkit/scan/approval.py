"""签约审定: a filled draft checked and approved before signing; the signed copy compared with what was approved.

`approve` checks drafts (DOCX or PDF), records each clean one in the ledger with who approved it and the text
hash of each page it prints as, and keeps a copy in the project's review folder (`review/approved/<deal>/`). A
DOCX prints as the marked PDF rendered with it (same provenance, same text), else as its own conversion through
LibreOffice with the print marks, kept beside the approved copy to be printed. `against_approval` tells what a
signed copy (a scan, photos, or a digitally signed PDF) shows against the approval on record.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from toolkit.findings import Finding, has_errors
from toolkit.rules import finding

if TYPE_CHECKING:  # the ledger is opened only where an approval is recorded or looked up, not by every check
    from toolkit.ledger.stages import Stage, Stages

REVIEW = "review"  # the project's review folder: drafts dropped in review/, approved copies kept in review/approved/


@dataclass
class Approval:
    """What became of one draft offered for approval."""

    path: Path
    document_id: str = ""
    approved: Stage | None = None
    findings: list[Finding] = field(default_factory=list)
    why: str = ""  # why it was not approved, when there are no findings to say it
    prints_as: Path | None = None  # the marked PDF whose pages were recorded (the one to print and sign)
    note: str = ""  # what the approval could not record (no page hashes: no marked print and no LibreOffice)
    doc_id: str = ""  # the document the draft was identified as (subscription, contract), when it was


def approve(ws, files: list[Path], by: str, move: bool = False) -> list[Approval]:
    """Check drafts together and approve each clean one: recorded with its approver, a copy kept (or the file moved)."""
    from toolkit.checks.documents import check_documents
    from toolkit.scan.kind import is_scan

    by = by.strip()
    if not by:
        from toolkit.errors import UsageError

        raise UsageError("审定须写明审定人（--by 姓名）/ --approve needs --by NAME")
    from toolkit.ledger.stages import open_stages

    docs = check_documents([Path(f) for f in files], ws.project, ws.policy, ws.pack)
    out = []
    stages = open_stages(ws.project_dir, ws.ledger_url, ws.project.code)  # --db, LOUPAN_DB or the project's file
    try:
        for d in docs:
            a = Approval(d.path, findings=list(d.findings), doc_id=d.doc_id or "")
            if is_scan(d.path):
                a.why = "扫描件或照片是签署件，审定的是签署前的草稿（DOCX 或打印用 PDF）"
            elif d.printed is None or has_errors(d.findings):
                a.why = "检查有错误，不予审定" if d.printed is not None else "不是本项目的认购书或合同"
            else:
                a.document_id = f"{d.printed.typed('doc.number')}-{d.doc_id}".upper()
                a.approved = stages.record(_stage(ws, stages, d, a, by, move))
            out.append(a)
    finally:
        stages.close()
    return out


def _stage(ws, stages: Stages, d, a: Approval, by: str, move: bool) -> Stage:
    deal_no = str(d.printed.typed("doc.number"))
    folder = Path(ws.project_dir) / REVIEW / "approved" / deal_no
    pages: list[str] = page_hashes(d.path)
    if Path(d.path).suffix.lower() == ".docx":
        from toolkit.scan.drafts import prints_as

        a.prints_as, a.note = prints_as(ws, stages, Path(d.path), a.document_id, folder)
        pages = printed_hashes(a.prints_as) if a.prints_as else []
    elif pages:
        a.prints_as = Path(d.path)
    kept = keep_copy(folder, d.path, move)
    from toolkit.ledger.stages import Stage

    return Stage(a.document_id, deal_no, d.doc_id, "approved", "", by, _sha256(kept), tuple(pages), str(kept))


def keep_copy(folder: Path, source: Path, move: bool = False) -> Path:
    """Copy (or move) a file into a folder under a new name, its time first: nothing there is ever overwritten."""
    folder.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%S")
    for n in range(1000):
        target = folder / f"{stamp}{'-' + str(n) if n else ''}-{source.name}"
        if move:
            try:
                os.link(source, target)  # refuses an existing name, unlike rename
            except FileExistsError:
                continue
            os.unlink(source)
            return target
        try:
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            continue
        with os.fdopen(fd, "wb") as out, source.open("rb") as src:
            shutil.copyfileobj(src, out)
            out.flush()
            os.fsync(out.fileno())
        return target
    raise FileExistsError(f"{folder}：同一秒内 {source.name} 的副本过多")


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def page_hashes(path: Path) -> list[str]:
    """Return the page text hashes of a marked PDF (what its QR codes carry); none for a DOCX."""
    if Path(path).suffix.lower() != ".pdf":
        return []
    from toolkit.render.marks import MARKED
    from toolkit.render.pdf import read_metadata

    return printed_hashes(path) if read_metadata(path).get(MARKED) == "1" else []


def printed_hashes(pdf: Path) -> list[str]:
    """Return the text hash of each page of a marked PDF, as its QR codes carry them."""
    from toolkit.scan.pages import printed_hashes as hashes  # pypdfium2, OpenCV, zxing: only once a PDF is read

    return hashes(pdf)


@dataclass(frozen=True)
class SignedCopy:
    """What a signed copy says it is: its document id and the text hash of each page it shows (page N → hash)."""

    name: str
    document_id: str
    pages: dict[int, str]
    how: str = ""  # how each page was checked (QR code or image, resolution), and pages put in order


def against_approval(project_dir: Path, copy: SignedCopy, url: str | None = None) -> list[Finding]:
    """Compare a signed copy with the approval on record: none recorded, or pages unlike the approved draft."""
    return _against(stage_of(project_dir, copy.document_id, url), copy)


def _against(approved: Stage | None, copy: SignedCopy) -> list[Finding]:
    name = copy.name
    if approved is None:
        msg = f"{name}：{copy.document_id} 没有签约审定记录，签署件已按打印件比对（签署前须先审定草稿）"
        return [finding("sign.unapproved", msg, document=name, expected="审定记录")]
    unlike = [n for n, h in sorted(copy.pages.items()) if approved.pages and _differs(approved.pages, n, h)]
    if not unlike:
        return []
    pages = "、".join(f"第{n}页" for n in unlike)
    msg = f"{name}：{pages}与{approved.at[:10]}由{approved.by}审定的草稿不一致（签署的不是审定的版本）"
    return [finding("sign.unlike_approved", msg, document=name, location=pages, expected=approved.path)]


def matched(approved: Stage, copy: SignedCopy) -> str:
    """Say which approval a signed copy matched, for its report."""
    when = f"{_beijing(approved.at)}由{approved.by}审定的草稿 {Path(approved.path).name}"
    if not approved.pages:
        return f"签约审定：{when}；审定时未记录各页，未逐页比对"
    pages = f"{len(copy.pages)}/{len(approved.pages)}页"
    return f"签约审定：签署所用的打印件与{when}逐页相符（{pages}）"


def _beijing(at: str) -> str:
    """Write a ledger time (UTC) as the office reads it: Beijing time, to the minute."""
    try:
        t = dt.datetime.fromisoformat(at).astimezone(dt.timezone(dt.timedelta(hours=8)))
    except ValueError:
        return at
    return t.strftime("%Y-%m-%d %H:%M（北京时间）")


def _differs(pages: tuple[str, ...], n: int, text_hash: str) -> bool:
    return n > len(pages) or pages[n - 1] != text_hash


def stage_of(project_dir: Path, document_id: str, url: str | None = None) -> Stage | None:
    """Return the approval of a document on record (None: not approved)."""
    from toolkit.ledger.stages import has_ledger, open_stages

    if not has_ledger(project_dir, url):  # a project without a ledger has no approval: none is created by looking
        return None
    stages = open_stages(project_dir, url)  # url: the ledger's (None: LOUPAN_DB, else the project's file)
    try:
        return stages.latest(document_id, "approved")
    finally:
        stages.close()


def signed_copy_of(doc) -> SignedCopy | None:
    """Return what a checked document shows as a signed copy: a scan's QR codes, a signed PDF's pages; else None."""
    if getattr(doc, "signed_copy", None) is not None:
        return doc.signed_copy if doc.signed_copy.document_id else None
    path = Path(doc.path)
    if doc.printed is None or path.suffix.lower() != ".pdf":
        return None
    from toolkit.scan.pdfsig import has_signature  # pyHanko's side: PDFs only

    if not has_signature(path):
        return None
    document_id = f"{doc.printed.typed('doc.number')}-{doc.doc_id}".upper()
    return SignedCopy(path.name, document_id, dict(enumerate(page_hashes(path), start=1)))


def approval_findings(project_dir: Path, doc, url: str | None = None) -> list[Finding]:
    """Return what the approval on record says of a checked signed copy (none otherwise).

    A copy that matches its approval says which in its `how`, which the check and the inbox report print.
    """
    copy = signed_copy_of(doc) if doc is not None else None
    if copy is None:
        return []
    approved = stage_of(project_dir, copy.document_id, url)
    found = _against(approved, copy)
    if approved is not None and not found:
        doc.how = "；".join(h for h in (doc.how, matched(approved, copy)) if h)
    return found
