"""Text as compared: full/half width folded, punctuation variants unified, every blank removed.

Both the pack's wording and a document's text go through `normalize` before they meet, so a PDF's
extraction breaks, a typist's full-width digits or curly quotes never count as a change of wording.
"""

from __future__ import annotations

import re
import unicodedata

_PUNCT = str.maketrans(
    {
        "“": '"',
        "”": '"',
        "„": '"',
        "「": '"',
        "」": '"',
        "『": '"',
        "』": '"',
        "‘": "'",
        "’": "'",
        "—": "-",
        "–": "-",
        "‐": "-",
        "‑": "-",
        "−": "-",
        "─": "-",
        "〔": "(",
        "〕": ")",
        "【": "[",
        "】": "]",
        "［": "[",
        "］": "]",
        "﹐": ",",
        "﹑": "、",
        "﹔": ";",
        "﹕": ":",
        "﹖": "?",
        "﹗": "!",
        "·": "·",
        "・": "·",
        "•": "·",
        "㎡": "m2",
        "²": "2",
        "☑": "■",
        "☒": "■",
        "✓": "■",
        "✔": "■",
        "√": "■",
        "☐": "□",
    }
)
_DROPPED = re.compile("[\\s\u200b\u200c\u200d\u2060\ufeff\u00ad]+")  # whitespace and invisible characters


def normalize(text: str) -> str:
    """Fold width (NFKC), unify punctuation variants and drop all whitespace and invisible characters."""
    if not unicodedata.is_normalized("NFKC", text):  # the quick check: most text is already in that form
        text = unicodedata.normalize("NFKC", text)
    return _DROPPED.sub("", text.translate(_PUNCT))
