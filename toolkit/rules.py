"""The rule registry: every rule id declared once (policies/default.yaml), and the one way to build a finding.

Every layer that reports a rule failure calls `finding(rule_id, message, **fields)`; the severity, the title and
the source come from the registry (or the project's policy), never from the call site. A refusal in sales
control is a `Refusal` carrying its findings, under the one `ToolkitError` tree.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from toolkit.domain.policy import Policy, RuleSpec, load_policy
from toolkit.errors import ToolkitError
from toolkit.findings import Finding

CATALOGUE_FIELDS = ("id", "severity", "title", "source", "applies_to", "switch")


@lru_cache(maxsize=1)
def registry() -> dict[str, RuleSpec]:
    """Return every rule the toolkit declares, by id (the default policy's `rules`)."""
    return load_policy(None).rules


def rule(rule_id: str) -> RuleSpec:
    """Return a declared rule; an undeclared id is a bug in the toolkit, so it raises KeyError."""
    return registry()[rule_id]


def spec_of(rule_id: str, policy: Policy | None = None) -> RuleSpec:
    """Return a rule as the project's policy sets it (severity, switch), else as the toolkit declares it."""
    declared = rule(rule_id)
    return policy.rules.get(rule_id, declared) if policy is not None else declared


def enabled(rule_id: str, policy: Policy | None = None) -> bool:
    """Tell whether a rule is switched on for a project (policies.yaml `enabled: false` turns it off)."""
    return spec_of(rule_id, policy).enabled


def finding(rule_id: str, message: str, *, policy: Policy | None = None, **fields: Any) -> Finding:
    """Build a finding of a declared rule: severity and source from the project's policy or the registry."""
    spec = spec_of(rule_id, policy)
    fields.setdefault("source", spec.source)
    return Finding(rule_id, spec.severity, message, **fields)


def catalogue(policy: Policy | None = None) -> list[dict[str, Any]]:
    """Return every rule with its id, severity, title, source, the inputs it applies to and its switch."""
    rules = policy.rules.values() if policy is not None else registry().values()
    return [
        {
            "id": r.id,
            "severity": r.severity,
            "title": r.title,
            "source": r.source,
            "applies_to": list(r.applies_to),
            "switch": "on" if r.enabled else "off",
            "summary": r.summary,
            "text": r.text,
        }
        for r in rules
    ]


def markdown_table(policy: Policy | None = None) -> str:
    """Write the catalogue as the README's rule table."""
    lines = ["| id | severity | finding | applies to | source |", "| --- | --- | --- | --- | --- |"]
    for r in catalogue(policy):
        cells = (f"`{r['id']}`", r["severity"], r["summary"] or r["title"], ", ".join(r["applies_to"]), r["source"])
        lines.append("| " + " | ".join(c.replace("|", "/") for c in cells) + " |")
    return "\n".join(lines) + "\n"


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
