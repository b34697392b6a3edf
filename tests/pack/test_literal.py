"""Fixed wording scanned without a regex finds exactly what its regex finds, on clean and damaged text."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from toolkit import api
from toolkit.pack.clauses import HARD, SOFT, _walk
from toolkit.pack.literal import LiteralPattern
from toolkit.read.document import read_document

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "cuihu"


@pytest.fixture(scope="module")
def contract(tmp_path_factory):
    ws = api.open_project(EXAMPLE)
    out = tmp_path_factory.mktemp("literal")
    (doc,) = api.render(ws, deals=[EXAMPLE / "deals" / "CHY-2026-0001.yaml"], docs=["contract"], out=out).documents
    segments = [s for s in _walk(ws.pack.compiled_for("contract").nodes) if isinstance(s.regex, LiteralPattern)]
    return read_document(doc.docx).stream, segments


def _damaged(stream: str, rng: random.Random) -> str:
    """The stream as a PDF extraction or a forger leaves it: soft breaks, doubled breaks, lost characters."""
    chars = list(stream)
    for _ in range(len(chars) // 15):
        i = rng.randrange(len(chars))
        chars.insert(i, rng.choice([SOFT, SOFT, SOFT + SOFT, HARD, SOFT + HARD, "的"]))
    for _ in range(len(chars) // 200):
        del chars[rng.randrange(len(chars))]
    return "".join(chars)


def _span(m):
    return m.span() if m else None


def test_most_contract_segments_are_fixed_wording_scanned_without_a_regex(contract):
    _, segments = contract
    assert len(segments) > 150


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_match_and_search_give_the_spans_of_the_regex(contract, seed):
    clean, segments = contract
    rng = random.Random(seed)
    stream = clean if seed == 1 else _damaged(clean, rng)
    found = 0
    for seg in segments:
        regex = re.compile(seg.pattern, re.S)
        starts = [m.start() for m in regex.finditer(stream)][:3]
        for pos in starts + [rng.randrange(len(stream)) for _ in range(3)]:
            for at in (pos, max(0, pos - 1), pos + 1):
                assert _span(seg.regex.match(stream, at)) == _span(regex.match(stream, at)), (seg.label, at)
                end = min(len(stream), at + rng.choice([5, 60, 3000]))
                assert _span(seg.regex.search(stream, at, end)) == _span(regex.search(stream, at, end))
        found += bool(starts)
    assert found > len(segments) // (2 if seed == 1 else 10), "the wording must be found where it was rendered"


def test_a_literal_pattern_refuses_wording_that_holds_a_break():
    with pytest.raises(ValueError):
        LiteralPattern("a" + SOFT + "b", HARD + SOFT, SOFT)
    m = LiteralPattern("甲乙", HARD + SOFT, SOFT).search(HARD + "甲" + SOFT + "乙")
    assert m.span() == (0, 4) and m.group() == HARD + "甲" + SOFT + "乙"
