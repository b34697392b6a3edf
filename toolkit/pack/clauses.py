"""The clause registry: a DOCX template compiled into reversible segments (fixed wording + typed variables).

Rendering and reading share it: the wording a document is parsed against is the template it was rendered
from. A construct that cannot be parsed back is a PackError when the pack loads, not when a form arrives.
"""

from __future__ import annotations

import hashlib
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from toolkit.cache import TOOLKIT, cached, code_digest, regex_code, regex_from_code
from toolkit.errors import PackError
from toolkit.pack.literal import LiteralPattern
from toolkit.script import convert
from toolkit.text import normalize

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_EXPR = re.compile(r"\{\{(.*?)\}\}")
_VAR = re.compile(r"^\s*([A-Za-z_][\w.]*)\s*\|\s*([a-z]+)\s*$")
_TICK = re.compile(r"^\s*\(\s*([A-Za-z_][\w.]*)\s*==\s*'([^']*)'\s*\)\s*\|\s*tick\s*$")
_CONTROL = re.compile(r"^\{%(p|tr)\s+(if|elif|else|endif|for|endfor)\b(.*?)%\}$")
_FOR = re.compile(r"^\s*([A-Za-z_]\w*)\s+in\s+([A-Za-z_][\w.]*)\s*$")

# The text stream separates a DOCX's paragraphs and cells with HARD, and marks every break a PDF's text
# extraction made (line ends, gaps between cells, stray spaces) with SOFT. Fixed wording and typed values may
# meet a SOFT break between any two characters; a free-text value never crosses a HARD one.
HARD = "\x1e"
SOFT = "\x1f"
BREAKS = f"[{HARD}{SOFT}]"
B = SOFT + "?"
CAPITAL_CHARS = "零壹贰叁肆伍陆柒捌玖拾佰仟万亿元角分整正貳參陸萬億圓〇一二三四五六七八九十百千两念毛另"
_NUM = rf"\d(?:{B}[\d,])*"
# A person's name: no digits, no punctuation that ends a phrase; apostrophes, quotes and brackets (O'Neil,
# 陈(大文), "阿明") are part of how Hong Kong and foreign buyers are written.
_NAME_CHAR = f"[^{HARD}{SOFT},;:。、()\\d]"
_NAME = rf"(?:{_NAME_CHAR}|\((?:{B}{_NAME_CHAR})*{B}\))"  # a character, or a bracketed part: 陈(大文)
TOKEN_PATTERNS = {
    "yuan": rf"{_NUM}{B}\.{B}\d{B}\d",
    "capitals": f"人{B}民{B}[币幣](?:{B}[{CAPITAL_CHARS}])+",
    "area": rf"{_NUM}(?:{B}\.(?:{B}\d)+)?",
    "pct": rf"{_NUM}(?:{B}\.(?:{B}\d)+)?",
    "cdate": rf"\d(?:{B}\d){{3}}{B}年{B}\d(?:{B}\d)?{B}月{B}\d(?:{B}\d)?{B}日|按{B}[贷貸]{B}款{B}[机機]{B}[构構]{B}放{B}款",
    "wanfen": f"[万萬]{B}分{B}之(?:{B}[零一二三四五六七八九十百])+",
    "int": _NUM,
    "text": f"[^{HARD}]+?",
    "name": f"{_NAME}(?:{B}{_NAME}){{0,29}}?",
    "idno": f"[0-9A-Za-z](?:{B}[0-9A-Za-z]){{4,29}}",
    "phone": rf"[0-9+(](?:{B}[0-9+()\-]){{6,19}}",
    "unit": f"[0-9A-Za-z](?:{B}[0-9A-Za-z])*{B}-(?:{B}[0-9A-Za-z])+",
    "tick": "[■□]",
}


def soft(literal: str) -> str:
    """Return a pattern for fixed wording that tolerates a break between any two characters."""
    return B.join(re.escape(c) for c in literal)


@dataclass(frozen=True)
class Token:
    """A piece of a segment: fixed wording (`filter` empty) or a typed variable at a path."""

    text: str = ""
    path: str = ""
    filter: str = ""
    value: str = ""  # for ticks: the value the box stands for

    @property
    def is_var(self) -> bool:
        """Tell whether the token is a variable."""
        return bool(self.filter)


