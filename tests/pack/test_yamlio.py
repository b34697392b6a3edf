"""YAML through libyaml where installed, with the answers of the pure-Python loader: YAML 1.2 booleans, dates."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from toolkit import yamlio

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted(
    p.relative_to(ROOT)
    for folder in ("examples", "templates", "policies")
    for p in (ROOT / folder).rglob("*.yaml")
    if ".loupan" not in p.parts
)

TRICKY = [
    "no: 1\nyes: 2\non: 3\noff: 4\n",
    "a: on\nb: No\nc: TRUE\nd: y\ne: off\nf: false\n",
    "d: 2026-03-01\ne: 2026-13-45\nf: 2026-03-01 10:00:00+08:00\ng: 2026-3-1\nh: 2026-03-01T10:00:00Z\n",
    "a: 1\na: 2\n",
    "'a': 1\n\"a\": 2\n",
    "x: 1_000\ny: 0o17\nz: 017\nw: .inf\nv: ~\nu: 0x1F\nt: 1e3\ns: 1.0e+3\nr: 12:30\n",
    "a: &x {b: 1}\nc: *x\nd:\n  <<: *x\n  e: 2\n",
    "\ufeffa: 1\n",
    "a: 1\r\nb: 2\r\n",
    "a: 😀 翠湖苑\n",
    "a:\tb\n",
    "a: b\n\t c: d\n",
    "a: 'x\ty'\n",
    "a: x\x01y\n",
    "a: x\ufffey\n",
    "a: x\u2028y\n",
    "- [a, b\n",
    "a: 'x\n",
    "a: - b\n",
    "a: b: c\n",
    "a: !!python/object:os.system x\n",
    "%YAML 1.2\n---\na: no\n",
    "--- 1\n--- 2\n",
    "? [a]\n: b\n",
    "a: =\n",
    "",
    "# only a comment\n",
]


def _outcome(load, text: str):
    try:
        return "value", load(text)
    except yaml.YAMLError as exc:
        return "error", type(exc).__name__, yamlio.problem(exc)


@pytest.mark.parametrize("name", [str(f) for f in FILES])
def test_every_yaml_file_of_the_examples_packs_and_policies_reads_the_same_with_both_loaders(name):
    text = (ROOT / name).read_text(encoding="utf-8")
    assert yamlio.load_yaml(text) == yamlio.load_pure(text)


def test_there_are_yaml_files_to_compare():
    assert len(FILES) > 20 and any("deals" in str(f) for f in FILES)


@pytest.mark.parametrize("text", TRICKY)
def test_tricky_yaml_gives_the_same_value_or_the_same_error_with_both_loaders(text):
    assert _outcome(yamlio.load_yaml, text) == _outcome(yamlio.load_pure, text)


def test_yaml_1_2_booleans_and_lenient_dates():
    data = yamlio.load_yaml(TRICKY[0] + "x: on\ny: true\nd: 2026-03-01\nbad: 2026-13-45\n")
    assert data == {
        "no": 1,
        "yes": 2,
        "on": 3,
        "off": 4,
        "x": "on",
        "y": True,
        "d": dt.date(2026, 3, 1),
        "bad": "2026-13-45",
    }


def test_a_duplicated_key_is_refused_by_either_loader_naming_the_key():  # issue 16: never the last value silently
    for load in (yamlio.load_yaml, yamlio.load_pure):
        with pytest.raises(yamlio.YAMLError, match="键“unit”重复"):
            load("unit: 1-0201\nunit: 1-0202\n")


def test_a_clean_text_is_parsed_by_libyaml_when_it_is_installed(monkeypatch):
    if not getattr(yaml, "__with_libyaml__", False):
        assert yamlio.CLoader is None
        return
    monkeypatch.setattr(yamlio, "load_pure", lambda text: pytest.fail("the pure loader was used"))
    assert yamlio.load_yaml("a: no\n") == {"a": "no"}
    assert issubclass(yamlio.CLoader, yaml.CSafeLoader)
