"""Which rules run for which input: a deal file checked before anything is rendered."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from toolkit.checks import encumbrance  # noqa: F401  (registers mortgage.disclosure)
from toolkit.checks.deal_rules import DealCase, price_case, run_deal_rules
from toolkit.checks.inputs import INPUT_INVALID, read_deal
from toolkit.domain.policy import Policy
from toolkit.domain.project import Project
from toolkit.findings import Finding, has_errors
from toolkit.pack.manifest import Pack
from toolkit.rules import finding


@dataclass
class DealCheck:
    """A deal file and what its checks found; `case` is None when it could not be priced."""

    path: Path
    case: DealCase | None
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Tell whether the deal may be rendered."""
        return self.case is not None and not has_errors(self.findings)

    @property
    def deal_no(self) -> str:
        """Return the deal number, or the file name when the file could not be read."""
        return self.case.deal.deal_no if self.case else self.path.stem


def check_deal(path: Path, project: Project, pack: Pack, policy: Policy) -> DealCheck:
    """Read, validate and price a deal file, then run every deal rule on it."""
    deal, findings = read_deal(path, pack)
    if deal is None:
        return DealCheck(path, None, findings)
    problems = _references(path, project, deal.unit, deal.salesperson)
    if problems:
        return DealCheck(path, None, problems)
    case = price_case(path, project, policy, deal)
    return DealCheck(path, case, run_deal_rules(case) if case else [])


def _references(path: Path, project: Project, unit: str, salesperson: str) -> list[Finding]:
    """Check that what the deal names exists in the project."""
    out = []
    if unit not in project.units:
        out.append(
            finding(
                INPUT_INVALID,
                f"{path.name}：字段“unit”：房号{unit}不在价目表中",
                document=str(path),
                location="unit",
                expected="units.csv 中的房号",
                found=unit,
            )
        )
    if salesperson not in project.staff:
        out.append(
            finding(
                INPUT_INVALID,
                f"{path.name}：字段“salesperson”：{salesperson}不在项目人员名单中",
                document=str(path),
                location="salesperson",
                expected="员工名册（project.yaml staff）中的姓名",
                found=salesperson,
            )
        )
    return out


def duplicate_deal_numbers(checks: list[DealCheck]) -> list[Finding]:
    """Flag two deal files of a batch that carry the same deal number."""
    seen: dict[str, Path] = {}
    out = []
    for c in checks:
        if c.case is None:
            continue
        first = seen.setdefault(c.deal_no, c.path)
        if first != c.path:
            f = finding(
                INPUT_INVALID,
                f"{c.path.name}：字段“deal_no”：{c.deal_no} 已用于 {first.name}",
                document=str(c.path),
                location="deal_no",
                expected="不重复的成交编号",
                found=c.deal_no,
            )
            c.findings.append(f)
            out.append(f)
    return out