@dataclass
class Segment:
    """One paragraph or table cell of the template."""

    tokens: tuple[Token, ...]
    clause_id: str = ""
    label: str = ""
    pattern: str = field(init=False, repr=False)
    _regex: Any = field(init=False, repr=False, default=None)
    _code: Any = field(init=False, repr=False, default=None)  # the regex engine's code, from the cache

    def __post_init__(self) -> None:
        self.pattern = BREAKS + "?" + B.join(_token_pattern(t, i) for i, t in enumerate(self.tokens))

    @property
    def regex(self) -> Any:
        """Return the segment's compiled pattern, compiled on first use (compiling is most of a pack's load)."""
        if self._regex is None:
            self._regex = self._literal() or regex_from_code(self.pattern, self._code, re.S)
        return self._regex

    def _literal(self) -> Any:
        """Return a scanner for a segment of fixed wording only (no regex to compile), else None."""
        if len(self.tokens) != 1 or self.tokens[0].is_var or any(c in HARD + SOFT for c in self.tokens[0].text):
            return None
        return LiteralPattern(self.tokens[0].text, HARD + SOFT, SOFT)

    @property
    def trailing_text(self) -> bool:
        """Tell whether the segment ends in a variable of open length (it needs the next segment to stop)."""
        return bool(self.tokens) and self.tokens[-1].filter in ("text", "name")

    @property
    def literal_length(self) -> int:
        """Return how many fixed characters the segment has: a measure of how surely it anchors."""
        return sum(len(t.text) for t in self.tokens if not t.is_var)

    @property
    def lead(self) -> str:
        """Return a pattern for how the segment starts (used as the previous segment's lookahead)."""
        first = self.tokens[0] if self.tokens else Token()
        # A segment always starts after a break (a new paragraph, cell or line), so the lead requires one.
        if not first.is_var:
            return BREAKS + soft(first.text[:12])
        if first.filter not in ("text", "name"):
            return BREAKS + _token_pattern(first, None)
        return f"{BREAKS}[^{HARD}{SOFT}]"


@dataclass
class Loop:
    """A `{%p for %}` or `{%tr for %}` block: its body repeats once per item."""

    var: str
    iterable: str
    body: list = field(default_factory=list)


@dataclass
class Cond:
    """A `{%p if %}` block: one of its branches appears, or none when there is no else."""

    branches: list[list] = field(default_factory=list)
    has_else: bool = False


@dataclass
class CompiledDocument:
    """A document template as segments, loops and conditions, plus its header and footer segments."""

    doc_id: str
    nodes: list
    header: list[Segment]
    clause_ids: tuple[str, ...]


def _walk(nodes: list):
    for node in nodes:
        if isinstance(node, Segment):
            yield node
        elif isinstance(node, Loop):
            yield from _walk(node.body)
        else:
            for branch in node.branches:
                yield from _walk(branch)


def _token_pattern(token: Token, index: int | None) -> str:
    if not token.is_var:
        return soft(token.text)
    body = TOKEN_PATTERNS[token.filter]
    return f"(?P<v{index}>{body})" if index is not None else f"(?:{body})"


def compile_template(path: Path, doc_id: str, script: str = "hans") -> CompiledDocument:
    """Compile a DOCX template into segments (kept in the cache, see pack/cache.py); raise PackError when unreadable."""
    return cached(_cache_key(path, doc_id, script), lambda: _compile(path, doc_id, script), _dump, _load)


# The code a compile depends on: a change to any of these files makes every kept compile stale.
COMPILE_SOURCES = tuple(TOOLKIT / f for f in ("pack/clauses.py", "pack/literal.py", "text.py", "script.py"))


def _cache_key(path: Path, doc_id: str, script: str) -> str:
    """Key a compile by the template's bytes, document, script and the code that compiles (OpenCC for hant)."""
    h = hashlib.sha256(path.read_bytes())
    h.update(f"|{doc_id}|{script}|{code_digest(*COMPILE_SOURCES)}".encode())
    if script != "hans":
        from importlib.metadata import version

        h.update(f"|opencc {version('opencc')}".encode())
    return h.hexdigest()


