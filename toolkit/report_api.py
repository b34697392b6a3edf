"""Library entry of the weekly and monthly reports (周报, 月报)."""

from __future__ import annotations

from pathlib import Path

import yaml

from toolkit.api.sales import sales as open_sales
from toolkit.domain.targets import Targets, targets_from_data
from toolkit.reports import period as figures


def salespeople(project_dir: Path) -> dict[str, str]:
    """Return each deal's consultant from the project's deal files (for deals the ledger recorded without one)."""
    out = {}
    for path in sorted((Path(project_dir) / "deals").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if data.get("deal_no"):
            out[str(data["deal_no"])] = str(data.get("salesperson") or "未登记")
    return out


def project_targets(project_dir: Path, data: dict) -> Targets:
    """Return the targets of project.yaml and of the manager's targets.xlsx beside it (each set only once)."""
    targets = targets_from_data(data, project_dir / "project.yaml")
    book = project_dir / "targets.xlsx"
    if book.exists():
        from toolkit.domain.targets_xlsx import read_targets

        targets = targets.merged(read_targets(book), str(book))
    return targets


def report_period(ws, *, period: str, out: Path | None = None, pdf: bool = True):
    """Compute a weekly or monthly report; write its XLSX and PDF when `out` is given."""
    p = figures.parse_period(period)
    targets = project_targets(Path(ws.project_dir), ws.project.data)
    s = open_sales(ws)
    try:
        r = figures.build(ws.project, s.reports_connection(), p, targets, salespeople(ws.project_dir))
    finally:
        s.ledger.close()
    survey = Path(ws.project_dir) / "competitors.xlsx"
    if survey.exists():
        from toolkit.domain.survey import beside_ours, read_survey

        r.survey = beside_ours(ws.project, read_survey(survey))
    files: list[Path] = []
    if out is not None:
        from toolkit.reports.period_xlsx import write_xlsx

        out = Path(out)
        out.mkdir(parents=True, exist_ok=True)
        stem = out / f"{ws.project.code}-{p.kind}-{p.label}"
        files.append(write_xlsx(r, stem.with_suffix(".xlsx")))
        if pdf:
            from toolkit.reports.period_pdf import write_pdf

            files.append(write_pdf(r, stem.with_suffix(".pdf")))
    return r, files
