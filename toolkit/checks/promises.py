"""promise.unbacked: a concrete promise in the handbook or 答客问 that the contract's annexes do not back (R-CT-14).

What a sales script promises about 配套, 装修 and 交付标准, if concrete and material, binds the seller as a
contract term even when the contract leaves it out (商品房买卖合同解释 第三条). So each such promise must be
found in the contract's annexes (附件五 facilities, 附件六 decoration, the delivery articles), or the sentence
must send the buyer to the contract or mark the thing as planned ("以合同约定为准", "规划中"). The promise
words, the markers and the clauses that back them are policy parameters.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from toolkit.checks.content import Wording
from toolkit.domain.policy import Policy
from toolkit.findings import Finding
from toolkit.rules import enabled, finding, spec_of
from toolkit.text import normalize

_SENTENCE = re.compile(r"[^。；;！？!?\n]+[。；;！？!?]?")


def unbacked_promises(items: list[Wording], policy: Policy | None = None) -> list[Finding]:
    """Flag each promise of the scripts that is neither in the backing clauses nor sent to the contract."""
    if not enabled("promise.unbacked", policy):
        return []
    spec = spec_of("promise.unbacked", policy)
    backing = normalize("".join(w.text for w in items if w.clause.startswith(tuple(spec.params.get("backed_in", ())))))
    promise = re.compile("|".join(spec.params.get("promises") or ["(?!)"]))
    lifted = re.compile("|".join(spec.params.get("unless") or ["(?!)"]))
    out = []
    for w in (w for w in items if w.document in spec.applies_to):
        for sentence, words in _promises(w.text, promise, lifted):
            missing = [p for p in words if normalize(p) not in backing]
            if missing:
                out.append(_finding(w, sentence, missing, policy))
    return out


def _promises(text: str, promise: re.Pattern, lifted: re.Pattern) -> Iterable[tuple[str, list[str]]]:
    for sentence in _SENTENCE.findall(text):
        words = list(dict.fromkeys(m.group(0) for m in promise.finditer(sentence)))
        if words and not lifted.search(sentence):
            yield sentence.strip(), words


def _finding(w: Wording, sentence: str, missing: list[str], policy: Policy | None) -> Finding:
    spec = spec_of("promise.unbacked", policy)
    return finding(
        "promise.unbacked",
        f"“{'、'.join(missing)}”：合同附件未载明此项承诺（{spec.source}）：{sentence[:80]}",
        policy=policy,
        document=w.file,
        location=w.location,
        clause=w.clause,
        expected="载入合同附件五、附件六，或注明以合同约定为准、规划中",
        found=sentence[:200],
    )
