"""Judge a signed scan or photo against the PDF that was printed for signing.

Per page: QR → printed page → registration → difference → each mark is signature ink (inside a signature
place), or an alteration (OCR'd, placed in its clause, cropped). Then the pages are counted against N/M and
every required place must carry ink. Whatever could not be read is `scan.unreadable`, never accepted.
"""

from __future__ import annotations

import base64
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
import pypdfium2 as pdfium

from toolkit.domain.policy import Policy
from toolkit.findings import Finding
from toolkit.pack.clauses import _walk
from toolkit.pack.manifest import Pack
from toolkit.render.marks import Mark, qr_rect
from toolkit.rules import finding
from toolkit.scan import bytext, ocr, values
from toolkit.scan.approval import SignedCopy
from toolkit.scan.diff import Blob, differences
from toolkit.scan.kind import electronic, is_scan  # noqa: F401  (the judge's public entry points)
from toolkit.scan.pages import ScanPage, find_printed, identify, printed_hashes
from toolkit.scan.places import Place, declared, locate
from toolkit.scan.raster import DPI, load_pages, render_pdf
from toolkit.scan.register import register
from toolkit.scan.unmarked import place_by_image
from toolkit.scan.where import NUMBER, PageText, clause_before, clause_of, page_place, page_text, same_figures

SIGNED_INK = 120  # px of added ink inside a place's line for it to count as signed
SIGNED_SPAN = 30  # px: and spread at least this wide (5 mm), so a dot or a speck is not a signature


@dataclass
class Verdict:
    """What a scan was found to be, how each page was checked, and what was found."""

    document_id: str = ""
    doc_kind: str = ""
    version: str = ""
    printed: Path | None = None
    pages_checked: dict[int, str] = field(default_factory=dict)  # page N → how it was checked
    pages: int = 0  # pages of the printed PDF
    marks: dict[int, str] = field(default_factory=dict)  # page N → the text hash its QR code carries
    notes: list[str] = field(default_factory=list)  # what was done that is not a finding (pages put in order)
    findings: list[Finding] = field(default_factory=list)
    seconds: float = 0.0
    ocr_seconds: float = 0.0
    images: dict[int, np.ndarray] = field(default_factory=dict, repr=False)  # page N → scan registered on it


def judge_files(paths: list[Path], pack: Pack, policy: Policy, near: list[Path] | None = None) -> Verdict:
    """Judge the pages of one or more scan or photo files as one signed document."""
    start, ocr_before = time.perf_counter(), ocr.Stopwatch.seconds
    name = ", ".join(p.name for p in paths)
    pages = [identify(f"{p.name}#{i + 1}", img) for p in paths for i, img in enumerate(load_pages(p))]
    v = Verdict()
    _judge(v, name, pages, pack, policy, near or sorted({p.parent for p in paths}))
    v.seconds, v.ocr_seconds = time.perf_counter() - start, ocr.Stopwatch.seconds - ocr_before
    return v


def _judge(v: Verdict, name: str, pages: list[ScanPage], pack: Pack, policy: Policy, near: list[Path]) -> None:
    ids = Counter(p.mark.document_id for p in pages if p.mark)
    if ids:
        v.document_id = ids.most_common(1)[0][0]
        v.doc_kind = _kind(v.document_id, pack)
        v.printed = find_printed(v.document_id, near, {p.mark.text_hash for p in pages if p.mark})
    else:  # no page has a readable code (printed from the DOCX, or the codes torn off): named by its text
        named = bytext.identify(pages, pack, near)
        if isinstance(named, str):
            v.findings += [_unreadable(name, p.source, named) for p in pages]
            return
        v.document_id, v.doc_kind, v.printed, v.version = named.document_id, named.kind, named.path, named.version
    if v.printed is None:
        v.findings.append(_unreadable(name, "", f"找不到打印时的PDF（{v.document_id.lower()}.pdf），无法比对"))
        return
    refs, hashes = render_pdf(v.printed, DPI), printed_hashes(v.printed)
    v.pages = len(refs)
    by_text = _place_unmarked(pages, v, refs, hashes)
    ours = [p for p in pages if p.mark and p.mark.document_id == v.document_id]
    v.marks = {_mark(p).page: _mark(p).text_hash for p in ours}
    order = [_mark(p).page for p in ours]
    if order != sorted(order):
        v.notes.append("页序与打印件不同，已按二维码页码排好后比对：" + "、".join(map(str, order)))
    v.findings += [_foreign(name, p, v.document_id) for p in pages if p.mark and p.mark.document_id != v.document_id]
    text = _by_text(v, name, by_text, pack, refs, {_mark(p).page for p in ours})
    v.findings += text.findings + _count(name, ours, v, len(refs), text.covered)
    v.pages_checked.update(text.checked)
    _compare(v, name, ours, pack, policy, refs, hashes, text.signed)


