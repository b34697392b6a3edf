"""The content rules over a pack's own wording: legal learn a clause breaks a rule before any buyer signs it."""

from __future__ import annotations

from pathlib import Path

from toolkit.checks.content import Wording, missing_statements, scan
from toolkit.checks.promises import unbacked_promises
from toolkit.checks.where import Outline, _walk
from toolkit.errors import PackError
from toolkit.findings import Finding
from toolkit.pack.manifest import Pack, load_pack

GAP = "……"  # where a variable stands: the rules read the fixed wording around it


def lint_wording(pack_dir: Path) -> list[Finding]:
    """Run the content rules over every template's fixed wording and the 答客问 answers of a pack."""
    try:
        pack = load_pack(Path(pack_dir))
    except PackError:
        return []  # lint.pack reports why the pack does not load
    items = [w for doc_id in pack.documents for w in _document(pack, doc_id)] + _qa(pack)
    return scan(items) + missing_statements(items, "handbook + qa") + unbacked_promises(items)


def _document(pack: Pack, doc_id: str) -> list[Wording]:
    try:
        compiled = pack.compiled_for(doc_id)
    except PackError:
        return []  # lint_template reports what cannot be compiled
    outline, name = Outline(compiled), pack.document(doc_id).template.name
    out = []
    for seg in _walk(compiled.nodes):
        text = "".join(GAP if t.is_var else t.text for t in seg.tokens)
        place = outline.at.get(seg.clause_id or seg.label)
        where = " ".join(p for p in ((place.location if place else ""), seg.clause_id or seg.label) if p)
        out.append(Wording(doc_id, name, where, seg.clause_id, text))
    return out


def _qa(pack: Pack) -> list[Wording]:
    """Return the 答客问 answers (the questions are the customer's words, not the office's)."""
    return [Wording("qa", "qa.yaml", f"答客问 第{i + 1}问", "", str(e.get("a", ""))) for i, e in enumerate(pack.qa)]
