"""clause.prominence: the clauses a pack sets in bold (onerous 格式条款) keep their bold or underline when signed.

民法典 496 requires the seller to draw the buyer's attention to clauses that limit its liability or the buyer's
rights; the pack marks them bold (`[id!]` in the source). Whoever re-types or re-formats the 补充协议 and loses
the bold loses that notice. Read from the DOCX's runs; a PDF carries no run formatting this rule can read yet.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from lxml import etree

from toolkit.checks.deal_rules import Breach
from toolkit.checks.doc_rules import DocCase, doc_rule
from toolkit.pack.clauses import W

_OFF = ("0", "false", "none")


@doc_rule("clause.prominence")
def _prominence(c: DocCase) -> Iterator[Breach]:
    if c.text.kind != "docx" or not c.template:
        return
    signed = emphasis(Path(c.text.path))
    for clause in sorted(bold_clauses(Path(c.template))):
        if signed.get(clause) is False:
            yield Breach("格式条款失去加粗或下划线标示，买受人可能未被提示注意", clause, "bold or underline", "plain")


@lru_cache(maxsize=16)
def bold_clauses(template: Path) -> frozenset[str]:
    """Return the clause ids a template sets in bold or underline throughout."""
    return frozenset(c for c, marked in emphasis(template).items() if marked)


def emphasis(path: Path) -> dict[str, bool]:
    """Tell, for each clause id of a DOCX, whether all of its text is bold or underlined."""
    with zipfile.ZipFile(path) as z:
        root = etree.fromstring(z.read("word/document.xml"))
    out = {}
    for p in root.iter(f"{W}p"):
        names = [b.get(f"{W}name") for b in p.iter(f"{W}bookmarkStart") if not b.get(f"{W}name", "_").startswith("_")]
        runs = [r for r in p.iter(f"{W}r") if "".join(t.text or "" for t in r.iter(f"{W}t")).strip()]
        if names and runs:
            out[names[0]] = all(_marked(r) for r in runs)
    return out


def _marked(run: etree._Element) -> bool:
    props = run.find(f"{W}rPr")
    if props is None:
        return False
    b, u = props.find(f"{W}b"), props.find(f"{W}u")
    bold = b is not None and b.get(f"{W}val", "true").lower() not in _OFF
    under = u is not None and u.get(f"{W}val", "single").lower() not in _OFF
    return bold or under
