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
_BLANK = re.compile(r"\s+")
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")


def normalize(text: str) -> str:
    """Fold width (NFKC), unify punctuation variants and drop all whitespace."""
    text = unicodedata.normalize("NFKC", text).translate(_PUNCT)
    return _BLANK.sub("", _INVISIBLE.sub("", text))
