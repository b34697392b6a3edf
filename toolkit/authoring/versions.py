"""Released versions stay as they were signed: wording changed at a released version is refused.

A document keeps the pack version it was rendered from and is checked against `releases/<version>/`. If the
wording of a released version changed in place, a genuine signed document would read as altered; so `pack
build` and `pack lint` compare the pack's wording with its release, and ask for a new version instead. A
version that is not released yet may change freely (that is how a new version is developed).
"""

from __future__ import annotations

import re
import tempfile
import zipfile
from pathlib import Path

from lxml import etree

from toolkit import yamlio
from toolkit.authoring.build import build_aside
from toolkit.authoring.clause_text import clause_texts
from toolkit.errors import PackError
from toolkit.pack.clauses import W

_PARTS = re.compile(r"word/(document|header\d*)\.xml$")  # what a check reads back


def released_folder(pack_dir: Path, version: str) -> Path:
    """Return where a version of a pack is kept."""
    return Path(pack_dir) / "releases" / version


def released_versions(pack_dir: Path) -> list[str]:
    """List the versions kept under releases/, oldest first."""
    return sorted((p.parent.name for p in (Path(pack_dir) / "releases").glob("*/pack.yaml")), key=version_key)


def version_key(version: str) -> tuple[int, ...]:
    """Order semantic versions numerically (1.10.0 after 1.9.0)."""
    return tuple(int(n) if n.isdigit() else -1 for n in version.split("."))


def wording(template: Path) -> tuple[dict[str, str], list[str]]:
    """Return a template's clause texts by id, and every paragraph's text in order (headers included)."""
    with zipfile.ZipFile(template) as z:
        parts = sorted(n for n in z.namelist() if _PARTS.match(n))
        paragraphs = [
            "".join(t.text or "" for t in p.iter(f"{W}t"))
            for name in parts
            for p in etree.fromstring(z.read(name)).iter(f"{W}p")
        ]
    return clause_texts(template), paragraphs


def wording_changes(release: Path, templates: dict[str, Path]) -> list[str]:
    """Say what differs between a release's documents and these templates, one line per document or clause."""
    kept = _release_templates(release)
    out = [f"{doc_id}：发布版中没有此文件" for doc_id in templates if doc_id not in kept]
    out += [f"{doc_id}：已删除" for doc_id in kept if doc_id not in templates]
    for doc_id in (d for d in templates if d in kept):
        out += _document_changes(doc_id, wording(kept[doc_id]), wording(templates[doc_id]))
    return out


def _document_changes(doc_id: str, old: tuple[dict, list], new: tuple[dict, list]) -> list[str]:
    (a, a_all), (b, b_all) = old, new
    clauses = [c for c in dict.fromkeys([*a, *b]) if a.get(c) != b.get(c)]
    if clauses:
        return [f"{doc_id} {c} {'新增' if c not in a else '删除' if c not in b else '修改'}" for c in clauses]
    return [f"{doc_id}：条款以外的文字有改动（标题、表格、页眉）"] if a_all != b_all else []


def _release_templates(release: Path) -> dict[str, Path]:
    data = yamlio.read_file(release / "pack.yaml", PackError) or {}
    return {doc_id: release / str(spec["template"]) for doc_id, spec in (data.get("documents") or {}).items()}


def refuse_changed_release(pack_dir: Path, name: str, version: str, templates: dict[str, Path]) -> None:
    """Raise when these templates change the wording of a released version, or the version is behind one."""
    problem = release_problem(pack_dir, name, version, templates)
    if problem:
        raise PackError(path=Path(pack_dir) / "pack.yaml", field="version", expected=problem[0], found=problem[1])


def release_problem(pack_dir: Path, name: str, version: str, templates: dict[str, Path]) -> tuple[str, str] | None:
    """Return (what is expected, what was found) when the version must be raised, else None."""
    kept = released_versions(pack_dir)
    if version not in kept:
        latest = kept[-1] if kept else None
        if latest and version_key(version) < version_key(latest):
            return f"高于最新发布版 {latest} 的版本号", version
        return None
    changes = wording_changes(released_folder(pack_dir, version), templates)
    if not changes:
        return None
    shown = "；".join(changes[:8]) + (f"；另有{len(changes) - 8}处" if len(changes) > 8 else "")
    return (
        f"新的版本号（文字有改动）：{name} {version} 已发布（releases/{version}/），按此版签署的文件必须仍能通过检查。"
        f"请提高 pack.yaml 中的 `version:`（如改为 {next_version(version)}），"
        f"运行 `loupan pack build {pack_dir}` 和 `loupan pack test {pack_dir}`，"
        f"用 `loupan pack diff {pack_dir}@{version} {pack_dir}` 查看改动，法务审定后再运行 "
        f"`loupan pack release {pack_dir}`",
        f"已发布的文字被改动：{shown}",
    )


def next_version(version: str) -> str:
    """Suggest the next minor version (wording changes are minor; 1.0.3 -> 1.1.0)."""
    major, minor, *_ = (version.split(".") + ["0", "0"])[:3]
    return f"{major}.{int(minor) + 1 if minor.isdigit() else minor}.0"


def pack_release_problems(pack_dir: Path) -> list[tuple[str, str]]:
    """Return the release problems of a pack's templates, and of the templates its sources would build."""
    pack_dir = Path(pack_dir)
    data = yamlio.read_file(pack_dir / "pack.yaml", PackError) or {}
    name, version, documents = str(data.get("name", "")), str(data.get("version", "")), data.get("documents") or {}
    current = {d: pack_dir / str(spec.get("template", "")) for d, spec in documents.items()}
    in_templates = release_problem(pack_dir, name, version, current)
    with tempfile.TemporaryDirectory(prefix="loupan-lint-") as tmp:
        built, _ = build_aside(pack_dir, documents, Path(tmp))
        in_sources = release_problem(pack_dir, name, version, {**current, **built})
    problems = [in_templates] if in_templates else []
    if in_sources and in_sources != in_templates:
        problems.append((in_sources[0], "源文件中（`pack build` 将写出的内容）：" + in_sources[1]))
    return problems
