"""Build every DOCX template of a pack from its source and hold the manifest's clause ids to it."""

from __future__ import annotations

from pathlib import Path

from toolkit import yamlio
from toolkit.authoring.build import build_docx
from toolkit.authoring.source import clause_ids, parse_source
from toolkit.errors import PackError


def build_pack(pack_dir: Path) -> dict[str, int]:
    """Build each document that has a source; return the clause count per document."""
    manifest = pack_dir / "pack.yaml"
    data = yamlio.load_yaml(manifest.read_text(encoding="utf-8"))
    counts = {}
    for doc_id, spec in data["documents"].items():
        if not spec.get("source"):
            continue
        source = pack_dir / spec["source"]
        check_manifest_ids(manifest, doc_id, list(spec.get("clauses") or []), clause_ids(parse_source(source)))
        header = "{{ project.name | text }} · " + str(spec.get("title", doc_id))
        ids = build_docx(source, pack_dir / spec["template"], title=str(spec.get("title", doc_id)), header=header)
        counts[doc_id] = len(ids)
    return counts


def check_manifest_ids(manifest: Path, doc_id: str, declared: list[str], found: list[str]) -> None:
    """Raise when the manifest's clause ids and the source's differ, naming the difference."""
    missing = [c for c in found if c not in declared]
    stale = [c for c in declared if c not in found]
    if missing or stale:
        detail = []
        if missing:
            detail.append("in the source but not the manifest: " + ", ".join(missing[:10]))
        if stale:
            detail.append("in the manifest but not the source: " + ", ".join(stale[:10]))
        raise PackError(
            path=manifest,
            field=f"documents.{doc_id}.clauses",
            expected="the clause ids of the source",
            found="; ".join(detail),
        )
