"""PDF conversion: the toolkit's batches against one LibreOffice start per document, same documents.

Both sides convert the same rendered DOCX files (subscription forms and contracts) in the same run.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pypdf import PdfReader

sys.path.insert(0, str(Path(__file__).resolve().parent))
from deals import make_project  # noqa: E402

from toolkit import api  # noqa: E402
from toolkit.render import pdf  # noqa: E402

N_DEALS = int(sys.argv[1]) if len(sys.argv) > 1 else 8


def one_start_per_document(files: list[Path], out: Path) -> float:
    soffice = pdf.find_soffice()
    start = time.perf_counter()
    for i, f in enumerate(files):
        profile = (out / f"profile-{i}").as_uri()
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation={profile}",
                "--headless",
                "--norestore",
                "--convert-to",
                "pdf",
                "--outdir",
                str(out),
                str(f),
            ],
            capture_output=True,
            check=True,
        )
    return time.perf_counter() - start


def batched(files: list[Path], out: Path) -> float:
    start = time.perf_counter()
    pdf.convert(files, out)
    return time.perf_counter() - start


def pages(folder: Path) -> int:
    return sum(len(PdfReader(p).pages) for p in folder.glob("*.pdf"))


def main() -> None:
    if pdf.find_soffice() is None:
        sys.exit("LibreOffice is not installed: apt-get install libreoffice-writer-nogui fonts-noto-cjk")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        ws = api.open_project(make_project(tmp / "project", N_DEALS))
        result = api.render(ws, deals=api.deal_files(ws), docs=["subscription", "contract"], out=tmp / "docx")
        files = [d.docx for d in result.documents]
        pdf.convert(files[:1], tmp / "warm")  # first start of a machine fills font caches
        t_single = one_start_per_document(files, _mk(tmp / "single"))
        t_batch = batched(files, _mk(tmp / "batch"))
        same_pages = pages(tmp / "single") == pages(tmp / "batch")
    n = len(files)
    print(
        f"pdf {n} documents: one LibreOffice start each {t_single / n:.2f} s/doc, batched "
        f"{t_batch / n:.2f} s/doc, speed-up {t_single / t_batch:.1f}x (target >= 3x); same page count: {same_pages}"
    )


def _mk(path: Path) -> Path:
    path.mkdir(parents=True)
    return path


if __name__ == "__main__":
    main()
