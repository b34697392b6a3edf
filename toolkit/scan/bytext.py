"""Judge pages at text level (`textlevel`): which document they are, what differs, which places are signed.

A document none of whose pages has a readable code is named by OCR: its kind by the pack's wording, its deal
by the document number read on its pages, matched with the printed PDFs on record (beside the scan, in
LOUPAN_PRINTED, the project's output). Its pages that fit a printed page by their image are then compared
image to image like any other; only the rest are read whole and compared by text.
"""

from __future__ import annotations

import os
from bisect import bisect_left
from dataclasses import dataclass, field
from pathlib import Path

from toolkit.findings import Finding
from toolkit.pack.clauses import _walk
from toolkit.pack.manifest import Pack
from toolkit.render.pdf import read_metadata
from toolkit.rules import finding
from toolkit.scan.pages import PRINTED_ENV, ScanPage
from toolkit.scan.places import STAMP_REACH, Place
from toolkit.scan.textcompare import flatten
from toolkit.scan.textlevel import (
    HOW,
    Expected,
    TextPage,
    compare_page,
    covered_pages,
    expected_of,
    hunk_finding,
    place_ink,
    place_lines,
    read_page,
)

WINDOW = 8  # characters of fixed wording that name a document kind
MIN_HITS = 5


@dataclass
class Printed:
    """The printed PDF a document without codes was matched with by its text."""

    path: Path
    document_id: str
    kind: str
    version: str
    script: str


@dataclass
class TextResult:
    """What the pages checked by text gave."""

    findings: list[Finding] = field(default_factory=list)
    checked: dict[int, str] = field(default_factory=dict)  # printed page N → how it was checked
    signed: set[str] = field(default_factory=set)  # the places judged (signed, or unreadable and reported)
    covered: set[int] = field(default_factory=set)  # the printed pages the pages read by text cover


def identify(pages: list[ScanPage], pack: Pack, near: list[Path]) -> Printed | str:
    """Name a document without codes by OCR of its first pages; say why when it cannot be named."""
    text = ""
    for p in pages[:2]:
        text += "\n".join(ln.text for ln in read_page(p.image))
        kind, script = _kind(text, pack)
        if kind:
            break
    else:
        return "页面没有可读取的二维码，文字识别也未能认出是哪一份文件"
    title = pack.documents[kind].title
    flat = flatten(text).text
    matches = [c for c in _candidates(kind, near) if flatten(c[0]).text in flat]
    if not matches:
        return f"页面没有可读取的二维码；文字识别为{title}，但读出的文件编号与存档的打印件均不符（或编号无法识别）"
    number, path = max(matches, key=lambda c: len(c[0]))
    meta = read_metadata(path)
    return Printed(
        path, f"{number}-{kind}", kind, meta.get("/LoupanPackVersion", ""), meta.get("/LoupanScript") or script
    )


def _kind(text: str, pack: Pack) -> tuple[str, str]:
    flat = flatten(text).text
    windows = {flat[i : i + WINDOW] for i in range(0, max(len(flat) - WINDOW, 0) + 1, 2)}
    best = (0, "", "")
    for doc in pack.docs_per("deal"):
        for script in ("hans", "hant"):
            segments = _walk(pack.compiled_for(doc, script).nodes)
            wording = "|".join(flatten("".join(t.text for t in s.tokens if not t.is_var)).text for s in segments)
            hits = sum(w in wording for w in windows)
            best = max(best, (hits, doc, script))
    return (best[1], best[2]) if best[0] >= MIN_HITS else ("", "")


def _candidates(kind: str, near: list[Path]) -> list[tuple[str, Path]]:
    """Return (document number, path) of each printed PDF of this kind on record."""
    folders = [*near, *(Path(p) for p in os.environ.get(PRINTED_ENV, "").split(os.pathsep) if p)]
    out = []
    for folder in folders:
        for pdf in sorted(folder.rglob("*.pdf")) if folder.is_dir() else []:
            for suffix in (f"-{kind}.pdf", f"-{kind}-hant.pdf"):
                if pdf.name.lower().endswith(suffix) and read_metadata(pdf).get("/LoupanMarks") == "1":
                    out.append((pdf.name[: -len(suffix)], pdf))
    return out


