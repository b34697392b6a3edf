"""mortgage.disclosure (R-PERMIT-05): a mortgaged building's units need the mortgagee's consent and a disclosure."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from toolkit import api
from toolkit.errors import ProjectError

DEAL = "CHY-2026-0001.yaml"  # unit 1-1801, subscribed 2026-11-20


def _mortgaged(project: Path, **entry) -> api.Workspace:
    m = {"buildings": ["1"], "mortgagee": "中国工商银行深圳分行", "registered": dt.date(2026, 5, 1)} | entry
    path = project / "project.yaml"  # appended, not round-tripped: PyYAML would read the permits' `no:` as false
    path.write_text(path.read_text(encoding="utf-8") + yaml.safe_dump({"mortgages": [m]}, allow_unicode=True))
    return api.open_project(project)


def _rules(ws, project: Path) -> list[str]:
    (check,) = api.check_deals(ws, [project / "deals" / DEAL])
    return [f.rule for f in check.findings]


def test_a_mortgaged_building_without_the_mortgagees_consent_is_refused(project_copy):
    ws = _mortgaged(project_copy)
    (check,) = api.check_deals(ws, [project_copy / "deals" / DEAL])
    assert [f.rule for f in check.findings] == ["mortgage.disclosure"]
    assert "中国工商银行深圳分行" in check.findings[0].message and "同意" in check.findings[0].message


def test_with_consent_the_pack_that_prints_no_mortgage_still_may_not_be_used(project_copy):
    ws = _mortgaged(project_copy, consent_no="工银深抵同字2026第018号")
    (check,) = api.check_deals(ws, [project_copy / "deals" / DEAL])
    assert [f.rule for f in check.findings] == ["mortgage.disclosure"]
    assert "未设定抵押" in check.findings[0].message


@pytest.mark.parametrize(
    "entry",
    [{"released": dt.date(2026, 10, 1)}, {"registered": dt.date(2026, 12, 1)}, {"buildings": ["4"]}],
    ids=["released-before", "registered-after", "other-building"],
)
def test_a_mortgage_released_registered_later_or_elsewhere_does_not_fire(project_copy, entry):
    assert _rules(_mortgaged(project_copy, **entry), project_copy) == []


def test_a_malformed_mortgage_entry_names_the_field(project_copy):
    with pytest.raises(ProjectError) as exc:
        _mortgaged(project_copy, registered="五月")
    assert "mortgages[0].registered" in str(exc.value)


def test_a_signed_contract_of_a_mortgaged_building_is_flagged_on_the_document(project_copy, tmp_path, ws):
    out = tmp_path / "out"
    api.render(ws, deals=[project_copy / "deals" / DEAL], docs=["contract"], out=out)
    contract = next(out.glob("*-contract.docx"))
    assert api.check(ws, [contract]).findings == []
    rules = [f.rule for f in api.check(_mortgaged(project_copy), [contract]).findings]
    assert rules == ["mortgage.disclosure"]
