"""clause.prominence: the clauses a pack sets in bold (onerous 格式条款) keep their bold or underline when signed,
and the buyer's acknowledgment of them stays in.

民法典 496 requires the seller to draw the buyer's attention to clauses that limit its liability or the buyer's
rights; the pack marks them bold (`[id!]` in the source). Whoever re-types or re-formats the 补充协议 and loses
the bold loses that notice. A DOCX is read from its runs; a PDF from the fonts of the clause's glyphs
(`read/pdfstyle.py`). The acknowledgment clauses (`params.acknowledgments`) may not be taken out.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from lxml import etree

from toolkit.checks.deal_rules import Breach
from toolkit.checks.doc_rules import DocCase, doc_rule
from toolkit.pack.clauses import SOFT, W
from toolkit.rules import spec_of
from toolkit.script import convert
from toolkit.text import normalize

_OFF = ("0", "false", "none")
_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}")
MIN_LITERAL = 6  # characters of fixed wording needed to find a clause's glyphs in a PDF
PROBE = 6  # its first characters, looked for in the reader's pages to know which pages to open
LOST = ("格式条款失去加粗或下划线标示，买受人可能未被提示注意", "加粗或下划线", "无标示")


@doc_rule("clause.prominence")
def _prominence(c: DocCase) -> Iterator[Breach]:
    if not c.template or c.text.kind not in ("docx", "pdf"):
        return
    bold = bold_clauses(Path(c.template))
    clauses = sorted(bold)
    signed: dict[str, bool | None]
    if c.text.kind == "docx":
        signed = dict(emphasis(Path(c.text.path), c.text.body, bold))  # on the tree read_docx parsed, if it kept it
    else:
        from toolkit.read.pdfstyle import emphasis_of  # pypdfium2, for PDFs only

        literals = template_literals(Path(c.template))
        wanted = {k: convert(literals[k], c.script) for k in clauses if k in literals}  # as the document's script
        signed = emphasis_of(Path(c.text.path), {k: (w, _pages_with(c, w)) for k, w in wanted.items()})
    for clause in clauses:
        if signed.get(clause) is False:
            yield Breach(LOST[0], clause, LOST[1], LOST[2])
    yield from _acknowledgment(c)


def _pages_with(c: DocCase, wording: str) -> list[int]:
    """Return the pages (0-based) whose visible text holds the start of some wording: only those are opened."""
    probe = normalize(wording)[:PROBE]
    return [
        int(u.location.removeprefix("page ")) - 1
        for u in c.text.units
        if u.location.startswith("page ") and probe in u.text.replace(SOFT, "")
    ]


def _acknowledgment(c: DocCase) -> Iterator[Breach]:
    wanted = set(spec_of("clause.prominence", c.policy).params.get("acknowledgments") or ())
    for d in c.parsed.deviations:
        if d.kind == "missing" and d.clause in wanted:
            yield Breach("买受人确认已阅读并理解加粗条款的声明被删除", d.clause, d.expected, "")


@lru_cache(maxsize=16)
def bold_clauses(template: Path) -> frozenset[str]:
    """Return the clause ids a template sets in bold or underline throughout."""
    return frozenset(c for c, marked in emphasis(template).items() if marked)


def _paragraphs(
    path: Path, root: etree._Element | None = None, only: frozenset | None = None
) -> Iterator[tuple[str, list]]:
    """Yield each bookmarked paragraph of a DOCX as (clause id, its runs that carry text), of some clauses only."""
    if root is None:
        with zipfile.ZipFile(path) as z:
            root = etree.fromstring(z.read("word/document.xml"))
    for p in root.iter(f"{W}p"):
        names = [b.get(f"{W}name") for b in p.iter(f"{W}bookmarkStart") if not b.get(f"{W}name", "_").startswith("_")]
        if not names or (only is not None and names[0] not in only):
            continue
        runs = [r for r in p.iter(f"{W}r") if _text(r).strip()]
        if runs:
            yield names[0], runs


def _text(run: etree._Element) -> str:
    return "".join(t.text or "" for t in run.iter(f"{W}t"))


def emphasis(path: Path, root: etree._Element | None = None, only: frozenset | None = None) -> dict[str, bool]:
    """Tell, for each clause id of a DOCX (or of some), whether all of its text is bold or underlined."""
    return {clause: all(_marked(r) for r in runs) for clause, runs in _paragraphs(path, root, only)}


@lru_cache(maxsize=16)
def template_literals(template: Path) -> dict[str, str]:
    """Return, by clause id, the longest stretch of fixed wording of each paragraph of a template."""
    out = {}
    for clause, runs in _paragraphs(template):
        longest = max(_TAG.split("".join(_text(r) for r in runs)), key=len).strip()
        if len(longest) >= MIN_LITERAL:
            out[clause] = longest
    return out


def _marked(run: etree._Element) -> bool:
    props = run.find(f"{W}rPr")
    if props is None:
        return False
    b, u = props.find(f"{W}b"), props.find(f"{W}u")
    bold = b is not None and b.get(f"{W}val", "true").lower() not in _OFF
    under = u is not None and u.get(f"{W}val", "single").lower() not in _OFF
    return bold or under