def _compile(path: Path, doc_id: str, script: str) -> CompiledDocument:
    with zipfile.ZipFile(path) as z:
        body = etree.fromstring(z.read("word/document.xml")).find(f"{W}body")
        headers = [etree.fromstring(z.read(n)) for n in z.namelist() if re.match(r"word/header\d*\.xml$", n)]
    builder = _Builder(path, script)
    for child in body:
        builder.element(child)
    header = [
        s for h in headers for s in (_segment(path, _ptext(p), "", "header", script) for p in h.iter(f"{W}p")) if s
    ]
    nodes = builder.finish()
    ids = tuple(s.clause_id for s in _walk(nodes) if s.clause_id)
    return CompiledDocument(doc_id, nodes, header, ids)


def _ptext(p: etree._Element) -> str:
    return "".join(t.text or "" for t in p.iter(f"{W}t"))


class _Builder:
    """Turn body paragraphs and table rows into a tree of segments, loops and conditions."""

    def __init__(self, path: Path, script: str):
        self.path, self.script = path, script
        self.stack: list[tuple[object, list]] = [(None, [])]
        self.count = 0

    def element(self, el: etree._Element) -> None:
        if el.tag == f"{W}p":
            self.paragraph(el)
        elif el.tag == f"{W}tbl":
            for row in el.iter(f"{W}tr"):
                self.row(row)

    def paragraph(self, p: etree._Element, label: str = "") -> None:
        self.count += 1
        text = _ptext(p).strip()
        if not text:
            return
        if text.startswith("{%"):
            self.control(text)
            return
        marks = [b.get(f"{W}name") for b in p.iter(f"{W}bookmarkStart") if not b.get(f"{W}name", "_").startswith("_")]
        segment = _segment(self.path, text, marks[0] if marks else "", label or f"paragraph {self.count}", self.script)
        if segment:
            self.stack[-1][1].append(segment)

    def row(self, row: etree._Element) -> None:
        cells = [" ".join(_ptext(p) for p in tc.iter(f"{W}p")).strip() for tc in row.iter(f"{W}tc")]
        control = next((c for c in cells if c.startswith("{%tr")), None)
        if control:
            self.control(control)
            return
        for tc in row.iter(f"{W}tc"):
            for p in tc.iter(f"{W}p"):
                self.paragraph(p, f"table cell {self.count + 1}")

    def control(self, text: str) -> None:
        m = _CONTROL.match(text)
        if not m:
            raise PackError(
                path=self.path,
                field=text[:60],
                expected="单独成段或单独成行的 {%p %} 或 {%tr %} 标签（if/else/endif/for/endfor）",
            )
        kind, rest = m.group(2), m.group(3)
        getattr(self, f"_{kind}")(text, rest)

    def _if(self, text: str, rest: str) -> None:
        cond = Cond(branches=[[]])
        self.stack[-1][1].append(cond)
        self.stack.append((cond, cond.branches[0]))

    def _elif(self, text: str, rest: str) -> None:
        cond = self._top(Cond, text)
        cond.branches.append([])
        self.stack[-1] = (cond, cond.branches[-1])

    def _else(self, text: str, rest: str) -> None:
        self._elif(text, rest)
        self._top(Cond, text).has_else = True

    def _endif(self, text: str, rest: str) -> None:
        self._top(Cond, text)
        self.stack.pop()

    def _for(self, text: str, rest: str) -> None:
        m = _FOR.match(rest)
        if not m:
            raise PackError(path=self.path, field=text[:60], expected="{%p for NAME in PATH %}")
        loop = Loop(m.group(1), m.group(2))
        self.stack[-1][1].append(loop)
        self.stack.append((loop, loop.body))

    def _endfor(self, text: str, rest: str) -> None:
        self._top(Loop, text)
        self.stack.pop()

    def _top(self, kind: type, text: str):
        node = self.stack[-1][0]
        if not isinstance(node, kind):
            raise PackError(path=self.path, field=text[:60], expected=f"与 {text} 配对的开始标签")
        return node

    def finish(self) -> list:
        if len(self.stack) != 1:
            raise PackError(path=self.path, field="文末", expected="每个 {%p if/for %} 都已关闭")
        return self.stack[0][1]


