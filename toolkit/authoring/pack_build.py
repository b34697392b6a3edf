"""Build every DOCX template of a pack from its source, unless that changes the wording of a released version."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from toolkit import yamlio
from toolkit.authoring.build import build_aside
from toolkit.authoring.versions import refuse_changed_release
from toolkit.errors import PackError


def build_pack(pack_dir: Path) -> dict[str, int]:
    """Build each document that has a source; return the clause count per document.

    The templates are built aside first: when their wording differs from the release of the pack's version,
    nothing is written and PackError says how to raise the version.
    """
    pack_dir = Path(pack_dir)
    data = yamlio.read_file(pack_dir / "pack.yaml", PackError) or {}
    documents = data.get("documents") or {}
    with tempfile.TemporaryDirectory(prefix="loupan-build-") as tmp:
        built, counts = build_aside(pack_dir, documents, Path(tmp))
        templates = {d: built.get(d, pack_dir / str(spec.get("template", ""))) for d, spec in documents.items()}
        refuse_changed_release(pack_dir, str(data.get("name", "")), str(data.get("version", "")), templates)
        for doc_id, path in built.items():
            shutil.copyfile(path, pack_dir / documents[doc_id]["template"])
    return counts
