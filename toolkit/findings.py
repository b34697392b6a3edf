"""Findings: what a check says about a deal or a document, as data."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Finding:
    """One rule's verdict on one input: formatted only at the edge (terminal, JSON, HTML)."""

    rule: str
    severity: str
    message: str
    document: str = ""
    location: str = ""
    clause: str = ""
    expected: str = ""
    found: str = ""
    source: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def line(self) -> str:
        """Write the finding on one line for a terminal."""
        place = " ".join(p for p in (self.location, self.clause) if p)
        where = f" [{place}]" if place else ""
        follows = self.extra.get("follows") or []
        more = f"（由此引起{len(follows)}项：{'、'.join(sorted({f['rule'] for f in follows}))}）" if follows else ""
        return f"{self.severity}: {self.rule}{where}: {self.message}{more}"

    def as_dict(self) -> dict[str, Any]:
        """Return the finding as a JSON-ready dict, leaving out empty fields."""
        return {k: v for k, v in asdict(self).items() if v not in ("", {}, None)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Finding:
        """Rebuild a finding kept as a dict (a ledger row's reasons), for a report: it was built by the factory."""
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**{"rule": "", "severity": ERROR, "message": "", **known})


def has_errors(findings: list[Finding]) -> bool:
    """Tell whether any finding is an error."""
    return any(f.severity == ERROR for f in findings)
