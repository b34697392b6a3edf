"""Parse a document's visible text back against its compiled template.

The template is walked in order over the normalised text stream: each segment's fixed wording must match
where the previous one ended, and each variable is read by its type. A segment that does not match is
re-synchronised on the next segment that does: the text in between is what replaced the standard wording
(an altered clause), and text found before a segment that does match is an insertion.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from toolkit.fields import label
from toolkit.pack.clauses import BREAKS, HARD, SOFT, CompiledDocument, Cond, Loop, Segment, Token

WINDOW = 4000  # how far ahead a lost segment is looked for
LOOKAHEAD = 6  # how many following segments may re-synchronise a lost one
FAR_LOOKAHEAD = 80  # past those, segments with long wording (a page holds a few dozen segments)
FAR_LITERAL = 8  # characters of fixed wording: an article heading, not a word that recurs
MAX_ITEMS = 60  # loop iterations (buyers, plan rows) read at most


@dataclass(frozen=True)
class Value:
    """A variable as printed: its path (loop items indexed), type, text and where it stood."""

    path: str
    filter: str
    text: str
    clause: str
    location: str
    tick_value: str = ""
    at: int = field(default=-1, compare=False)  # where the text starts in the stream (a scan's values are read there)


@dataclass(frozen=True)
class Deviation:
    """Standard wording that was not found as written: altered, missing or inserted text."""

    kind: str  # altered | missing | inserted
    clause: str  # the clause id (or the label of a segment without one)
    expected: str
    found: str
    location: str


@dataclass
class Parsed:
    """What a document says, read back against its template."""

    values: list[Value] = field(default_factory=list)
    deviations: list[Deviation] = field(default_factory=list)
    matched: int = 0
    total: int = 0

    def by_path(self, path: str, filter_: str | None = None) -> list[Value]:
        """Return the printed values of a path, optionally of one type."""
        return [v for v in self.values if v.path == path and (filter_ is None or v.filter == filter_)]

    @property
    def score(self) -> float:
        """Return the share of segments found as written."""
        return self.matched / self.total if self.total else 0.0


class _Matcher:
    def __init__(self, stream: str, locate):
        self.stream, self.locate, self.pos = stream, locate, 0
        self.out = Parsed()
        self.loops: list[tuple[str, str, int]] = []  # (var, iterable, index)
        self._cache: dict[tuple[int, str], re.Pattern[str]] = {}
        self.last_clause = "start"

    # -- walking the template -------------------------------------------------------------------
    def run(self, nodes: list) -> Parsed:
        self.nodes(nodes, ())
        if self.pos < len(self.stream):
            self.deviation("inserted", f"after {self.last_clause}", "", self.stream[self.pos :], self.pos)
        return self.out

    def nodes(self, nodes: list, rest: tuple) -> None:
        for i, node in enumerate(nodes):
            cont = (nodes[i + 1 :],) + rest
            if isinstance(node, Segment):
                self.segment(node, cont)
            elif isinstance(node, Loop):
                self.loop(node, cont)
            else:
                self.cond(node, cont)

    def loop(self, loop: Loop, rest: tuple) -> None:
        iterable = self.resolve(loop.iterable)
        after = _first_segment([n for nodes in rest for n in nodes])
        for index in range(MAX_ITEMS):
            if after is not None and after.literal_length >= 4 and self.match(after, ()) is not None:
                break  # what follows the loop starts here: the loop is over
            if not self.dry_run(loop.body, ([loop],) + rest):
                break
            self.loops.append((loop.var, iterable, index))
            self.nodes(loop.body, ([loop],) + rest)
            self.loops.pop()

    def cond(self, cond: Cond, rest: tuple) -> None:
        for branch in cond.branches:
            if branch and self.probe(branch, rest):
                self.nodes(branch, rest)
                return

    def probe(self, nodes: list, rest: tuple) -> bool:
        """Tell whether any segment that may open `nodes` matches at the current position."""
        cont = (nodes[1:],) + rest
        return any(self.match(seg, cont) is not None for seg in _openers(nodes))

    def dry_run(self, nodes: list, rest: tuple) -> bool:
        """Tell whether a whole loop body matches here, without recording anything."""
        saved = self.pos
        try:
            for i, node in enumerate(nodes):
                cont = (nodes[i + 1 :],) + rest
                if isinstance(node, Segment):
                    m = self.match(node, cont)
                    if m is None:
                        return False
                    self.pos = m.end()
                elif not self.probe([node], cont):
                    return isinstance(node, (Loop, Cond))
            return True
        finally:
            self.pos = saved

    # -- one segment --------------------------------------------------------------------------
    def segment(self, seg: Segment, rest: tuple) -> None:
        self.out.total += 1
        m = self.match(seg, rest)
        if m is None:
            m = self.resync(seg, rest)
            if m is None:
                return
        self.record(seg, m)
        self.out.matched += 1
        self.pos = m.end()
        self.last_clause = seg.clause_id or self.last_clause

    def match(self, seg: Segment, rest: tuple) -> re.Match[str] | None:
        return self.regex(seg, rest).match(self.stream, self.pos)

    def regex(self, seg: Segment, rest: tuple) -> re.Pattern[str]:
        if not seg.trailing_text:
            return seg.regex
        lead = _leads(rest)
        key = (id(seg), lead)
        if key not in self._cache:
            self._cache[key] = re.compile(seg.pattern + f"(?={lead})", re.S)
        return self._cache[key]

    def resync(self, seg: Segment, rest: tuple) -> re.Match[str] | None:
        """Find where the template picks up again after text that does not match this segment."""
        end = min(len(self.stream), self.pos + WINDOW)
        own = self.regex(seg, rest).search(self.stream, self.pos, end) if seg.literal_length >= 4 else None
        nxt = self.next_anchor(rest, end)
        if own and (nxt is None or own.start() <= nxt):
            self.deviation("inserted", f"after {self.last_clause}", "", self.stream[self.pos : own.start()], self.pos)
            self.pos = own.start()
            return own
        found_end = nxt if nxt is not None else self.pos
        kind = "altered" if found_end > self.pos else "missing"
        self.deviation(
            kind, seg.clause_id or seg.label, self.expected(seg), self.stream[self.pos : found_end], self.pos
        )
        self.pos = found_end
        return None

    def next_anchor(self, rest: tuple, end: int) -> int | None:
        near = None
        for seg in _upcoming(rest, LOOKAHEAD):
            if seg.literal_length >= 4:
                m = seg.regex.search(self.stream, self.pos, end)
                if m:
                    near = m.start()
                    break
        return self.far_anchor(rest, near if near is not None else end)

    def far_anchor(self, rest: tuple, before: int) -> int | None:
        """Look past the next segments for long wording found sooner: a page taken out removes many segments,
        and a short wording among the next few may then match far ahead (the rest would read as missing)."""
        found = before if before < min(len(self.stream), self.pos + WINDOW) else None
        for k, seg in enumerate(_upcoming(rest, FAR_LOOKAHEAD)):
            if k >= LOOKAHEAD and seg.literal_length >= FAR_LITERAL:
                m = seg.regex.search(self.stream, self.pos, found if found is not None else before)
                if m:
                    found = m.start()
        return found

    # -- results --------------------------------------------------------------------------------
    def record(self, seg: Segment, m: re.Match[str]) -> None:
        where = self.locate(m.start())
        for i, token in enumerate(seg.tokens):
            if token.is_var:
                text = m.group(f"v{i}").replace(SOFT, "").replace(HARD, "")
                self.out.values.append(
                    Value(
                        self.resolve(token.path),
                        token.filter,
                        text,
                        seg.clause_id or seg.label,
                        where,
                        token.value,
                        m.start(f"v{i}"),
                    )
                )

    def resolve(self, path: str) -> str:
        """Turn a loop variable's path (b.name) into an indexed one (buyers[0].name)."""
        head, _, tail = path.partition(".")
        for var, iterable, index in reversed(self.loops):
            if head == var:
                return f"{iterable}[{index}]" + (f".{tail}" if tail else "")
        return path

    def expected(self, seg: Segment) -> str:
        """Write the segment as the template would have, with values printed elsewhere where known."""
        return "".join(self._expected_token(t) for t in seg.tokens)

    def _expected_token(self, token: Token) -> str:
        if not token.is_var:
            return token.text
        path = self.resolve(token.path)
        known = [v.text for v in self.out.values if v.path == path and v.filter == token.filter]
        return known[0] if known else f"‹{label(path)}›"  # a value not read: named as the reader knows it

    def deviation(self, kind: str, clause: str, expected: str, found: str, at: int) -> None:
        found = found.replace(SOFT, "").replace(HARD, "")
        if kind == "inserted" and not found:
            return
        self.out.deviations.append(Deviation(kind, clause, expected, found, self.locate(at)))


