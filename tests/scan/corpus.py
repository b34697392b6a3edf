"""The scan corpus of the tests: the builders live in toolkit.scan.corpus (shared with the demo and the bench)."""

from __future__ import annotations

import numpy as np

from toolkit.scan.corpus import (  # noqa: F401  (re-exported for the tests)
    K,
    alter_amount,
    degrade,
    handwrite,
    photograph,
    save_pdf,
    scan_pdf,
    sign_all,
    signature,
    stamp,
    strike,
    to_px,
)


def render_other(printed) -> list[np.ndarray]:
    """Return the page images of the second deal's printed 认购书."""
    from toolkit.scan.raster import render_pdf

    return render_pdf(sorted(printed.glob("*-subscription.pdf"))[1])


def printed_from_docx(docx, out_dir, variants: dict[str, dict[str, str]]) -> dict[str, object]:
    """Print a rendered DOCX the way a buyer does, without the print marks and with other page margins.

    Each variant replaces wording in the DOCX first (an amount changed, a sentence struck); the margins make
    LibreOffice lay the pages out anew, so that no page fits a printed page by its image.
    """
    import zipfile
    from pathlib import Path

    from toolkit.render.pdf import convert

    files = []
    for name, edits in variants.items():
        target = Path(out_dir) / f"{name}.docx"
        with zipfile.ZipFile(docx) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
            for item in src.infolist():
                data = src.read(item.filename)
                if item.filename == "word/document.xml":
                    xml = data.decode("utf-8").replace('w:right="1417"', 'w:right="1000"')
                    xml = xml.replace('w:left="1417"', 'w:left="1100"')
                    for old, new in edits.items():
                        assert old in xml, old
                        xml = xml.replace(old, new)
                    data = xml.encode("utf-8")
                dst.writestr(item, data)
        files.append(target)
    return dict(zip(variants, convert(files, Path(out_dir))))
