"""The region codes python-stdnum knows, kept as a set in the cache (reading its list is most of an ID check).

python-stdnum answers "did this GB/T 2260 code ever exist" from a 7,000-line list it parses on first use
(about 40 ms with its import). The set of six-digit codes it names a county for is built once from that same
list, each code confirmed through stdnum's own lookup, and kept under a key of stdnum's list and code.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from toolkit.cache import cached, code_digest, library_file

DIGITS = frozenset("0123456789")


@lru_cache(maxsize=1)
def counties() -> frozenset[str] | None:
    """Return every six-digit code stdnum names a county for, or None when its list is not shaped as expected."""
    try:
        files = (Path(__file__), library_file("stdnum", "numdb.py"), library_file("stdnum", "cn/loc.dat"))
        key = "regions-" + code_digest(*files)
    except OSError:
        return None
    return cached(key, _build, _dump, _load)


def known(code: str) -> bool:
    """Tell whether a code ever named a county: from the kept set for six digits, else by stdnum's lookup."""
    codes = counties() if len(code) == 6 and set(code) <= DIGITS else None
    return code in codes if codes is not None else county_by_lookup(code)


def _dump(codes: frozenset[str] | None) -> tuple:
    return ("none",) if codes is None else ("codes", sorted(codes))


def _load(data: tuple) -> frozenset[str] | None:
    return frozenset(data[1]) if data[0] == "codes" else None


def county_by_lookup(code: str) -> bool:
    """Ask stdnum itself whether a code ever named a county."""
    from stdnum import numdb

    info = {k: v for _, props in numdb.get("cn/loc").info(code) for k, v in props.items()}
    return bool(info.get("county"))


def _build() -> frozenset[str] | None:
    """List the codes the list's provinces and counties span, and keep those stdnum confirms."""
    from stdnum import numdb

    candidates: set[str] = set()
    try:
        for length, low, high, props, children in numdb.get("cn/loc").prefixes:
            if length != 2 or "county" in props:
                return None  # another shape: a code outside the spans could name a county
            for clen, clow, chigh, _, grandchildren in children:
                if clen != 4 or grandchildren:
                    return None
                candidates.update(a + b for a in _span(low, high, 2) for b in _span(clow, chigh, 4))
    except ValueError:
        return None
    return frozenset(c for c in candidates if county_by_lookup(c))


def _span(low: str, high: str, width: int) -> list[str]:
    """Return the codes from low to high (as stdnum compares them: strings of one width)."""
    if len(low) != width or len(high) != width or not set(low + high) <= DIGITS:
        raise ValueError(f"unexpected range {low}-{high}")
    return [f"{n:0{width}d}" for n in range(int(low), int(high) + 1)]
