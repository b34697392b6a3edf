"""The rule registry: every rule id declared once (policies/default.yaml), and the one way to build a finding.

Every layer that reports a rule failure calls `finding(rule_id, message, **fields)`; the severity, the title and
the source come from the registry, never from the call site. A refusal in sales control is a `Refusal` carrying
its findings, under the one `ToolkitError` tree.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from toolkit.domain.policy import Policy, RuleSpec, load_policy
from toolkit.errors import ToolkitError
from toolkit.findings import Finding


@lru_cache(maxsize=1)
def registry() -> dict[str, RuleSpec]:
    """Return every rule the toolkit declares, by id (the default policy's `rules`)."""
    return load_policy(None).rules


def rule(rule_id: str) -> RuleSpec:
    """Return a declared rule; an undeclared id is a bug in the toolkit, so it raises KeyError."""
    return registry()[rule_id]


def finding(rule_id: str, message: str, *, policy: Policy | None = None, **fields: Any) -> Finding:
    """Build a finding of a declared rule: severity and source from the project's policy or the registry."""
    spec = policy.rules.get(rule_id, rule(rule_id)) if policy is not None else rule(rule_id)
    fields.setdefault("source", spec.source)
    return Finding(rule_id, spec.severity, message, **fields)


class Refusal(ToolkitError):
    """A sales-control action refused by one or more rules; the CLI prints its findings."""

    def __init__(self, *findings: Finding):
        self.findings = list(findings)
        super().__init__("；".join(f.message for f in self.findings))

    @property
    def rule(self) -> str:
        """Return the first finding's rule id (the one that decided the refusal)."""
        return self.findings[0].rule

    @classmethod
    def of(cls, rule_id: str, message: str, **fields: Any) -> Refusal:
        """Refuse with one finding of a declared rule."""
        return cls(finding(rule_id, message, **fields))
