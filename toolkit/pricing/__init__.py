"""Pricing a project from a scheme (定价): compute, check, write the price list, the 价目表 and the approval form."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from toolkit.domain.project import Project
from toolkit.errors import UsageError
from toolkit.findings import Finding
from toolkit.pricing.checks import check_prices, figures
from toolkit.pricing.compute import Priced, price_all
from toolkit.pricing.scheme import Scheme, load_scheme
from toolkit.pricing.write import write_approval, write_notice, write_price_list
from toolkit.render import sheets

__all__ = ["Built", "build", "load_scheme", "price_all"]


@dataclass
class Built:
    """A priced scheme: its units, figures, findings and the files written."""

    scheme: Scheme
    priced: list[Priced]
    findings: list[Finding]
    figures: dict[str, object]
    files: list[Path] = field(default_factory=list)
    recorded: bool = False  # kept in the ledger's price history


def build(
    project: Project, project_dir: Path, scheme_path: Path, out: Path, *, statuses: dict[str, str],
    earlier: dict[str, str], pdf: bool = True,
) -> Built:  # fmt: skip
    """Price every unit, check the result and write the price list, the 价目表 and the approval form."""
    out = Path(out)
    if out.resolve() == Path(project_dir).resolve():
        raise UsageError(f"--out {out}：从不覆盖项目自己的价目表；请另给一个文件夹")
    scheme = load_scheme(scheme_path)
    priced = price_all(project, scheme)
    findings = check_prices(priced, scheme, earlier)
    out.mkdir(parents=True, exist_ok=True)
    files = write_price_list(priced, statuses, out)
    docs = [
        write_notice(project, scheme, priced, statuses, out),
        write_approval(project, scheme, priced, findings, out),
    ]
    files += docs + (sheets.to_pdf(docs, out) if pdf else [])
    report = out / "findings.json"
    report.write_text(json.dumps([f.as_dict() for f in findings], ensure_ascii=False, indent=2) + "\n", "utf-8")
    return Built(scheme, priced, findings, {k: str(v) for k, v in figures(priced).items()}, files + [report])
