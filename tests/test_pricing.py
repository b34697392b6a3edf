"""Pricing exactly as examples/cuihu/README.md says, against figures computed by hand."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from toolkit.checks.inputs import read_deal
from toolkit.domain.pricing import price_deal


def _price(ws, example, name):
    deal, findings = read_deal(example / "deals" / name, ws.pack)
    assert deal is not None, findings
    return deal, price_deal(ws.project, ws.project.units[deal.unit], deal)


@pytest.mark.parametrize(
    ("name", "list_total", "total", "unit_price"),
    [
        # 74660 × 98.76 = 7,373,421.60; × 0.99 (按揭) × 0.99 (开盘) × 0.99 (extra) = 7,154,423.6051 → 7,154,424
        ("CHY-2026-0001.yaml", "7373421.60", "7154424", "72442.53"),
        # 74760 × 128.40 = 9,599,184.00; × 0.97 (一次性) × 0.99 (开盘) = 9,218,096.3952 → 9,218,096
        ("CHY-2026-0002.yaml", "9599184.00", "9218096", "71792.02"),
        # 70500 × 128.40 = 9,052,200.00; × 0.99 (开盘) × 0.98 (extra) = 8,782,444.44 → 8,782,444
        ("CHY-2026-0003.yaml", "9052200.00", "8782444", "68399.10"),
    ],
)
def test_clean_deals_are_priced_as_computed_by_hand(ws, example, name, list_total, total, unit_price):
    _, p = _price(ws, example, name)
    assert (p.list_total, p.total, p.unit_price) == (D(list_total), D(total), D(unit_price))


def test_unit_price_times_area_is_within_one_yuan_of_the_total(ws, example):
    for name in ("CHY-2026-0001.yaml", "CHY-2026-0002.yaml", "CHY-2026-0003.yaml"):
        deal, p = _price(ws, example, name)
        area = ws.project.units[deal.unit].building_area
        assert abs(p.unit_price * area - p.total) <= 1


def test_instalments_split_the_total_net_of_the_deposit(ws, example):
    _, p = _price(ws, example, "CHY-2026-0003.yaml")
    # net 8,782,444 − 80,000 = 8,702,444: 40% = 3,480,977.6 → 3,480,978; 30% = 2,610,733.2 → 2,610,733; rest
    assert [r.amount for r in p.plan] == [D(80000), D(3480978), D(2610733), D(2610733)]
    assert sum(r.amount for r in p.plan) == p.total


def test_loan_plan_credits_the_deposit_against_the_down_payment(ws, example):
    _, p = _price(ws, example, "CHY-2026-0001.yaml")
    # 30% of 7,154,424 = 2,146,327.2 → 2,146,327; loan = 5,008,097
    assert (p.down_payment, p.loan_amount) == (D(2146327), D(5008097))
    assert [r.amount for r in p.plan] == [D(50000), D(2096327), D(5008097)]


def test_one_off_payment_is_the_total_less_the_deposit(ws, example):
    _, p = _price(ws, example, "CHY-2026-0002.yaml")
    assert [r.amount for r in p.plan] == [D(100000), D(9118096)]
    assert p.plan[1].due.isoformat() == "2026-12-05"
