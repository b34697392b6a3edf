"""Identity and contact numbers (issue 10): region codes that never existed, organisation codes, PRC phones."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from toolkit import api
from toolkit.checks.identity import org_code_check_char, phone_problem, region_known, uscc_org_problem
from toolkit.domain.ids import resident_id_check_char, uscc_check_char

ROOT = Path(__file__).resolve().parents[2]
BASE = ROOT / "examples" / "cuihu" / "deals" / "CHY-2026-0001.yaml"


def with_check_digit(first17: str) -> str:
    return first17 + resident_id_check_char(first17)


def deal_with(tmp_path: Path, **buyer) -> Path:
    data = yaml.safe_load(BASE.read_text(encoding="utf-8"))
    data["buyers"][0].update(buyer)
    path = tmp_path / "deal.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def rules_of(ws, path: Path) -> set[tuple[str, str]]:
    (check,) = api.check_deals(ws, [path])
    return {(f.rule, f.location) for f in check.findings}


@pytest.mark.parametrize("region", ["999999", "000000"])
def test_a_resident_id_whose_region_never_existed_is_refused(ws, tmp_path, region):
    id_no = with_check_digit(region + "19880612453")
    assert ("id.checksum", "buyers[0].id_no") in rules_of(ws, deal_with(tmp_path, id_no=id_no))


def test_a_region_code_abolished_since_is_still_accepted():
    assert region_known("440305") and region_known("110101")
    assert not region_known("999999")


def test_a_clean_deal_has_no_identity_or_phone_finding(ws):
    assert rules_of(ws, BASE) == set()


def test_a_credit_code_whose_organisation_code_fails_its_check_char_is_caught():
    good = "91440300MA5G8K2X1D"
    assert org_code_check_char("MA5G8K2X") == "1" and uscc_org_problem(good) is None
    bad17 = good[:16] + "2"
    bad = bad17 + uscc_check_char(bad17)  # its own GB 32100 check character is right
    assert "校验码应为1" in uscc_org_problem(bad)


@pytest.mark.parametrize("phone", ["12345678901", "1391234567", "010-1234567", "23456789012"])
def test_a_phone_that_is_not_a_prc_number_is_contact_phone(ws, tmp_path, phone):
    assert ("contact.phone", "buyers[0].phone") in rules_of(ws, deal_with(tmp_path, phone=phone))


@pytest.mark.parametrize("phone", ["13912345678", "0755-26000000", "+86 13912345678", "(010)65123456", "400-123-4567"])
def test_prc_mobile_and_landline_numbers_pass(phone):
    assert phone_problem(phone) is None
