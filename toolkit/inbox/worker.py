"""Check files in a separate process, so a file that hangs or exhausts memory never stops the inbox.

The worker opens the project once and checks one request at a time; a request over its time limit gets
the worker killed and a new one started. The worker exits by itself when the inbox process goes away.
"""

from __future__ import annotations

import dataclasses
import logging
import multiprocessing as mp
import resource
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MEMORY_LIMIT = 2 * 1024**3
KEEP = 256  # parsed documents kept for cross-checks: enough for a day's drop, flat in memory


@dataclass
class Verdict:
    """What the worker found in one file (the last of the files it was given)."""

    document: str = ""
    deal_no: str = ""
    unit: str = ""
    findings: list[dict[str, Any]] = field(default_factory=list)
    error: str = ""  # set when the check itself failed (time limit, crash)
    terms: dict[str, Any] = field(default_factory=dict)  # the deal as the document prints it


def _serve(conn, project_dir: str, pack_dir: str | None) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    logging.getLogger("pypdf").setLevel(logging.CRITICAL)  # its complaints about broken files become verdicts
    from toolkit import api

    ws = api.open_project(Path(project_dir), pack_dir=Path(pack_dir) if pack_dir else None)
    kept = _Kept()
    conn.send("ready")
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        conn.send(_answer(ws, kept, request))


class _Kept:
    """The parsed form of recently checked files, by SHA-256: a filed file never changes, so it is read once."""

    def __init__(self, size: int = KEEP):
        self.size, self.docs, self.last = size, OrderedDict(), None

    def put(self, sha: str, doc) -> None:
        """Keep a checked document (without its parse tree, which a cross-check does not need)."""
        self.docs[sha] = dataclasses.replace(doc, parsed=None)
        self.docs.move_to_end(sha)
        while len(self.docs) > self.size:
            self.docs.popitem(last=False)

    def get(self, sha: str):
        """Return a kept document, or None."""
        doc = self.docs.get(sha)
        if doc is not None:
            self.docs.move_to_end(sha)
        return doc


def _answer(ws, kept: _Kept, request: tuple) -> Verdict:
    kind, path, sha, units = request
    try:
        _apply_units(ws, units)
        if kind == "check":
            kept.last = _one(ws, path)
            kept.put(sha, kept.last)
            return _verdict(kept.last, [])
        record = kept.get(sha) or _one(ws, path)  # "pair": the last file against its counterpart on record
        kept.put(sha, record)
        record = dataclasses.replace(record, path=Path(path))
        return _verdict(kept.last, _cross_check(record, kept.last, ws.pack))
    except MemoryError:
        return Verdict(error="the file needs more memory than a sales document can")
    except Exception as exc:  # the verdict of one file must never take the worker down
        return Verdict(error=f"{exc.__class__.__name__}: {exc}")


def _one(ws, path: str):
    """Check one file alone (every document rule)."""
    from toolkit.checks.documents import check_documents

    return check_documents([Path(path)], ws.project, ws.policy, ws.pack)[0]


def _cross_check(a, b, pack) -> list:
    from toolkit.checks.documents import cross_check

    if a.printed is None or b.printed is None:
        return []
    return cross_check(a, b, pack)


def _verdict(doc, more: list) -> Verdict:
    p = doc.printed
    return Verdict(
        doc.doc_id,
        str(p.typed("doc.number") or "") if p else "",
        str(p.typed("unit.code") or "") if p else "",
        [f.as_dict() for f in [*doc.findings, *more]],
        terms=_terms(p) if p else {},
    )


def _terms(p) -> dict[str, Any]:
    """Take from a document the terms the ledger keeps of a deal."""
    buyers = [
        {
            k: str(p.typed(f"buyers[{i}].{k}") or "")
            for k in ("name", "id_type", "id_no", "phone", "address", "share_pct")
        }
        for i in p.items("buyers")
    ]
    date = p.typed("deal.subscribe_date")
    return {
        "buyers": buyers,
        "total": str(p.typed("deal.total") or ""),
        "deposit": str(p.typed("deal.deposit") or ""),
        "payment_method": str(p.typed("deal.payment_method") or ""),
        "subscribe_date": date.isoformat() if date else "",
    }


def _apply_units(ws, units: dict[str, str]) -> None:
    """Let the ledger's unit statuses stand over the price list's."""
    for code, status in units.items():
        unit = ws.project.units.get(code)
        if unit is not None and unit.status != status:
            ws.project.units[code] = dataclasses.replace(unit, status=status)


class CheckWorker:
    """A worker process with a time limit per request."""

    def __init__(self, project_dir: Path, pack_dir: Path | None, time_limit: float):
        self.project_dir, self.pack_dir, self.time_limit = project_dir, pack_dir, time_limit
        self.proc: Any = None
        self.conn: Any = None

    def start(self) -> None:
        """Start the worker and wait until it has opened the project."""
        ctx = mp.get_context("spawn")
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(
            target=_serve,
            args=(child, str(self.project_dir), str(self.pack_dir) if self.pack_dir else None),
            daemon=True,
        )
        self.proc.start()
        child.close()
        if not self.conn.poll(120) or self.conn.recv() != "ready":
            raise RuntimeError("the check worker did not start")

    def check(self, path: Path, sha256: str, units: dict[str, str] | None = None) -> Verdict:
        """Check one file alone; the worker keeps its parsed form for a cross-check."""
        return self._ask(("check", str(path), sha256, units or {}))

    def pair(self, record: Path, sha256: str) -> Verdict:
        """Cross-check the file last checked with its counterpart on record (read only if not kept)."""
        return self._ask(("pair", str(record), sha256, {}))

    def _ask(self, request: tuple) -> Verdict:
        if self.proc is None or not self.proc.is_alive():
            self.start()
        try:
            self.conn.send(request)
            if self.conn.poll(self.time_limit):
                return self.conn.recv()
        except (EOFError, OSError, BrokenPipeError):
            self.stop()
            return Verdict(error="the check worker stopped while reading the file")
        self.stop()
        return Verdict(error=f"checking took longer than the {self.time_limit:.0f} s limit")

    def stop(self) -> None:
        """Stop the worker."""
        if self.proc is not None:
            self.proc.kill()
            self.proc.join(5)
        self.proc = None
