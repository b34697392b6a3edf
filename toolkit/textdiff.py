"""Text diffing shared by the checks (a clause altered) and pack authoring (a clause changed between versions)."""

from __future__ import annotations

import difflib


def redline(expected: str, found: str) -> list[list[str]]:
    """Return a character-level redline: [op, text] pairs with op '=', '-' (removed) or '+' (added)."""
    out: list[list[str]] = []
    matcher = difflib.SequenceMatcher(None, expected, found, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            out.append(["=", expected[a1:a2]])
            continue
        if a2 > a1:
            out.append(["-", expected[a1:a2]])
        if b2 > b1:
            out.append(["+", found[b1:b2]])
    return out


def show(lines: list[list[str]], width: int = 40) -> str:
    """Write a redline in one line: [-removed-]{+added+} with some context around each change."""
    parts = []
    for op, text in lines:
        if op == "=":
            parts.append(text if len(text) <= width else text[: width // 2] + "…" + text[-width // 2 :])
        else:
            parts.append(("[-%s-]" if op == "-" else "{+%s+}") % text)
    return "".join(parts)
