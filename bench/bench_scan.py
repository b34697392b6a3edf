"""Verdict on a signed, scanned 认购书 (6 pages) against full-page OCR of the same pages, side by side.

The scan is built in this run: the example deal rendered and marked, signed and stamped, one amount struck
through and rewritten (so the verdict does OCR a little), degraded like a 150 dpi copier scan. The baseline
is what reading the scan without the printed page would cost: RapidOCR on every whole page.
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
from toolkit.scan.judge import judge_files  # noqa: E402
from toolkit.scan.places import declared, locate  # noqa: E402
from toolkit.scan.raster import load_pages, render_pdf  # noqa: E402

EXAMPLE = ROOT / "examples" / "cuihu"


def build_scan(ws, doc: str, out: Path) -> tuple[Path, Path, Path]:
    """Render, sign, alter and scan one document; return the printed PDF, the scan, and the scan with a code torn off."""
    api.render(ws, deals=[EXAMPLE / "deals" / "CHY-2026-0001.yaml"], docs=[doc], out=out, pdf=True)
    printed = next(out.glob(f"*-{doc}.pdf"))
    pages = render_pdf(printed)
    corpus.sign_all(pages, locate(printed, declared(ws.pack, doc)), 841.89)
    corpus.alter_amount(pages)
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


def bench(ws, doc: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        printed, scan, torn = build_scan(ws, doc, Path(tmp))
        ocr.engine()  # load the models once, outside both timings
        v = judge_files([scan], ws.pack, ws.policy, near=[printed.parent])
        t = judge_files([torn], ws.pack, ws.policy, near=[printed.parent])
        n = len(v.pages_checked)
        full = full_page_ocr(scan)
    rules = sorted({f.rule for f in v.findings})
    load = "/".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"{doc}: {n} pages judged, findings {rules}  (load average {load})")
    print(
        f"  verdict        {v.seconds:7.2f} s  ({v.seconds / n:.2f} s/page, OCR {v.ocr_seconds:.2f} s = "
        f"{v.ocr_seconds / v.seconds:.0%}, {ocr.Stopwatch.calls} OCR calls)"
    )
    print(
        f"  one code torn  {t.seconds:7.2f} s  (page placed by its image; findings {sorted({f.rule for f in t.findings})})"
    )
    print(f"  full-page OCR  {sum(full):7.2f} s  ({sum(full) / len(full):.2f} s/page)")
    share = v.seconds / sum(full)
    print(f"  ratio          {share:7.2f}  (target <= 0.25)")
    record("scan", f"{doc} scan verdict / full-page OCR", [share], "<= 0.25", share <= 0.25)
    record("scan", f"{doc} verdict s/page (load {load})", [v.seconds / n], "-")
    record("scan", f"{doc} full-page OCR s/page", full, "-")
    record("scan", f"{doc} verdict share in OCR", [v.ocr_seconds / v.seconds], "-")


def main() -> None:
    if not find_soffice():
        sys.exit("LibreOffice is needed to render the printed document")
    ws = api.open_project(EXAMPLE)
    for doc in sys.argv[1:] or ["subscription", "contract"]:
        bench(ws, doc)


if __name__ == "__main__":
    main()
