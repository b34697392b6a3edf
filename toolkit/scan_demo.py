"""Sign and scan a printed 认购书 for the demo: one clean scan, one with an amount struck and rewritten.

python -m toolkit.scan_demo PROJECT PRINTED.pdf OUTDIR   (writes OUTDIR/<deal>-<doc>-signed.pdf and -altered.pdf)
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pypdfium2 as pdfium

from toolkit import api
from toolkit.scan import corpus
from toolkit.scan.places import declared, locate
from toolkit.scan.raster import render_pdf

HEIGHT = 841.89  # A4 in points
MONEY = re.compile(r"\d{1,3}(?:,\d{3})+\.\d\d")


def largest_amount(printed: Path, page: int) -> tuple[int, int, int]:
    """Return where the largest amount printed on a page is, as pixels (x0, x1, middle height)."""
    doc = pdfium.PdfDocument(str(printed))
    try:
        text = doc[page - 1].get_textpage()
        amounts = MONEY.findall(text.get_text_range())
        top = max(amounts, key=lambda a: float(a.replace(",", "")))
        start, count = text.search(top).get_next()
        left, bottom, _, top_pt = text.get_charbox(start)
        right = text.get_charbox(start + count - 1)[2]
    finally:
        doc.close()
    x0, y0, x1, y1 = corpus.to_px((left, bottom, right, top_pt), HEIGHT)
    return x0, x1, (y0 + y1) // 2


def make_scans(project: Path, printed: Path, out: Path) -> tuple[Path, Path]:
    """Write a clean signed scan and an altered one of a printed document; return their paths."""
    ws = api.open_project(project)
    doc = printed.stem.rsplit("-", 1)[1]
    places = locate(printed, declared(ws.pack, doc))
    out.mkdir(parents=True, exist_ok=True)
    clean, altered = out / f"{printed.stem}-signed.pdf", out / f"{printed.stem}-altered.pdf"
    pages = render_pdf(printed)
    corpus.sign_all(pages, places, HEIGHT)
    corpus.scan_pdf(pages, clean)
    corpus.alter_amount(pages, 3, largest_amount(printed, 3), "4800000")
    corpus.scan_pdf(pages, altered)
    return clean, altered


def main(argv: list[str]) -> None:
    for path in make_scans(Path(argv[0]), Path(argv[1]), Path(argv[2])):
        print(path)


if __name__ == "__main__":
    main(sys.argv[1:])
