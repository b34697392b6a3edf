"""Fixtures for legal's tools: writable copies of the shipped packs and of the example projects."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _shipped(name: str) -> str:
    text = (ROOT / "templates" / name / "pack.yaml").read_text(encoding="utf-8")
    return next(line.split(":", 1)[1].strip() for line in text.splitlines() if line.startswith("version:"))


PRESALE = _shipped("prc-presale")  # the default pack's shipped (and released) version
PRESALE_NEXT = ".".join([PRESALE.split(".")[0], str(int(PRESALE.split(".")[1]) + 1), "0"])  # what legal raises it to


@pytest.fixture
def packs(tmp_path) -> Path:
    """Copy templates/ and examples/ side by side, so the packs' relative sample paths still hold."""
    shutil.copytree(ROOT / "templates", tmp_path / "templates", ignore=shutil.ignore_patterns("releases"))
    shutil.copytree(ROOT / "examples", tmp_path / "examples", ignore=shutil.ignore_patterns(".loupan"))
    return tmp_path / "templates"


def edit_source(pack: Path, doc: str, old: str, new: str) -> None:
    """Change a document's wording in its source and rebuild the pack's templates."""
    from toolkit.authoring.pack_build import build_pack

    source = pack / "src" / f"{doc}.txt"
    text = source.read_text(encoding="utf-8")
    assert old in text, old
    source.write_text(text.replace(old, new, 1), encoding="utf-8")
    build_pack(pack)


@pytest.fixture
def released(tmp_path) -> Path:
    """Copy templates/ with the releases shipped in it (each pack at its shipped version), and examples/ beside it."""
    shutil.copytree(ROOT / "templates", tmp_path / "templates")
    shutil.copytree(ROOT / "examples", tmp_path / "examples", ignore=shutil.ignore_patterns(".loupan"))
    return tmp_path / "templates"


def set_version(pack: Path, version: str) -> None:
    """Change the version in a pack's manifest."""
    manifest = pack / "pack.yaml"
    text = manifest.read_text(encoding="utf-8")
    current = next(line for line in text.splitlines() if line.startswith("version:"))
    manifest.write_text(text.replace(current, f"version: {version}", 1), encoding="utf-8")
