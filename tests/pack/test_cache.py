"""The on-disk cache: a kept compile reads documents exactly as a fresh one, and is never used when stale."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pytest

from toolkit import cache
from toolkit.checks import regions
from toolkit.domain import money
from toolkit.pack import clauses
from toolkit.read.document import read_document
from toolkit.read.parse import parse

ROOT = Path(__file__).resolve().parents[2]
PACK, EXAMPLE = ROOT / "templates" / "prc-presale", ROOT / "examples" / "cuihu"


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the cache at an empty folder of the test's own."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("LOUPAN_CACHE", str(folder))
    return folder


def _segments(doc: clauses.CompiledDocument) -> list[tuple]:
    segs = list(clauses._walk(doc.nodes)) + doc.header
    return [(s.tokens, s.clause_id, s.label, s.pattern) for s in segs]


def _entries(folder: Path) -> list[Path]:
    """Return the kept compiles (region codes and capitals are kept as `NAME-KEY`)."""
    return sorted(p for p in folder.glob("*.marshal") if "-" not in p.stem)


def test_a_kept_compile_parses_like_a_fresh_one(
    cache_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from toolkit import api

    ws = api.open_project(EXAMPLE)  # its own pack, so rendering compiles the contract here
    (doc,) = api.render(
        ws, deals=[ws.project_dir / "deals" / "CHY-2026-0001.yaml"], docs=["contract"], out=tmp_path
    ).documents
    template = PACK / "contract.docx"
    assert len(_entries(cache_dir)) == 1  # rendering compiled the contract first
    fresh = clauses._compile(template, "contract", "hans")
    with monkeypatch.context() as m:
        m.setattr(clauses, "_compile", lambda *a: pytest.fail("compiled again instead of read from the entry"))
        kept = clauses.compile_template(template, "contract")
    assert _segments(kept) == _segments(fresh)
    text = read_document(doc.docx)
    altered = text.stream.replace("出卖人", "买受人", 3).replace("5,008,097.00", "4,800,000.00")
    for stream in (text.stream, altered):
        assert parse(stream, kept) == parse(stream, fresh)
    assert parse(altered, kept).deviations  # the alteration is seen through the kept compile too


def test_stored_regex_code_matches_like_re_compile() -> None:
    patterns = [r"a\x1f?b(?P<v0>\d(?:\x1f?[\d,])*)c", r"[^\x1e]+?(?=x|y$)", "(?P<v1>人\x1f?民)|按"]
    strings = ["a\x1fb12,3c", "ab1c", "zzzx", "人民", "按", "", "人\x1f民币"]
    for p in patterns:
        built = cache.regex_from_code(p, cache.regex_code(p, re.S), re.S)
        plain = re.compile(p, re.S)
        assert (built.pattern, built.flags, built.groups, built.groupindex) == (
            plain.pattern,
            plain.flags,
            plain.groups,
            plain.groupindex,
        )
        for s in strings:
            assert built.findall(s) == plain.findall(s)
            for fn in ("match", "search"):
                a, b = getattr(built, fn)(s), getattr(plain, fn)(s)
                assert (a is None) == (b is None)
                assert a is None or (a.span(), a.groupdict()) == (b.span(), b.groupdict())


def test_a_changed_template_is_compiled_again(cache_dir: Path, tmp_path: Path) -> None:
    template = tmp_path / "contract.docx"
    shutil.copy(PACK / "contract.docx", template)
    before = clauses.compile_template(template, "contract")
    _replace_wording(template, "出卖人", "卖方")
    after = clauses.compile_template(template, "contract")
    assert len(_entries(cache_dir)) == 2
    assert _segments(after) == _segments(clauses._compile(template, "contract", "hans"))
    assert _segments(after) != _segments(before)


def test_a_changed_toolkit_or_python_makes_entries_stale(
    cache_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "clauses_copy.py"
    source.write_text("# version 1\n")
    monkeypatch.setattr(clauses, "COMPILE_SOURCES", (*clauses.COMPILE_SOURCES, source))
    clauses.compile_template(PACK / "subscription.docx", "subscription")
    source.write_text("# version 2\n")  # the compiling code changed
    cache.code_digest.cache_clear()
    clauses.compile_template(PACK / "subscription.docx", "subscription")
    monkeypatch.setattr(cache, "FORMAT", cache.FORMAT + 1)  # the stored shape changed
    cache.code_digest.cache_clear()
    clauses.compile_template(PACK / "subscription.docx", "subscription")
    monkeypatch.setattr(cache.sys, "version", "another Python")
    cache.code_digest.cache_clear()
    clauses.compile_template(PACK / "subscription.docx", "subscription")
    cache.code_digest.cache_clear()
    assert len(_entries(cache_dir)) == 4


def test_a_damaged_entry_is_compiled_afresh(cache_dir: Path) -> None:
    clauses.compile_template(PACK / "subscription.docx", "subscription")
    (entry,) = _entries(cache_dir)
    raw = bytearray(entry.read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    entry.write_bytes(bytes(raw))
    again = clauses.compile_template(PACK / "subscription.docx", "subscription")
    assert _segments(again) == _segments(clauses._compile(PACK / "subscription.docx", "subscription", "hans"))
    entry.write_bytes(b"")  # truncated
    assert _segments(clauses.compile_template(PACK / "subscription.docx", "subscription")) == _segments(again)


def test_no_cache_when_off_or_the_place_cannot_be_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOUPAN_CACHE", "off")
    clauses.compile_template(PACK / "subscription.docx", "subscription")
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("LOUPAN_CACHE", str(blocker / "cache"))  # no folder can be made under a file
    doc = clauses.compile_template(PACK / "subscription.docx", "subscription")
    assert _segments(doc) == _segments(clauses._compile(PACK / "subscription.docx", "subscription", "hans"))
    assert list(tmp_path.rglob("*.marshal")) == []


def test_capitals_remembered_are_cn2ans_and_a_wrong_one_is_not_used(cache_dir: Path) -> None:
    import cn2an

    amounts = ["0.05", "10", "100000", "5008097.00", "1200300.45", "999999999999.99"]
    for a in amounts:
        assert money.to_capitals(a) == money.PREFIX + money._tidy(cn2an.an2cn(a if "." in a else a + ".00", "rmb"))
    memo = money._CAPITALS
    memo.flush()
    fresh = cache.Memo("capitals", money._capitals_key)
    assert fresh.get("5008097.00") == money.to_capitals("5008097.00", prefix=False)
    memo.put("10.00", "壹佰元整")  # a remembered text that does not read back as the amount
    assert money.to_capitals("10") == "人民币壹拾元整"


def test_region_set_answers_as_stdnum(cache_dir: Path) -> None:
    regions.counties.cache_clear()
    codes = regions.counties()
    assert codes is not None and "110101" in codes and "999999" not in codes
    sample = [f"{n:06d}" for n in range(110000, 112000)] + ["000000", "11010", "1101011", "65290X"]
    sample += sorted(codes)[::97]
    assert all(regions.known(c) == regions.county_by_lookup(c) for c in sample)
    regions.counties.cache_clear()
    assert regions.counties() == codes  # read back from the entry
    regions.counties.cache_clear()


def _replace_wording(docx: Path, old: str, new: str) -> None:
    with zipfile.ZipFile(docx) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    xml = parts["word/document.xml"].decode("utf-8")
    assert old in xml
    parts["word/document.xml"] = xml.replace(old, new).encode("utf-8")
    with zipfile.ZipFile(docx, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)


def test_template_parts_kept_are_the_readers(cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from toolkit.read import kept

    template = PACK / "contract.docx"
    first = kept.template_parts(template)
    assert first == read_document(template).parts and first.get("header")
    with monkeypatch.context() as m:
        m.setattr(kept, "read_document", lambda p: pytest.fail("read again instead of from the entry"))
        assert kept.template_parts(template) == first
