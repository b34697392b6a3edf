"""Fixed wording matched without a regex: the answers of its pattern, without compiling one.

A segment of fixed wording only (most clauses) has the pattern `[HARD SOFT]?` + its characters with an
optional SOFT between any two. Compiling hundreds of such patterns is most of a first check's time, and the
match needs no backtracking (the wording holds no break characters), so a plain scan gives the same matches.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LiteralMatch:
    """Where fixed wording was found: the parts of `re.Match` the parser uses."""

    string: str
    begin: int
    finish: int

    def start(self) -> int:
        """Return where the match starts."""
        return self.begin

    def end(self) -> int:
        """Return where the match ends."""
        return self.finish

    def span(self) -> tuple[int, int]:
        """Return (start, end)."""
        return self.begin, self.finish

    def group(self, index: int = 0) -> str:
        """Return the matched text (fixed wording has no groups)."""
        if index != 0:
            raise IndexError("no such group")
        return self.string[self.begin : self.finish]


class LiteralPattern:
    """Match `[breaks]?` + text with at most one `soft` character between two characters of text."""

    def __init__(self, text: str, breaks: str, soft: str):
        if not text or any(c in breaks for c in text) or soft not in breaks:
            raise ValueError("fixed wording must be non-empty and hold no break characters")
        self.text, self.breaks, self.soft = text, breaks, soft

    def match(self, string: str, pos: int = 0, endpos: int | None = None) -> LiteralMatch | None:
        """Match at pos, like `re.Pattern.match`."""
        end = len(string) if endpos is None else min(endpos, len(string))
        first = pos + 1 if pos < end and string[pos] in self.breaks else pos
        stop = self._at(string, first, end)
        return LiteralMatch(string, pos, stop) if stop >= 0 else None

    def search(self, string: str, pos: int = 0, endpos: int | None = None) -> LiteralMatch | None:
        """Find the leftmost match in string[pos:endpos], like `re.Pattern.search`."""
        end = len(string) if endpos is None else min(endpos, len(string))
        at = string.find(self.text[0], pos, end)
        while at >= 0:
            stop = self._at(string, at, end)
            if stop >= 0:
                begin = at - 1 if at > pos and string[at - 1] in self.breaks else at
                return LiteralMatch(string, begin, stop)
            at = string.find(self.text[0], at + 1, end)
        return None

    def _at(self, string: str, i: int, end: int) -> int:
        """Return where the text ends when it starts at i (a soft break allowed between characters), or -1."""
        text, soft = self.text, self.soft
        if string.startswith(text, i, end) and soft not in text:  # written without a break: the common case
            return i + len(text)
        if i >= end or string[i] != text[0]:
            return -1
        i += 1
        for c in text[1:]:
            if i < end and string[i] == soft:
                i += 1
            if i >= end or string[i] != c:
                return -1
            i += 1
        return i
