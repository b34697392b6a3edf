"""Chinese script: documents are written in simplified characters and can be rendered in traditional ones."""

from __future__ import annotations

from functools import lru_cache

SCRIPTS = ("hans", "hant")


@lru_cache(maxsize=1)
def _converter():
    import opencc  # loaded only when traditional script is asked for

    return opencc.OpenCC("s2t")


@lru_cache(maxsize=65536)
def to_hant(text: str) -> str:
    """Convert simplified Chinese to traditional characters (OpenCC s2t); other text is left as it is."""
    return _converter().convert(text) if text else text


def convert(text: str, script: str) -> str:
    """Write text in a script."""
    return to_hant(text) if script == "hant" else text
