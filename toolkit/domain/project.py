"""A project: the seller, land, permits, price list and house rules of one development."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

AVAILABLE = "待售"


@dataclass(frozen=True)
class Unit:
    """One row of the price list (一房一价)."""

    code: str
    building: str
    floor: int
    room: str
    layout: str
    orientation: str
    building_area: Decimal
    inner_area: Decimal
    shared_area: Decimal
    list_unit_price: Decimal
    filed_unit_price: Decimal
    floor_unit_price: Decimal
    status: str


@dataclass(frozen=True)
class Permit:
    """What a sale rests on, with the buildings it covers: a pre-sale permit (预售), a title certificate (现售)."""

    no: str
    issued: dt.date
    authority: str
    buildings: tuple[str, ...]


@dataclass(frozen=True)
class PublishedDiscount:
    """A discount published to every buyer (一般性折扣), with its conditions."""

    code: str
    name: str
    rate_pct: Decimal
    applies_to_payment: tuple[str, ...]
    valid_until: dt.date | None

    def condition(self) -> str:
        """Describe in words when the discount applies."""
        parts = []
        if self.applies_to_payment:
            parts.append("限" + "、".join(self.applies_to_payment) + "客户")
        if self.valid_until:
            d = self.valid_until
            parts.append(f"认购日期不晚于{d.year}年{d.month}月{d.day}日")
        return "；".join(parts) or "所有客户"


@dataclass(frozen=True)
class Project:
    """A validated project: `data` keeps the project.yaml mapping for the templates."""

    code: str
    name: str
    data: dict[str, Any]
    units: dict[str, Unit]
    permits: tuple[Permit, ...]
    discounts: tuple[PublishedDiscount, ...]
    staff: dict[str, str]
    authority: dict[str, Decimal]

    @property
    def permit_label(self) -> str:
        """Name what a sale of this project rests on."""
        return "预售许可证" if self.data["project"]["sale_type"] == "预售" else "不动产权证书"

    def permit_for(self, building: str, on: dt.date) -> Permit | None:
        """Return the permit covering a building issued on or before a date."""
        for permit in self.permits:
            if building in permit.buildings and permit.issued <= on:
                return permit
        return None

    def any_permit_for(self, building: str) -> Permit | None:
        """Return a permit covering a building whatever its date."""
        return next((p for p in self.permits if building in p.buildings), None)


def project_from_data(data: dict[str, Any], unit_rows: list[dict[str, Any]]) -> Project:
    """Build a Project from a validated project.yaml mapping and validated price-list rows."""
    return Project(
        code=data["project"]["code"],
        name=data["project"]["name"],
        data=data,
        units={row["code"]: Unit(**row) for row in unit_rows},
        permits=tuple(
            Permit(p["no"], p["issued"], p["authority"], tuple(p["buildings"]))
            for p in data.get("presale_permits") or data.get("title_certificates") or ()
        ),
        discounts=tuple(_discount(d) for d in data["pricing"]["published_discounts"]),
        staff={s["name"]: s["role"] for s in data["staff"]},
        authority=dict(data["authority"]),
    )


def _discount(d: dict[str, Any]) -> PublishedDiscount:
    return PublishedDiscount(
        d["code"], d["name"], d["rate_pct"], tuple(d.get("applies_to_payment") or ()), d.get("valid_until")
    )
