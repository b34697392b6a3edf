"""An accepted deal document's printed values, kept in its ledger row for the cross-check of its counterpart.

A contract is cross-checked with the accepted 认购书 of its deal (and the reverse). On a shared ledger the
counterpart was often accepted by another worker, on this machine or another: its checked form is in that
worker's memory only, so this one read and parsed the filed copy again (a whole check, in the verdict's
transaction). What the cross-check reads of the counterpart is its printed values, plain text: they are
written as JSON into the row's `kept` column with the verdict itself (migration 0007), and come back with
the row every worker fetches anyway. No code is loaded from the ledger: JSON, not pickle.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from toolkit.ledger.base import FileRow

FORMAT = 1  # raise when what is stored changes shape: an entry of another format is read from the file instead


def dump(doc: Any) -> str | None:
    """Return a checked document's printed values as the JSON kept in its row (None: nothing to keep)."""
    printed = getattr(doc, "printed", None)
    if printed is None:
        return None
    values = [v for group in (printed.by_path, printed.ticks) for vs in group.values() for v in vs]
    data = {
        "format": FORMAT,
        "doc_id": doc.doc_id,
        "pack": doc.pack,
        "version": doc.version,
        "name": printed.name,
        "values": [[v.path, v.filter, v.text, v.clause, v.location, v.tick_value] for v in values],
    }
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def load(row: FileRow | None) -> Any:
    """Return the checked form kept in a row (its printed values, at its filed path), or None when there is none."""
    try:
        data = json.loads(row.kept) if row is not None and row.kept else None
    except ValueError:
        return None  # damaged: the filed copy is read instead
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return None
    from toolkit.checks.documents import CheckedDocument
    from toolkit.checks.printed import Printed
    from toolkit.read.parse import Value

    printed = Printed(str(data["name"]))
    for path, filter_, text, clause, location, tick in data["values"]:
        value = Value(path, filter_, text, clause, location, tick)
        (printed.ticks if filter_ == "tick" else printed.by_path)[path].append(value)
    path = Path(row.filed_path or row.name)  # type: ignore[union-attr]  # row is set when data is
    return CheckedDocument(path, data["doc_id"], data["pack"], data["version"], printed=printed)
