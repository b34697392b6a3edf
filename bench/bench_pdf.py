"""PDF output for a batch: one LibreOffice process against one per core (each with its own profile), same files.

Both sides convert the same 40 rendered DOCX files (认购书 and contracts of 20 deals), interleaved round by round;
the floor is one LibreOffice start plus 40 conversions in one process. Usage: bench_pdf.py [DEALS] [ROUNDS]
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

from pypdf import PdfReader

sys.path.insert(0, str(Path(__file__).resolve().parent))
from deals import make_project  # noqa: E402
from runs import interleaved, per_round, ratio, record, spread  # noqa: E402

from toolkit import api  # noqa: E402
from toolkit.render import pdf  # noqa: E402

N_DEALS = int(sys.argv[1]) if len(sys.argv) > 1 else 20
ROUNDS = int(sys.argv[2]) if len(sys.argv) > 2 else 3


def pages(folder: Path) -> list[int]:
    return [len(PdfReader(p).pages) for p in sorted(folder.glob("*.pdf"))]


def main() -> None:
    if pdf.find_soffice() is None:
        sys.exit("LibreOffice is not installed: apt-get install libreoffice-writer-nogui fonts-noto-cjk")
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        ws = api.open_project(make_project(tmp / "project", N_DEALS))
        result = api.render(ws, deals=api.deal_files(ws), docs=["subscription", "contract"], out=tmp / "docx")
        files = [d.docx for d in result.documents]
        pdf.convert(files[:1], tmp / "warm")  # the first start of a machine fills font caches

        def run(processes: int):
            out = tmp / f"out-{processes}"
            shutil.rmtree(out, ignore_errors=True)
            pdf.convert(files, out, processes=processes)

        times = interleaved({"one": lambda: run(1), "many": lambda: run(cores)}, ROUNDS)
        same = pages(tmp / "out-1") == pages(tmp / f"out-{cores}")
    n = len(files)
    per_doc = [t / n for t in times["one"]], [t / n for t in times["many"]]
    print(
        f"pdf {n} documents, {ROUNDS} rounds: one LibreOffice {spread(per_doc[0])}/doc, "
        f"{cores} side by side {spread(per_doc[1])}/doc; speed-up {ratio(times['one'], times['many'])} "
        f"on {cores} cores; same pages: {same}"
    )
    speedup = per_round(times["one"], times["many"])
    record(
        "pdf",
        f"{n} docs: one LibreOffice / {cores} side by side",
        speedup,
        f"> 1x on {cores} cores",
        same and min(speedup) > 1,
    )


if __name__ == "__main__":
    main()