def _by_text(v: Verdict, name: str, pages: list[ScanPage], pack: Pack, refs, skip: set[int]) -> bytext.TextResult:
    """Check the pages no printed page fits by image at text level (full-page OCR: only these pages)."""
    if not pages or v.printed is None:
        return bytext.TextResult()
    places = locate(v.printed, declared(pack, v.doc_kind) if v.doc_kind else [])
    return bytext.judge_by_text(name, pages, v.printed, pack, v.doc_kind, places, refs, skip)


def _mark(p: ScanPage) -> Mark:
    """Return a page's mark: the pages compared are those whose QR code was read."""
    assert p.mark is not None
    return p.mark


def _kind(document_id: str, pack: Pack) -> str:
    return next((d for d in pack.documents if document_id.lower().endswith("-" + d)), "")


def _foreign(name: str, p: ScanPage, ours: str) -> Finding:
    msg = f"{name}：{p.source}是另一份文件（{_mark(p).document_id}）的第{_mark(p).page}页，不属于{ours}"
    return finding("scan.pages", msg, document=name, location=p.source, found=_mark(p).document_id, expected=ours)


def _count(name: str, ours: list[ScanPage], v: Verdict, printed: int, covered: set[int]) -> list[Finding]:
    total = Counter(_mark(p).pages for p in ours).most_common(1)[0][0] if ours else printed
    seen = Counter(_mark(p).page for p in ours)
    out = [
        finding("scan.pages", f"{name}：缺少第{n}页（共{total}页）", document=name, location=f"第{n}页")
        for n in range(1, total + 1)
        if n not in seen and n not in covered
    ]
    out += [
        finding("scan.pages", f"{name}：第{n}页出现{k}次", document=name, location=f"第{n}页")
        for n, k in sorted(seen.items())
        if k > 1
    ]
    return out


def _place_unmarked(pages: list[ScanPage], v: Verdict, refs, hashes) -> list[ScanPage]:
    """Find the printed page of each page without a readable code by its image; return those none fits."""
    seen = {p.mark.page for p in pages if p.mark and p.mark.document_id == v.document_id}
    marked = [p.mark.version for p in pages if p.mark and p.mark.document_id == v.document_id]
    version = marked[0] if marked else v.version
    out = []
    for p in pages:
        if p.mark is not None:
            continue
        missing = [n for n in range(1, len(refs) + 1) if n not in seen]
        n = place_by_image(p.image, refs, missing or list(range(1, len(refs) + 1)))
        if n is None:
            out.append(p)
            continue
        seen.add(n)
        p.mark, p.how = Mark(v.document_id, version, n, len(refs), hashes[n - 1]), "二维码无法读取，按图像认定页码"
    return out


