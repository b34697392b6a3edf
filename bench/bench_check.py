"""Checking a 认购书 + contract pair: DOCX against the 100 ms budget, PDF against pypdfium2's own text extraction.

The pack and project are loaded once (a watcher keeps them loaded); each figure is the median of repeated
checks of the same clean pair, rendered from the example deal in this run.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

import pypdfium2 as pdfium
from pypdf import PdfReader

sys.path.insert(0, str(Path(__file__).resolve().parent))
from runs import interleaved, per_round, record  # noqa: E402

from toolkit import api
from toolkit.render.pdf import find_soffice

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "cuihu"
ROUNDS = int(sys.argv[1]) if len(sys.argv) > 1 else 15


def median_ms(fn, rounds: int = ROUNDS) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    ws = api.open_project(EXAMPLE)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        result = api.render(
            ws,
            deals=[EXAMPLE / "deals" / "CHY-2026-0001.yaml"],
            docs=["subscription", "contract"],
            out=out,
            pdf=find_soffice() is not None,
        )
        docx_pair = [d.docx for d in result.documents]
        assert api.check(ws, docx_pair).findings == [], "the clean pair must check clean"
        t_docx = median_ms(lambda: api.check(ws, docx_pair))
        print(f"check DOCX pair: {t_docx:.1f} ms (budget 100 ms)")
        record("check", "DOCX pair check, ms", [t_docx], "<= 100 ms", t_docx <= 100)
        if find_soffice() is None:
            print("check PDF pair: skipped, LibreOffice is not installed")
            return
        pdf_pair = [d.pdf for d in result.documents]
        assert api.check(ws, pdf_pair).findings == [], "the clean PDF pair must check clean"
        t_pdfium = median_ms(lambda: [_pdfium_text(f) for f in pdf_pair])
        t_pypdf = median_ms(lambda: [[p.extract_text() for p in PdfReader(f).pages] for f in pdf_pair], 3)
        t_pdf = median_ms(lambda: api.check(ws, pdf_pair))
        side = interleaved(
            {"check": lambda: api.check(ws, pdf_pair), "pdfium": lambda: [_pdfium_text(f) for f in pdf_pair]}, ROUNDS
        )
        ratios = per_round(side["check"], side["pdfium"])
        record("check", "PDF pair check / pypdfium2 text extraction", ratios, "<= 3x", statistics.median(ratios) <= 3)
        print(
            f"check PDF pair: {t_pdf:.0f} ms; pypdfium2 text extraction alone {t_pdfium:.0f} ms, "
            f"ratio {t_pdf / t_pdfium:.2f} (target 3); pypdf extraction (the old reader) {t_pypdf:.0f} ms, "
            f"check {t_pdf / t_pypdf:.2f}x of it"
        )


def _pdfium_text(path: Path) -> list[str]:
    doc = pdfium.PdfDocument(str(path))
    try:
        return [page.get_textpage().get_text_range() for page in doc]
    finally:
        doc.close()


if __name__ == "__main__":
    main()