def _openers(nodes: list) -> list[Segment]:
    """Return every segment that may come first in `nodes` (each branch of a condition, a loop's body)."""
    out: list[Segment] = []
    for node in nodes:
        if isinstance(node, Segment):
            return out + [node]
        if isinstance(node, Loop):
            out += _openers(node.body)
            continue
        for branch in node.branches:
            out += _openers(branch)
        if node.has_else and all(node.branches):
            return out
    return out


def _first_segment(nodes: list) -> Segment | None:
    for node in nodes:
        if isinstance(node, Segment):
            return node
        inner = _first_segment(node.body if isinstance(node, Loop) else [s for b in node.branches for s in b[:1]])
        if inner is not None:
            return inner
    return None


def _upcoming(rest: tuple, limit: int):
    """Yield the next segments the template may bring, in order, entering loops and branches."""
    count = 0
    for nodes in rest:
        for node in nodes:
            for seg in _segments_of(node):
                yield seg
                count += 1
                if count >= limit:
                    return


def _segments_of(node):
    if isinstance(node, Segment):
        yield node
    elif isinstance(node, Loop):
        for n in node.body:
            yield from _segments_of(n)
    else:
        for branch in node.branches:
            for n in branch:
                yield from _segments_of(n)


def _leads(rest: tuple) -> str:
    """Return an alternation of how the text after a segment may start (or the end of the stream)."""
    leads: list[str] = []
    for nodes in rest:
        for node in nodes:
            done = _node_leads(node, leads)
            if done:
                return "|".join(leads)
    return "|".join(leads + [BREAKS + "?$"])


def _node_leads(node, leads: list[str]) -> bool:
    """Add the leads of a node; return True when the node always appears (no need to look further)."""
    if isinstance(node, Segment):
        if node.lead:
            leads.append(node.lead)
        return bool(node.lead)
    if isinstance(node, Loop):
        for n in node.body[:1]:
            _node_leads(n, leads)
        return False
    for branch in node.branches:
        if branch:
            _node_leads(branch[0], leads)
    return node.has_else and all(branch for branch in node.branches)


def parse(text_stream: str, compiled: CompiledDocument, locate=lambda offset: "") -> Parsed:
    """Parse a normalised text stream against a compiled document template."""
    return _Matcher(text_stream, locate).run(compiled.nodes)