def _segment(path: Path, text: str, clause_id: str, label: str, script: str = "hans") -> Segment | None:
    """Split paragraph text into tokens; refuse any expression the checker cannot read back."""
    tokens: list[Token] = []
    pos, where = 0, clause_id or _shown(label)
    for m in _EXPR.finditer(text):
        _literal(tokens, convert(text[pos : m.start()], script))
        tokens.append(_variable(path, m.group(1), where, script))
        pos = m.end()
    _literal(tokens, convert(text[pos:], script))
    if "{%" in text or "{#" in text:
        raise PackError(path=path, field=where, expected="段落中不含 {% %} 或 {# #}", found=text[:60])
    _check_adjacent(path, tokens, where)
    return Segment(tuple(tokens), clause_id, label) if tokens else None


_LABEL = re.compile(r"^(paragraph|table cell) (\d+)$")


def _shown(label: str) -> str:
    """Say a segment's internal label (`paragraph 12`, `table cell 13`) as an author finds it: 第12段."""
    m = _LABEL.match(label)
    return f"第{m.group(2)}段" + ("（表格中）" if m.group(1) == "table cell" else "") if m else label


def _literal(tokens: list[Token], text: str) -> None:
    norm = normalize(text)
    if norm:
        tokens.append(Token(text=norm))


def _variable(path: Path, expr: str, where: str, script: str = "hans") -> Token:
    m = _VAR.match(expr)
    if m and m.group(2) in TOKEN_PATTERNS and m.group(2) != "tick":
        return Token(path=m.group(1), filter=m.group(2))
    m = _TICK.match(expr)
    if m:
        return Token(path=m.group(1), filter="tick", value=normalize(convert(m.group(2), script)))
    raise PackError(
        path=path,
        field=where,
        expected="带类型过滤器的 {{ path | filter }}"
        "（" + "、".join(k for k in TOKEN_PATTERNS if k != "tick") + "）或 {{ (path == 'x') | tick }}",
        found="{{" + expr + "}}",
    )


def _check_adjacent(path: Path, tokens: list[Token], where: str) -> None:
    """Two free-text variables side by side cannot be told apart when read back."""
    for a, b in zip(tokens, tokens[1:]):
        if a.filter in ("text", "name") and b.filter in ("text", "name"):
            raise PackError(
                path=path,
                field=where,
                expected="两个文字变量之间有固定文字",
                found=f"{a.path} 紧接 {b.path}",
            )


def paragraph_segment(text: str, label: str, script: str = "hans", path: Path = Path("template")) -> Segment | None:
    """Compile one paragraph of template text outside the body (a header, a footer line) into a segment."""
    return _segment(path, text, "", label, script)


# -- the cache's form of a compiled document: plain tuples marshal can write -------------------------------
def _dump(doc: CompiledDocument) -> tuple:
    return (doc.doc_id, _dump_nodes(doc.nodes), _dump_nodes(doc.header), doc.clause_ids)


def _dump_nodes(nodes: list) -> list:
    return [_dump_node(n) for n in nodes]


def _dump_node(node: Any) -> tuple:
    if isinstance(node, Segment):
        tokens = tuple((t.text, t.path, t.filter, t.value) for t in node.tokens)
        code = None if node._literal() else regex_code(node.pattern, re.S)
        return ("S", tokens, node.clause_id, node.label, node.pattern, code)
    if isinstance(node, Loop):
        return ("L", node.var, node.iterable, _dump_nodes(node.body))
    return ("C", [_dump_nodes(b) for b in node.branches], node.has_else)


def _load(data: tuple) -> CompiledDocument:
    doc_id, nodes, header, ids = data
    return CompiledDocument(doc_id, _load_nodes(nodes), _load_nodes(header), tuple(ids))


def _load_nodes(items: list) -> list:
    return [_load_node(item) for item in items]


def _load_node(item: tuple) -> Any:
    if item[0] == "S":
        _, tokens, clause_id, label, pattern, code = item
        seg = Segment.__new__(Segment)  # the stored pattern stands in for __post_init__'s
        seg.tokens, seg.clause_id, seg.label = tuple(Token(*t) for t in tokens), clause_id, label
        seg.pattern, seg._regex, seg._code = pattern, None, code
        return seg
    if item[0] == "L":
        return Loop(item[1], item[2], _load_nodes(item[3]))
    return Cond([_load_nodes(b) for b in item[1]], item[2])