def _compare(
    v: Verdict, name: str, ours: list[ScanPage], pack: Pack, policy: Policy, refs, hashes, signed_by_text
) -> None:
    printed = v.printed
    if printed is None:  # (only called once the printed PDF was found)
        return
    specs = declared(pack, v.doc_kind) if v.doc_kind else []
    places = locate(printed, specs)
    signed: set[str] = set(signed_by_text)
    segments = list(_walk(pack.compiled_for(v.doc_kind).nodes)) if v.doc_kind else []
    doc = pdfium.PdfDocument(str(printed))
    try:
        for p in sorted(ours, key=lambda p: _mark(p).page):
            n = _mark(p).page
            if n > len(refs) or hashes[n - 1] != _mark(p).text_hash or _mark(p).version != _version(v, p):
                v.findings.append(_other_print(name, p, v))
                continue
            text = page_text(doc[n - 1], DPI)
            here = [pl for pl in places if pl.page == n]
            v.findings += _page(v, name, p, refs[n - 1], here, text, segments, signed, policy, doc[n - 1])
    finally:
        doc.close()
    v.findings += _missing_places(name, places, signed, policy, v)


def _version(v: Verdict, p: ScanPage) -> str:
    v.version = v.version or _mark(p).version
    return v.version


def _other_print(name: str, p: ScanPage, v: Verdict) -> Finding:
    msg = f"{name}：{p.source}（第{_mark(p).page}页）与存档的打印件不符（另一次打印或另一模板版本 {_mark(p).version}）"
    return finding("scan.pages", msg, document=name, location=f"第{_mark(p).page}页", found=_mark(p).text_hash)


def _page(v, name, p, ref, places, text, segments, signed, policy, pdf_page) -> list[Finding]:
    n = _mark(p).page
    reg = register(p.image, ref)
    dpi = DPI * reg.scale
    min_dpi = float(policy.data.get("signing", {}).get("min_dpi", 120))
    image = reg.image
    if not reg.ok or image is None or dpi < min_dpi:
        why = f"估计分辨率约{dpi:.0f} dpi" if reg.ok else "无法与打印件对齐（过于模糊、过暗或不完整）"
        return [_unreadable(name, f"第{n}页", f"{why}；请以至少150 dpi 灰度重新扫描整页")]
    v.pages_checked[n] = f"{p.how or '二维码'}+图像比对（约{dpi:.0f} dpi）"
    v.images[n] = image  # the values printed on the page are read here (scan/values.py)
    k = DPI / 72
    height = float(pdf_page.get_size()[1])
    ignore = [_px(qr_rect(float(pdf_page.get_size()[0])), height, k, pad=40, left_pad=700)]
    zones = [_px(pl.zone, height, k) for pl in places]
    blobs = differences(image, ref, ignore)
    out = []
    for b in blobs:
        if b.added and any(_inside(b, z) for z in zones):
            continue
        out.append(_altered(name, n, b, image, text, segments))
    for pl in places:
        if _ink_in(image, ref, _px(pl.core, height, k)):
            signed.add(pl.name)
    return out


def _px(rect, height: float, k: float, pad: int = 0, left_pad: int = 0) -> tuple[int, int, int, int]:
    left, bottom, right, top = rect
    return (
        int(left * k) - pad - left_pad,
        int((height - top) * k) - pad,
        int(right * k) + pad,
        int((height - bottom) * k) + pad,
    )


def _inside(b: Blob, zone) -> bool:
    cx, cy = b.x + b.w / 2, b.y + b.h / 2
    return zone[0] <= cx <= zone[2] and zone[1] <= cy <= zone[3]


def _ink_in(scan: np.ndarray, ref: np.ndarray, box) -> bool:
    x0, y0, x1, y1 = box
    marks = [b for b in differences(scan[y0:y1, x0:x1], ref[y0:y1, x0:x1], [], edge=0) if b.added]
    ink = sum(b.ink for b in marks)
    span = (max(b.x + b.w for b in marks) - min(b.x for b in marks)) if marks else 0
    return ink >= SIGNED_INK and span >= SIGNED_SPAN


