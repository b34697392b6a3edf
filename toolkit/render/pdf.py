"""PDF through LibreOffice headless: many documents per start, one process per core, provenance stamped with pypdf."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from toolkit.errors import PdfConversionError, PdfUnavailableError

CHUNK = 40  # documents per LibreOffice start: one start is ~1-2 s, a conversion ~0.3 s
MIN_PER_PROCESS = 2  # a second process pays a second start: worth it from two documents each
SECONDS_PER_DOC = 60


def find_soffice() -> str | None:
    """Return the LibreOffice executable, or None when it is not installed."""
    override = os.environ.get("LOUPAN_SOFFICE")
    if override:
        return override if shutil.which(override) else None
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(
    docx_files: Iterable[Path], out_dir: Path, *, chunk: int = CHUNK, processes: int | None = None
) -> list[Path]:
    """Convert DOCX files to PDFs in out_dir (in the same order), across LibreOffice processes side by side.

    LibreOffice converts one document at a time, so a batch is dealt out to `processes` lanes (default: one per
    core), each a LibreOffice of its own with its own profile, `chunk` documents per start.
    """
    soffice = find_soffice()
    if soffice is None:
        raise PdfUnavailableError()
    files = [Path(f).resolve() for f in docx_files]
    out_dir.mkdir(parents=True, exist_ok=True)
    lanes = deal_out(len(files), processes or default_processes(len(files)))
    done: dict[int, Path] = {}
    with ThreadPoolExecutor(max_workers=max(1, len(lanes))) as pool:
        runs = [pool.submit(_convert_lane, soffice, [files[k] for k in lane], out_dir, chunk) for lane in lanes]
        for lane, run in zip(lanes, runs):
            done.update(zip(lane, run.result()))
    return [done[k] for k in range(len(files))]


def default_processes(count: int) -> int:
    """Return how many LibreOffice processes a batch gets: one per core, at least two documents each."""
    return max(1, min(os.cpu_count() or 1, count // MIN_PER_PROCESS))


def deal_out(count: int, lanes: int) -> list[list[int]]:
    """Split document indexes into consecutive runs of near-equal length, one per lane.

    Consecutive, not in turn: a batch alternates 认购书 and contract, and dealing in turn would give one lane
    every contract.
    """
    lanes = max(1, min(lanes, count))
    bounds = [round(i * count / lanes) for i in range(lanes + 1)]
    return [list(range(a, b)) for a, b in zip(bounds, bounds[1:])] if count else []


def _convert_lane(soffice: str, files: list[Path], out_dir: Path, chunk: int) -> list[Path]:
    made: list[Path] = []
    for i in range(0, len(files), chunk):
        made += _convert_chunk(soffice, files[i : i + chunk], out_dir)
    return made


def _convert_chunk(soffice: str, files: list[Path], out_dir: Path) -> list[Path]:
    with tempfile.TemporaryDirectory(prefix="loupan-lo-") as tmp:
        profile = Path(tmp) / "profile"
        work = Path(tmp) / "out"
        cmd = [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "pdf:writer_pdf_Export",
            "--outdir",
            str(work),
            *map(str, files),
        ]
        try:
            subprocess.run(cmd, capture_output=True, timeout=30 + SECONDS_PER_DOC * len(files), check=False)
        except subprocess.TimeoutExpired:
            raise PdfConversionError(f"LibreOffice 未能在时限内转换完 {len(files)} 个文件") from None
        return [_collect(work, f, out_dir) for f in files]


def _collect(work: Path, source: Path, out_dir: Path) -> Path:
    pdf = work / (source.stem + ".pdf")
    if not pdf.is_file():
        raise PdfConversionError(f"LibreOffice 未能为 {source.name} 生成PDF")
    target = out_dir / pdf.name
    shutil.move(str(pdf), target)
    return target


def stamp_metadata(pdf: Path, metadata: dict[str, str]) -> None:
    """Write provenance into a PDF's document information, in place."""
    from pypdf import PdfReader, PdfWriter  # only a PDF batch needs it: keep it out of every command's start

    writer = PdfWriter(clone_from=PdfReader(pdf))
    writer.add_metadata(metadata)
    tmp = pdf.with_suffix(".pdf.tmp")
    with tmp.open("wb") as f:
        writer.write(f)
    tmp.replace(pdf)


def read_metadata(pdf: Path) -> dict[str, str]:
    """Read a PDF's document information."""
    from pypdf import PdfReader

    info: dict[str, Any] = dict(PdfReader(pdf).metadata or {})
    return {str(k): str(v) for k, v in info.items()}
