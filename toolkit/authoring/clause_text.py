"""The text of each clause of a DOCX (template or rendered), found by its bookmark."""

from __future__ import annotations

import zipfile
from pathlib import Path

from lxml import etree

from toolkit.pack.clauses import W


def clause_texts(path: Path) -> dict[str, str]:
    """Return clause id -> paragraph text, in document order."""
    with zipfile.ZipFile(path) as z:
        root = etree.fromstring(z.read("word/document.xml"))
    out: dict[str, str] = {}
    for p in root.iter(f"{W}p"):
        names = [b.get(f"{W}name") for b in p.iter(f"{W}bookmarkStart")]
        for name in names:
            if name and not name.startswith("_"):
                out[name] = "".join(t.text or "" for t in p.iter(f"{W}t"))
    return out
