"""One alteration reported once: the findings that follow from a changed value are grouped under it.

Changing one figure of a signed contract breaks every rule that reads it (the capitals beside it, the plan's
sum, the recorded provenance, the other document of the deal). The reader is told once where the document was
changed, with what follows from it listed under that finding (`extra["follows"]`).
"""

from __future__ import annotations

from dataclasses import replace

from toolkit.findings import Finding

# Findings that show a printed value itself was changed, surest first.
ROOTS = (("terms.mismatch", "provenance"), ("amount.words_mismatch", ""))


def group(findings: list[Finding]) -> list[Finding]:
    """Fold the findings that follow from one changed value under the finding that shows the change."""
    out = list(findings)
    for rule_id, mark in ROOTS:
        for root in [f for f in out if f.rule == rule_id and (not mark or f.extra.get(mark))]:
            if root not in out:
                continue
            followers = [f for f in out if f is not root and _follows(f, root)]
            if followers:
                i = out.index(root)
                out[i] = _with(root, followers)
                out = [f for f in out if all(f is not g for g in followers)]
    return out


def _follows(f: Finding, root: Finding) -> bool:
    """Tell whether a finding reads a value the root shows changed (the same path, or the list holding it)."""
    changed = root.extra.get("paths") or []
    return f.document == root.document and any(_covers(p, c) for p in f.extra.get("paths") or [] for c in changed)


def _covers(path: str, changed: str) -> bool:
    return changed == path or changed.startswith(path + "[") or changed.startswith(path + ".")


def _with(root: Finding, followers: list[Finding]) -> Finding:
    follows = list(root.extra.get("follows", [])) + [f.as_dict() for f in followers]
    return replace(root, extra={**root.extra, "follows": follows})
