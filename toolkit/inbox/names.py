"""Which files in the inbox are left alone, how a name is shown, logged and filed.

A name from a Windows share may not be UTF-8 (GBK is common): it is shown decoded as GB 18030 when that
works, else with its bad bytes escaped, so the ledger, the reports and the logs always hold valid text.
"""

from __future__ import annotations

import fnmatch
import hashlib
import os
import re
import unicodedata

from toolkit.domain.ids import mask_text

IGNORED = ("~$*", ".~lock.*#", "*.part", "*.tmp", "*.crdownload", "*.swp", "Thumbs.db", "desktop.ini")
ACCEPTED_SUFFIXES = (".docx", ".pdf")
# A filed name plus ".report.html" must stay under the 255-byte limit of most file systems.
MAX_NAME_BYTES = 200
BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_UNSAFE = re.compile(f"[\\x00-\\x1f\\x7f-\\x9f\u2028\u2029{BIDI}]")


def ignored(name: str) -> bool:
    """Tell whether a file is temporary, hidden or a lock file that the inbox must leave alone."""
    return name.startswith(".") or any(fnmatch.fnmatchcase(name, pattern) for pattern in IGNORED)


def display_name(name: str) -> str:
    """Return a file-system name as valid text: UTF-8, else GB 18030, else with its bad bytes escaped."""
    raw = os.fsencode(name)
    for encoding in ("utf-8", "gb18030"):
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding == "utf-8" or all(unicodedata.category(ch) not in ("Co", "Cn") for ch in text):
            return text  # GB 18030 that lands in private or unassigned code points was another encoding
    return raw.decode("utf-8", "backslashreplace")


def printable(text: str) -> str:
    """Escape control, line-breaking and bidi-override characters, so a name cannot forge or reorder a line."""
    return _UNSAFE.sub(
        lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}", text
    )


def for_log(text: str) -> str:
    """Make a log line safe: personal numbers masked, control characters escaped."""
    return printable(mask_text(text))


def safe_name(name: str, limit: int = MAX_NAME_BYTES) -> str:
    """Return a name fit for the filed tree: masked, no separators or control characters, at most limit bytes."""
    safe = "".join(ch if ch.isprintable() and ch not in "/\\" else "_" for ch in unicodedata.normalize("NFC", name))
    safe = mask_text(safe)
    safe = safe.lstrip(".") or "_"
    if len(safe.encode("utf-8")) <= limit:
        return safe
    stem, dot, ext = safe.rpartition(".")
    ext = "." + ext if dot and 0 < len(ext.encode("utf-8")) <= 10 else ""
    stem = stem if ext else safe
    tag = "~" + hashlib.sha256(name.encode("utf-8", "surrogateescape")).hexdigest()[:10]
    room = limit - len(tag.encode("utf-8")) - len(ext.encode("utf-8"))
    return stem.encode("utf-8")[:room].decode("utf-8", "ignore") + tag + ext


def filed_name(file_id: int, name: str) -> str:
    """Return a file's name in the filed tree: its ledger id first, so no two files share a name."""
    return f"{file_id:06d}__{safe_name(name)}"


def mask(text: str) -> str:
    """Mask resident ID numbers and mobile phone numbers in a log line or a report."""
    return mask_text(text)