def judge_by_text(name: str, pages: list[ScanPage], printed: Path, pack: Pack, kind: str, places, refs, skip):
    """Compare pages by their text with the printed PDF; `skip`: the printed pages already compared by image."""
    script = read_metadata(printed).get("/LoupanScript") or "hans"
    segments = list(_walk(pack.compiled_for(kind, script).nodes)) if kind else []
    exp = expected_of(printed, segments)
    tps = [compare_page(p, exp) for p in pages]
    out = TextResult()
    why = "文字识别后与打印件的文字对不上（过于模糊、过暗，或不是这份文件的一页）；请以至少150 dpi 灰度重新扫描整页"
    out.findings += [_unreadable(name, tp.page.source, why) for tp in tps if tp.covered is None]
    good = [tp for tp in tps if tp.covered]
    out.covered = covered_pages(good, exp) - set(skip)
    for tp in good:
        overlapped = [n for n in range(1, len(exp.starts) + 1) if _overlaps(tp, exp, n)]
        if not set(overlapped) & out.covered:  # its text is all on pages already accounted for
            where = "、".join(f"第{n}页" for n in overlapped)
            msg = f"{name}：{tp.page.source}的文字是打印件{where}的内容，该页已有，重复"
            out.findings.append(finding("scan.pages", msg, document=name, location=tp.page.source))
    for n in sorted(out.covered):
        sources = "、".join(tp.page.source for tp in good if _overlaps(tp, exp, n))
        out.checked[n] = f"二维码无法读取，{HOW}（{sources}）"
    ignore = _places(name, good, [pl for pl in places if pl.page in out.covered], refs, out, exp.flat.text)
    remainders = _remainders(exp, {pl.label for pl in places})
    for t, tp in enumerate(good):
        seen = set()
        for h in tp.hunks:
            if not _in_place(tp, h, ignore.get(t, set()), remainders):
                f = hunk_finding(name, tp, h, exp)
                if (f.location, f.expected, f.found) not in seen:  # two hunks in one number: one change
                    out.findings.append(f)
                seen.add((f.location, f.expected, f.found))
    return out


def _overlaps(tp: TextPage, exp: Expected, n: int) -> bool:
    bounds = [*exp.starts, len(exp.flat.text)]
    return tp.covered is not None and tp.covered[0] < bounds[n] and tp.covered[1] > bounds[n - 1]


def _places(
    name: str, tps: list[TextPage], places: list[Place], refs, out: TextResult, doc: str
) -> dict[int, set[int]]:
    """Judge the ink of each place on a page read by text; return the lines of each page a place covers."""
    ignore: dict[int, set[int]] = {}
    for label in dict.fromkeys(pl.label for pl in places):
        mine = sorted((pl for pl in places if pl.label == label), key=lambda pl: (pl.page, -pl.core[3]))
        found = place_lines(tps, label)
        for pl, (t, i, x_end) in zip(mine, found):
            tp = tps[t]
            ignore.setdefault(t, set()).update(_near_lines(tp, i, pl))
            height = refs[pl.page - 1].shape[0] * 72 / 150
            row = [tp.lines[j] for j in _near_lines(tp, i, pl) if _printed_words(tp.lines[j], tp.lines[i], doc)]
            ink = place_ink(tp.page.image, tp.lines[i], x_end, pl, refs[pl.page - 1], height, row)
            if ink is None:
                msg = f"第{pl.page}页“{pl.label}”处无法与打印件对齐，未能判断是否签署；请以至少150 dpi 灰度重新扫描"
                out.findings.append(_unreadable(name, tp.page.source, msg))
            if ink is not False:  # signed, or reported as unreadable (never taken as signed without a look)
                out.signed.add(pl.name)
        for pl in mine[len(found) :]:
            out.findings.append(_unreadable(name, f"第{pl.page}页", f"文字识别未找到“{pl.label}”，未能判断是否签署"))
            out.signed.add(pl.name)
    return ignore


def _printed_words(ln, label_line, doc: str) -> bool:
    """Tell whether an OCR line on a place's row is print: the label's own line, or words the printed text has."""
    same_row = abs((ln.box[1] + ln.box[3]) / 2 - (label_line.box[1] + label_line.box[3]) / 2) < 0.5 * (
        label_line.box[3] - label_line.box[1]
    )
    words = flatten(ln.text).text
    return same_row and (ln is label_line or (len(words) >= 2 and words in doc))


def _near_lines(tp: TextPage, i: int, pl: Place) -> set[int]:
    """Return the lines a place's ink may overlap: its own row, and for a seal the lines within its reach."""
    line = tp.lines[i]
    mid, height = (line.box[1] + line.box[3]) / 2, line.box[3] - line.box[1]
    px_per_pt = tp.page.image.shape[1] / 595.0
    reach = STAMP_REACH * px_per_pt if pl.kind == "stamp" else 0.6 * height
    return {j for j, ln in enumerate(tp.lines) if abs((ln.box[1] + ln.box[3]) / 2 - mid) <= max(reach, 0.6 * height)}


def _remainders(exp: Expected, labels: set[str]) -> list[tuple[int, int]]:
    """Return the stretches of the printed text right of each place's label, to the end of its line."""
    out = []
    for label in labels:
        want = flatten(label).text
        at = exp.flat.text.find(want)
        while want and at >= 0:
            src = exp.flat.source.find("\n", exp.flat.at[at + len(want) - 1])
            end = bisect_left(exp.flat.at, src if src >= 0 else len(exp.flat.source))
            out.append((at + len(want), end))
            at = exp.flat.text.find(want, at + 1)
    return out


def _in_place(tp: TextPage, h, lines: set[int], remainders: list[tuple[int, int]]) -> bool:
    """Tell whether a difference is a place's ink read as text (a signature or a seal over the print)."""
    in_remainder = any(lo <= h.a0 and h.a1 <= hi for lo, hi in remainders)
    if not h.found:
        return in_remainder
    on_lines = tp.lines_of(h.b0, h.b1) <= lines
    return on_lines and (in_remainder or len(h.expected) <= 3)


def _unreadable(name: str, where: str, why: str) -> Finding:
    return finding("scan.unreadable", f"{name}：{where + '：' if where else ''}{why}", document=name, location=where)
