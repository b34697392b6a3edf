"""A template's text outside the body (headers, footers, notes, text boxes), read once and kept in the cache.

Every check compares a document's parts with its template's; reading the template DOCX for them again in
each fresh process was a tenth of a one-file check. Kept under the template's bytes and the reader's code.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from toolkit.cache import TOOLKIT, cached, code_digest
from toolkit.read.document import read_document

READER = tuple(TOOLKIT / f for f in ("read/document.py", "read/docx.py", "read/visible.py", "read/kept.py", "text.py"))


def template_parts(template: Path) -> dict[str, list[str]]:
    """Return the text of a DOCX template's parts outside the body, as `read_document(template).parts`."""
    from lxml import etree

    h = hashlib.sha256(template.read_bytes())
    h.update(f"|parts|lxml {etree.LXML_VERSION}|{code_digest(*READER)}".encode())
    return cached(h.hexdigest(), lambda: read_document(template).parts, _dump, _load)


def _dump(parts: dict[str, list[str]]) -> dict[str, list[str]]:
    return {kind: list(texts) for kind, texts in parts.items()}


def _load(data: dict[str, list[str]]) -> dict[str, list[str]]:
    return {kind: list(texts) for kind, texts in data.items()}
