"""Content rules: wording a lawyer or the housing authority would object to, wherever a sales office writes it.

Each rule's phrases and the words that lift it (a sentence that forbids or denies the thing: "不得承诺落户") are
policy parameters (`params.phrases`, `params.unless`), so legal tune them without code. They run over a pack's
own wording (`loupan pack lint`) and over what a signed document added or changed (`loupan check`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from toolkit.domain.policy import Policy
from toolkit.findings import Finding
from toolkit.rules import finding, registry, spec_of

CONTENT_RULES = ("clause.unfair", "sale.prohibited", "sale.bundled", "deposit.wording", "claim.prohibited")
_SENTENCE = re.compile(r"[^。；;！？!?\n]+[。；;！？!?]?")


@dataclass(frozen=True)
class Wording:
    """A piece of wording to read: which document, where a reader finds it, its clause id and text."""

    document: str  # the document id (contract, handbook, qa, ...) that decides which rules apply
    file: str
    location: str
    clause: str
    text: str


def scan(items: Iterable[Wording], policy: Policy | None = None) -> list[Finding]:
    """Run every content rule that applies to each piece of wording; one finding per offending sentence."""
    rules = [(r, spec_of(r, policy)) for r in CONTENT_RULES if r in registry()]
    out = []
    for w in items:
        for rule_id, spec in rules:
            if spec.enabled and w.document in spec.applies_to:
                out += [_finding(rule_id, w, s, m, policy) for s, m in _offending(w.text, spec.params)]
    return out


def _offending(text: str, params: dict) -> Iterable[tuple[str, str]]:
    """Yield (sentence, phrase) for each sentence with a phrase and none of the words that lift it."""
    phrases = re.compile("|".join(params.get("phrases") or ["(?!)"]))
    unless = re.compile("|".join(params.get("unless") or ["(?!)"]))
    for sentence in _SENTENCE.findall(text):
        m = phrases.search(sentence)
        if m and not unless.search(sentence):
            yield sentence.strip(), m.group(0)


def _finding(rule_id: str, w: Wording, sentence: str, phrase: str, policy: Policy | None) -> Finding:
    spec = spec_of(rule_id, policy)
    return finding(
        rule_id,
        f"“{phrase}”：{spec.title}（{spec.source}）：{sentence[:80]}",
        policy=policy,
        document=w.file,
        location=w.location,
        clause=w.clause,
        found=sentence[:200],
    )


def missing_statements(items: list[Wording], file: str, policy: Policy | None = None) -> list[Finding]:
    """List what the handbook and 答客问 together must state but do not (claim.missing)."""
    if "claim.missing" not in registry() or not spec_of("claim.missing", policy).enabled:
        return []
    spec = spec_of("claim.missing", policy)
    body = "\n".join(w.text for w in items if w.document in spec.applies_to)
    if not body:
        return []
    required: dict[str, str] = spec.params.get("required") or {}
    return [
        _finding("claim.missing", Wording("", file, what, "", ""), f"培训手册和答客问均未说明{what}", pattern, policy)
        for what, pattern in required.items()
        if not re.search(pattern, body)
    ]
