"""Check files in a separate process, so a file that hangs or exhausts memory never stops the inbox.

The worker opens the project once and checks one request at a time; a request over its time limit gets
the worker killed and a new one started. The worker exits by itself when the inbox process goes away.
"""

from __future__ import annotations

import logging
import multiprocessing as mp
import resource
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MEMORY_LIMIT = 2 * 1024**3


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
    from toolkit.workspace import open_project

    ws = open_project(Path(project_dir), pack_dir=Path(pack_dir) if pack_dir else None)
    conn.send("ready")
    while True:
        try:
            paths, units = conn.recv()
        except (EOFError, OSError):
            return
        conn.send(_check(ws, paths, units))


def _check(ws, paths: list[str], units: dict[str, str]) -> Verdict:
    try:
        _apply_units(ws, units)
        doc = api_check(ws, paths)
        p = doc.printed
        return Verdict(
            doc.doc_id,
            str(p.typed("doc.number") or "") if p else "",
            str(p.typed("unit.code") or "") if p else "",
            [f.as_dict() for f in doc.findings],
            terms=_terms(p) if p else {},
        )
    except MemoryError:
        return Verdict(error="the file needs more memory than a sales document can")
    except Exception as exc:  # the verdict of one file must never take the worker down
        return Verdict(error=f"{exc.__class__.__name__}: {exc}")


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


def api_check(ws, paths: list[str]):
    from toolkit.checks.documents import check_documents

    return check_documents([Path(p) for p in paths], ws.project, ws.policy, ws.pack, None)[-1]


def _apply_units(ws, units: dict[str, str]) -> None:
    """Let the ledger's unit statuses stand over the price list's."""
    import dataclasses

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

    def check(self, paths: list[Path], units: dict[str, str]) -> Verdict:
        """Check files (the last one is judged, the others are its counterpart on record)."""
        if self.proc is None or not self.proc.is_alive():
            self.start()
        try:
            self.conn.send(([str(p) for p in paths], units))
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