def _altered(name: str, n: int, b: Blob, scan: np.ndarray, text: PageText, segments) -> Finding:
    box = b.box(6)
    printed = text.near(box)
    clause, row = clause_of(printed, segments), ""
    if not clause:  # a table cell: its wording is short, so the clause is the one its table belongs to
        clause, row = clause_before(text.before(box), segments), re.sub(r"[\s,.\d]", "", text.row_label(box))
    value = ""
    if b.added:
        read = ocr.read_region(scan, box)
        what = f"手写或添加的内容“{read}”" if read else "手写或添加的笔迹"
        value = text.value_below(box) if NUMBER.fullmatch(read.replace(" ", "")) else ""
        if value:  # a figure written over or above a printed one: the value the deal has is the printed one
            same = same_figures(read, value)
            what += f"，{'与' if same else '改写'}打印的金额/数值{value}{'相同' if same else '（与成交资料不符）'}"
    else:
        read = text.under(b.box(4))
        what = f"打印的文字“{read}”被涂去或遮盖" if read else "打印内容缺失"
    where = page_place(n, clause, segments) + (f"（表格“{row}”行）" if row else "")
    return finding(
        "scan.altered",
        f"{name}：{where}：{what}",
        document=name,
        location=f"第{n}页",
        clause=clause,
        found=read,
        expected=value,
        extra={"page": n, "box": list(box), "added": b.added, "crop_png": _crop_png(scan, box)},
    )


def _crop_png(image: np.ndarray, box) -> str:
    x0, y0, x1, y1 = box
    crop = image[max(y0 - 45, 0) : y1 + 45, max(x0 - 60, 0) : x1 + 60]  # the printed text around it, to compare
    ok, buf = cv2.imencode(".png", crop)
    return base64.b64encode(buf.tobytes()).decode("ascii") if ok else ""


def _missing_places(name: str, places: list[Place], signed: set[str], policy: Policy, v: Verdict) -> list[Finding]:
    required = set((policy.data.get("signing", {}).get("required") or {}).get(v.doc_kind) or [])
    out = []
    for pl in places:
        base = pl.name.split("[")[0]
        if base in required and pl.name not in signed and pl.page in v.pages_checked:
            msg = f"{name}：第{pl.page}页“{pl.label}”处未签署"
            out.append(finding("sign.missing", msg, document=name, location=f"第{pl.page}页", expected=pl.label))
    return out


def _unreadable(name: str, where: str, why: str) -> Finding:
    return finding("scan.unreadable", f"{name}：{where + '：' if where else ''}{why}", document=name, location=where)


def checked_scan(path: Path, project, policy: Policy, pack: Pack, script: str | None = None):
    """Judge one scan or photo file for `loupan check`, as a CheckedDocument.

    Every text-level rule runs on the printed PDF the scan was matched with, with the values as the scan
    carries them (`scan/values.py`: each term OCR'd in its box, a correction written over it taken).
    """
    from toolkit.checks.documents import CheckedDocument, check_one

    v = judge_files([path], pack, policy)
    out = CheckedDocument(path, v.doc_kind, pack.name, v.version, findings=list(v.findings))
    if v.printed is not None:
        reader = values.Reader(v.images, [f for f in v.findings if f.rule == "scan.altered"], v.printed)
        base = check_one(v.printed, project, policy, pack, script, read=reader)
        out.printed, out.parsed = base.printed, base.parsed
        out.values_read = values.rows(
            reader.reads, lambda r: base.outline.place(r.clause, base.printed, r.path).location
        )
        out.findings += values.annotated([f for f in base.findings if not f.rule.startswith("sign.")], reader.reads)
    out.pages_checked = how_checked(v)
    checked = [f"第{n}页：{h}" for n, h in sorted(out.pages_checked.items())] or ["未能逐页比对"]
    out.how = "；".join(checked + v.notes)
    out.signed_copy = SignedCopy(path.name, v.document_id, v.marks, out.how)
    return out


def how_checked(v: Verdict) -> dict[int, str]:
    """Say for each printed page how it was checked, or why it was not (the finding that says so)."""
    out = dict(v.pages_checked)
    for n in range(1, v.pages + 1):
        if n not in out:
            why = next((f.message.split("：", 1)[-1] for f in v.findings if f.location == f"第{n}页"), "未能比对")
            out[n] = f"未核对（{why}）"
    return out
