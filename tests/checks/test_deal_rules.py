"""Every deal rule of the rendering step: the example's invalid deals and one planted fault per rule."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from toolkit import api
from toolkit.findings import has_errors

ROOT = Path(__file__).resolve().parents[2]
INVALID = ROOT / "examples" / "cuihu" / "deals-invalid"
EXPECTED = yaml.safe_load((INVALID / "expected.yaml").read_text(encoding="utf-8"))
CLEAN = sorted((ROOT / "examples" / "cuihu" / "deals").glob("*.yaml"))


def _rules(ws, path: Path) -> set[str]:
    (check,) = api.check_deals(ws, [path])
    return {f.rule for f in check.findings if f.severity == "error"}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_invalid_example_reports_its_expected_rule_ids(ws, name):
    assert set(EXPECTED[name]) <= _rules(ws, INVALID / name)


def test_every_invalid_example_file_is_listed_in_expected():
    files = {p.name for p in INVALID.glob("*.yaml")} - {"expected.yaml"}
    assert files == set(EXPECTED)


@pytest.mark.parametrize("path", CLEAN, ids=lambda p: p.stem)
def test_clean_deals_give_no_finding(ws, path):
    (check,) = api.check_deals(ws, [path])
    assert check.findings == []
    assert check.ok


def _variant(tmp_path: Path, base: str = "CHY-2026-0001.yaml", **changes) -> Path:
    data = yaml.safe_load((ROOT / "examples" / "cuihu" / "deals" / base).read_text(encoding="utf-8"))
    for key, value in changes.items():
        target = data
        *parents, last = key.split("__")
        for p in parents:
            target = target[int(p)] if p.isdigit() else target[p]
        target[int(last) if last.isdigit() else last] = value
    path = tmp_path / "variant.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("changes", "rule"),
    [
        ({"buyers__0__id_no": "440305198806124535"}, "id.checksum"),
        ({"unit": "4-0801"}, "permit.missing"),
        ({"subscribe_date": "2026-09-10", "sign_deadline": "2026-09-17", "unit": "3-1503"}, "permit.missing"),
        ({"unit": "1-1502"}, "unit.unavailable"),
        ({"unit": "2-0803"}, "unit.unavailable"),
        ({"extra_discount": {"rate_pct": 6, "approved_by": "郑国华", "approval_no": "X-1"}}, "price.below_floor"),
        ({"extra_discount": {"rate_pct": 2, "approved_by": "周敏", "approval_no": "X-1"}}, "authority.discount"),
        ({"extra_discount": {"rate_pct": 1, "approved_by": "路人甲", "approval_no": "X-1"}}, "authority.discount"),
        ({"discounts": ["ONE_OFF", "OPENING"]}, "authority.discount"),
        ({"discounts": ["NO_SUCH"]}, "authority.discount"),
        ({"subscribe_date": "2027-01-05", "sign_deadline": "2027-01-12"}, "authority.discount"),
        ({"deposit": 1500000}, "deposit.over_limit"),
        ({"buyers__0__share_pct": 90}, "shares.invalid"),
        ({"buyers__0__share_pct": 0}, "shares.invalid"),
        ({"sign_deadline": "2026-11-20"}, "sign_deadline.invalid"),
        ({"payment__down_payment_pct": 20}, "payment.invalid"),
        ({"payment": {"method": "商业贷款"}}, "payment.invalid"),
        ({"deposit": 3000000, "payment__down_payment_pct": 30}, "amount.arithmetic"),
    ],
)
def test_each_rule_fires_on_a_planted_fault(ws, tmp_path, changes, rule):
    assert rule in _rules(ws, _variant(tmp_path, **changes))


def test_instalments_that_do_not_add_up_are_an_arithmetic_error(ws, tmp_path):
    plan = [{"due_date": "2026-11-29", "pct": 40}, {"due_date": "2027-03-01", "pct": 30}]
    path = _variant(tmp_path, "CHY-2026-0003.yaml", payment__instalments=plan)
    assert "amount.arithmetic" in _rules(ws, path)


def test_instalments_out_of_order_are_refused(ws, tmp_path):
    plan = [{"due_date": "2027-03-01", "pct": 50}, {"due_date": "2026-11-29", "pct": 50}]
    assert "payment.invalid" in _rules(ws, _variant(tmp_path, "CHY-2026-0003.yaml", payment__instalments=plan))


def test_a_deadline_beyond_the_project_window_is_a_warning_only(ws, tmp_path):
    (check,) = api.check_deals(ws, [_variant(tmp_path, sign_deadline="2026-12-20")])
    assert [(f.rule, f.severity) for f in check.findings] == [("sign_deadline.beyond_window", "warning")]
    assert check.ok


def test_price_above_the_filed_price_is_refused(project_copy):
    units = project_copy / "units.csv"
    text = units.read_text(encoding="utf-8").replace(
        "1-1801,1,18,1801,3室2厅2卫,南,98.76,79.32,19.44,74660,79140,70927",
        "1-1801,1,18,1801,3室2厅2卫,南,98.76,79.32,19.44,74660,70000,60000",
    )
    units.write_text(text, encoding="utf-8")
    ws = api.open_project(project_copy)
    assert "price.above_filed" in _rules(ws, project_copy / "deals" / "CHY-2026-0001.yaml")


def test_a_seller_credit_code_with_a_bad_check_digit_is_reported(project_copy):
    path = project_copy / "project.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("91440300MA5G8K2X1D", "91440300MA5G8K2X1E"), encoding="utf-8"
    )
    ws = api.open_project(project_copy)
    (check,) = api.check_deals(ws, [project_copy / "deals" / "CHY-2026-0001.yaml"])
    assert ("id.checksum", "seller.uscc") in {(f.rule, f.location) for f in check.findings}


def test_authority_comes_from_the_project_table(project_copy):
    path = project_copy / "project.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("  案场经理: 1\n", "  案场经理: 0\n"), encoding="utf-8")
    ws = api.open_project(project_copy)
    assert "authority.discount" in _rules(ws, project_copy / "deals" / "CHY-2026-0001.yaml")


def test_a_project_policy_file_overrides_the_deposit_limit(project_copy):
    (project_copy / "policies.yaml").write_text("deposit:\n  limit_pct: 0.5\n", encoding="utf-8")
    ws = api.open_project(project_copy)
    assert "deposit.over_limit" in _rules(ws, project_copy / "deals" / "CHY-2026-0001.yaml")


def test_buyer_id_numbers_are_masked_in_findings(ws, tmp_path):
    (check,) = api.check_deals(ws, [_variant(tmp_path, buyers__0__id_no="440305198806124535")])
    text = " ".join(f"{f.message} {f.found}" for f in check.findings)
    assert "440305198806124535" not in text and "440305********4535" in text


def test_two_files_with_one_deal_number_are_refused(ws, tmp_path):
    a = _variant(tmp_path)
    b = tmp_path / "copy.yaml"
    b.write_text(a.read_text(encoding="utf-8"), encoding="utf-8")
    checks = api.check_deals(ws, [a, b])
    assert not has_errors(checks[0].findings)
    assert [f.rule for f in checks[1].findings] == ["input.invalid"]
