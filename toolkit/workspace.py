"""A project opened with its pack and policy: what every check, render and worker starts from."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from toolkit import yamlio
from toolkit.checks.inputs import load_project
from toolkit.domain.policy import Policy, load_policy
from toolkit.domain.project import Project
from toolkit.errors import UsageError
from toolkit.pack.manifest import Pack, load_pack

if TYPE_CHECKING:
    from toolkit.render.batch import Renderer

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PACKS = {"预售": "prc-presale", "现售": "prc-completed"}


def templates_dir() -> Path:
    """Return the folder holding the packs (LOUPAN_TEMPLATES overrides the repository's templates/)."""
    return Path(os.environ.get("LOUPAN_TEMPLATES", ROOT / "templates"))


@dataclass
class Workspace:
    """A project opened with its pack and policy, ready to check and render."""

    project_dir: Path
    pack: Pack
    project: Project
    policy: Policy
    ledger_url: str | None = None  # the ledger's URL (--db); None: LOUPAN_DB, else the project's own SQLite file
    _renderer: Renderer | None = field(default=None, repr=False)

    @property
    def renderer(self) -> Renderer:
        """Return the pack's renderer, made on first use (a check renders nothing, so it does not load Jinja)."""
        if self._renderer is None:
            from toolkit.render.batch import Renderer

            self._renderer = Renderer(self.pack)
        return self._renderer


def open_project(project_dir: Path, *, pack_dir: Path | None = None, ledger_url: str | None = None) -> Workspace:
    """Open a project folder with its pack (by sale type, unless one is given) and merged policy."""
    project_dir = Path(project_dir)
    if not (project_dir / "project.yaml").is_file():
        raise UsageError(f"{project_dir}：不是项目文件夹（没有 project.yaml）")
    pack = load_pack(pack_dir or _default_pack(project_dir))
    project = load_project(project_dir, pack)
    policy = load_policy(project_dir, project.authority)
    return Workspace(project_dir, pack, project, policy, ledger_url)


def _default_pack(project_dir: Path) -> Path:
    try:
        data = yamlio.load_yaml((project_dir / "project.yaml").read_text(encoding="utf-8")) or {}
        sale_type = (data.get("project") or {}).get("sale_type", "预售")
        name = data.get("pack") or DEFAULT_PACKS.get(sale_type, "prc-presale")
    except Exception:  # a broken project.yaml is reported by load_project with its details
        name = "prc-presale"
    return templates_dir() / name
