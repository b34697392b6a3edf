"""Parse a document's template source (docs/template-source.md) into blocks a builder lays out."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from toolkit.errors import PackError
from toolkit.pack.manifest import CLAUSE_ID

_CLAUSE = re.compile(r"^\[([^\]\s]+?)(!?)\]\s*(.*)$")


@dataclass
class Block:
    """One unit of layout: a heading, a paragraph, a control tag, a table or a page break."""

    kind: str  # title subtitle chapter article clause plain control table pagebreak
    text: str = ""
    clause_id: str = ""
    bold: bool = False
    rows: list[list[str]] = field(default_factory=list)
    line: int = 0


def parse_source(path: Path) -> list[Block]:
    """Parse a template source file; raise PackError naming the line of any fault."""
    blocks: list[Block] = []
    for number, raw in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith(";;"):
            continue
        block = _block(path, number, line)
        if block.kind == "table" and blocks and blocks[-1].kind == "table":
            blocks[-1].rows += block.rows
        else:
            blocks.append(block)
    _check_ids(path, blocks)
    return blocks


def _block(path: Path, number: int, line: str) -> Block:
    for prefix, kind in (("### ", "article"), ("## ", "chapter"), ("#2 ", "subtitle"), ("# ", "title")):
        if line.startswith(prefix):
            return Block(kind, line[len(prefix) :].strip(), line=number)
    if line == "===":
        return Block("pagebreak", line=number)
    if line.startswith("|"):
        return Block("table", rows=[split_cells(path, number, line)], line=number)
    if line.startswith("{%p"):
        return Block("control", line, line=number)
    m = _CLAUSE.match(line)
    if m:
        if not CLAUSE_ID.match(m.group(1)):
            raise PackError(path=path, field=f"第{number}行", expected="形如 art06_1 的条款编号", found=m.group(1))
        return Block("clause", m.group(3), clause_id=m.group(1), bold=bool(m.group(2)), line=number)
    return Block("plain", line, line=number)


def split_cells(path: Path, number: int, line: str) -> list[str]:
    """Split a table row on '|' outside Jinja tags (a filter's '|' stays in its cell)."""
    if not line.endswith("|"):
        raise PackError(path=path, field=f"第{number}行", expected="以“|”结尾的表格行", found=line[-20:])
    cells, current, depth, i = [], "", 0, 1
    while i < len(line) - 1:
        two = line[i : i + 2]
        if two in ("{{", "{%"):
            depth, current, i = depth + 1, current + two, i + 2
        elif two in ("}}", "%}") and depth:
            depth, current, i = depth - 1, current + two, i + 2
        elif line[i] == "|" and not depth:
            cells.append(current.strip())
            current, i = "", i + 1
        else:
            current, i = current + line[i], i + 1
    return cells + [current.strip()]


def _check_ids(path: Path, blocks: list[Block]) -> None:
    seen: dict[str, int] = {}
    loop_depth = 0
    for b in blocks:
        if b.kind == "control":
            loop_depth += b.text.startswith("{%p for") - b.text.startswith("{%p endfor")
        if b.kind != "clause":
            continue
        if b.clause_id in seen:
            raise PackError(
                path=path,
                field=f"第{b.line}行",
                expected="不重复的条款编号",
                found=f"{b.clause_id}（第{seen[b.clause_id]}行已用）",
            )
        if loop_depth:
            raise PackError(
                path=path, field=f"第{b.line}行", expected="{%p for %} 循环内不写条款编号", found=b.clause_id
            )
        seen[b.clause_id] = b.line


def clause_ids(blocks: list[Block]) -> list[str]:
    """Return the clause ids of a parsed source, in order."""
    return [b.clause_id for b in blocks if b.kind == "clause"]


def conditional_clause_ids(blocks: list[Block]) -> set[str]:
    """Return the clause ids inside `{%p if %}` blocks: a rendered document may leave them out."""
    depth, out = 0, set()
    for b in blocks:
        if b.kind == "control":
            depth += b.text.startswith("{%p if") - b.text.startswith("{%p endif")
        elif b.kind == "clause" and depth:
            out.add(b.clause_id)
    return out
