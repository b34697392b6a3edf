"""`loupan pack release`: keep a released version of a pack, so documents rendered from it can be checked."""

from __future__ import annotations

import shutil
from pathlib import Path

from toolkit.errors import UsageError
from toolkit.pack.manifest import load_pack

KEPT = ("pack.yaml", "schema.yaml", "context.yaml", "qa.yaml")


def release_pack(pack_dir: Path) -> Path:
    """Copy the pack's manifest, schema, Q&A and DOCX templates to releases/<version>/; never overwrite."""
    pack = load_pack(pack_dir)
    target = Path(pack_dir) / "releases" / pack.version
    if target.exists():
        raise UsageError(
            f"{target} exists: version {pack.version} is already released; raise the version in "
            "pack.yaml before releasing changed wording"
        )
    target.mkdir(parents=True)
    for name in KEPT:
        if (Path(pack_dir) / name).is_file():
            shutil.copy2(Path(pack_dir) / name, target / name)
    for spec in pack.documents.values():
        shutil.copy2(spec.template, target / spec.template.name)
    manifest = target / "pack.yaml"
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(_without_sources(text), encoding="utf-8")
    return target


def _without_sources(text: str) -> str:
    """A release keeps the built templates only: drop the `source:` lines and any `samples:` block."""
    lines, skipping = [], False
    for line in text.splitlines():
        if line.startswith("samples:"):
            skipping = True
            continue
        if skipping and (line.startswith(" ") or not line.strip()):
            continue
        skipping = False
        if line.strip().startswith("source:"):
            continue
        lines.append(line)
    return "\n".join(lines) + "\n"
