"""Verdict on a signed, scanned 认购书 (6 pages) against full-page OCR of the same pages, side by side.

The scan is built in this run: the example deal rendered and marked, signed and stamped, one amount struck
through and rewritten (so the verdict does OCR a little), degraded like a 150 dpi copier scan. The verdict is
what `loupan check` does: the image comparison, the printed values read back by OCR in their boxes
(scan/values.py) and the document rules on them. The baseline is what reading the scan without the printed
page would cost: RapidOCR on every whole page.
The same scan with page 4's code torn off is judged too (the page is found by its image).
Usage: python bench/bench_scan.py [documents...]   (the 6-page 认购书 and the 23-page contract by default)
Each figure goes to the `make bench` summary (bench/runs.py record()), with the load average it ran under: on a
shared machine the seconds are upper bounds, the ratio (both timed in the same run) is what to compare.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

sys.path.insert(0, str(Path(__file__).resolve().parent))
from runs import record  # noqa: E402

from toolkit import api  # noqa: E402
from toolkit.render.pdf import find_soffice  # noqa: E402
from toolkit.scan import corpus, ocr  # noqa: E402
from toolkit.scan.judge import checked_scan, judge_files  # noqa: E402
from toolkit.scan.places import declared, locate  # noqa: E402
from toolkit.scan.raster import load_pages, render_pdf  # noqa: E402
from toolkit.scan_demo import largest_amount  # noqa: E402

EXAMPLE = ROOT / "examples" / "cuihu"


def build_scan(ws, doc: str, out: Path) -> tuple[Path, Path, Path]:
    """Render, sign, alter and scan one document; return the printed PDF, the scan, and the scan with a code torn off."""
    api.render(ws, deals=[EXAMPLE / "deals" / "CHY-2026-0001.yaml"], docs=[doc], out=out, pdf=True)
    printed = next(out.glob(f"*-{doc}.pdf"))
    pages = render_pdf(printed)
    corpus.sign_all(pages, locate(printed, declared(ws.pack, doc)), 841.89)
    corpus.alter_amount(pages, 3, largest_amount(printed, 3), "4800000")  # the loan amount, as the demo does
    scan = out / "scans" / f"scan-{doc}.pdf"
    scan.parent.mkdir()
    corpus.scan_pdf(pages, scan)
    pages[3][1600:1754, 1000:1240] = 255  # page 4's corner torn off: found among the printed pages by its image
    torn = out / "scans" / f"torn-{doc}.pdf"
    corpus.scan_pdf(pages, torn)
    return printed, scan, torn


def full_page_ocr(scan: Path) -> list[float]:
    """OCR every page of the scan whole; return seconds per page."""
    times = []
    for page in load_pages(scan):
        start = time.perf_counter()
        ocr.engine()(page)
        times.append(time.perf_counter() - start)
    return times


def verdict(ws, scan: Path, printed: Path) -> tuple[object, float, float, int]:
    """Judge a scan as `loupan check` does; return the document, its seconds, the OCR seconds and OCR calls."""
    os.environ["LOUPAN_PRINTED"] = str(printed.parent)
    start, ocr_before, calls = time.perf_counter(), ocr.Stopwatch.seconds, ocr.Stopwatch.calls
    doc = checked_scan(scan, ws.project, ws.policy, ws.pack)
    return doc, time.perf_counter() - start, ocr.Stopwatch.seconds - ocr_before, ocr.Stopwatch.calls - calls


def bench(ws, doc: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        printed, scan, torn = build_scan(ws, doc, Path(tmp))
        ocr.engine()  # load the models once, outside both timings
        checked, seconds, ocr_seconds, calls = verdict(ws, scan, printed)
        v = judge_files([scan], ws.pack, ws.policy, near=[printed.parent])  # the image comparison alone
        t = judge_files([torn], ws.pack, ws.policy, near=[printed.parent])
        n = len(v.pages_checked)
        full = full_page_ocr(scan)
    rules = sorted({f.rule for f in checked.findings})
    load = "/".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"{doc}: {n} pages judged, {len(checked.values_read)} values read, findings {rules}  (load average {load})")
    print(
        f"  verdict        {seconds:7.2f} s  ({seconds / n:.2f} s/page, OCR {ocr_seconds:.2f} s = "
        f"{ocr_seconds / seconds:.0%}, {calls} OCR calls)"
    )
    print(f"  image only     {v.seconds:7.2f} s  (no values read; OCR {v.ocr_seconds:.2f} s)")
    print(
        f"  one code torn  {t.seconds:7.2f} s  (page placed by its image; findings {sorted({f.rule for f in t.findings})})"
    )
    print(f"  full-page OCR  {sum(full):7.2f} s  ({sum(full) / len(full):.2f} s/page)")
    share = seconds / sum(full)
    print(f"  ratio          {share:7.2f}  (target <= 0.25)")
    record("scan", f"{doc} scan verdict / full-page OCR", [share], "<= 0.25", share <= 0.25)
    record("scan", f"{doc} verdict s/page (load {load})", [seconds / n], "-")
    record("scan", f"{doc} full-page OCR s/page", full, "-")
    record("scan", f"{doc} verdict share in OCR", [ocr_seconds / seconds], "-")


def main() -> None:
    if not find_soffice():
        sys.exit("LibreOffice is needed to render the printed document")
    ws = api.open_project(EXAMPLE)
    for doc in sys.argv[1:] or ["subscription", "contract"]:
        bench(ws, doc)


if __name__ == "__main__":
    main()
