"""`loupan pack release`: keep a released version of a pack, so documents rendered from it can be checked.

A release is self-contained: its manifest, the schema and Q&A as the version had them (a pack that extends
another gets its inherited parts written out, so later changes to the base do not reach the release), the
built DOCX templates and context.yaml. No sources and no samples: it is never built again, only read.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

import yaml

from toolkit import yamlio
from toolkit.authoring.build import build_aside
from toolkit.authoring.versions import refuse_changed_release, released_folder
from toolkit.errors import PackError, UsageError
from toolkit.pack.manifest import Pack, load_pack

_NOTE = (
    "# {name} {version} as released by `loupan pack release`: documents rendered at {version} are checked\n"
    "# against these files. Never edit them; change the pack itself under a new version.\n"
)


def release_pack(pack_dir: Path) -> Path:
    """Copy the pack's manifest, schema, Q&A and DOCX templates to releases/<version>/; never overwrite."""
    pack_dir = Path(pack_dir)
    pack = load_pack(pack_dir)
    target = released_folder(pack_dir, pack.version)
    if target.exists():
        raise UsageError(
            f"{target} 已存在：版本 {pack.version} 已经发布；发布改动过的文字之前，"
            "请先提高 pack.yaml 中的版本号（version）"
        )
    refuse_changed_release(pack_dir, pack.name, pack.version, {d.id: d.template for d in pack.documents.values()})
    data = yamlio.read_file(pack_dir / "pack.yaml", PackError)
    _refuse_stale_templates(pack_dir, pack, data["documents"])
    target.mkdir(parents=True)
    _write(target, pack, data)
    return target


def _refuse_stale_templates(pack_dir: Path, pack: Pack, documents: dict[str, Any]) -> None:
    """A release must hold what the sources say: refuse templates that are not the build of their source."""
    with tempfile.TemporaryDirectory(prefix="loupan-release-") as tmp:
        built, _ = build_aside(pack_dir, documents, Path(tmp))
        stale = [d for d, path in built.items() if path.read_bytes() != pack.document(d).template.read_bytes()]
    if stale:
        raise UsageError(
            f"{'、'.join(stale)} 的模板不是由其源文件生成的："
            f"请先运行 `loupan pack build {pack_dir}` 和 `loupan pack test {pack_dir}`"
        )


def _write(target: Path, pack: Pack, data: dict[str, Any]) -> None:
    for spec in pack.documents.values():
        shutil.copy2(spec.template, target / spec.template.name)
    if (pack.root / "context.yaml").is_file():
        shutil.copy2(pack.root / "context.yaml", target / "context.yaml")
    _dump(target / "schema.yaml", pack.schema)
    if pack.qa:
        _dump(target / "qa.yaml", [dict(i) for i in pack.qa])
    note = _NOTE.format(name=pack.name, version=pack.version)
    (target / "pack.yaml").write_text(note + _yaml(_manifest(pack, data)), encoding="utf-8")


def _manifest(pack: Pack, data: dict[str, Any]) -> dict[str, Any]:
    """Return the release's manifest: the pack's own keys, inherited parts resolved, no sources or samples."""
    kept = {k: v for k, v in data.items() if k not in ("samples", "extends", "documents", "shared_terms", "qa")}
    kept["schema"] = "schema.yaml"
    if pack.qa:
        kept["qa"] = "qa.yaml"
    kept["documents"] = {
        d.id: {"title": d.title, "template": d.template.name, "per": d.per} for d in pack.documents.values()
    }
    kept["shared_terms"] = [{"id": t.id, "label": t.label, "path": t.path} for t in pack.shared_terms]
    return kept


def _dump(path: Path, data: Any) -> None:
    path.write_text(_yaml(data), encoding="utf-8")


def _yaml(data: Any) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=110)
