"""Check files in a separate process, so a file that hangs or exhausts memory never stops the inbox.

The worker opens the project once and checks one request at a time; a request over its time limit gets
the worker killed and a new one started. The worker exits by itself when the inbox process goes away.
"""

from __future__ import annotations

import dataclasses
import logging
import multiprocessing as mp
import os
import re
import resource
from collections import deque
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
    doc: Any = None  # the checked document without its parse tree, kept for a later cross-check


@dataclass(frozen=True)
class Terms:
    """What the inbox needs of the pack: the terms two documents of one deal must print alike (a cross-check),
    and each document's title (the report)."""

    shared_terms: tuple
    titles: tuple[tuple[str, str], ...] = ()  # (document id, title), as the pack declares them


def cross_check(record: Any, new: Any, terms: Terms) -> list[dict[str, Any]]:
    """Cross-check two checked documents of one deal (their kept forms), as the worker would."""
    return [f.as_dict() for f in _cross_check(record, new, terms)]


def _serve(conn, project_dir: str, pack_dir: str | None) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    logging.getLogger("pypdf").setLevel(logging.CRITICAL)  # its complaints about broken files become verdicts
    from toolkit.workspace import open_project

    ws = open_project(Path(project_dir), pack_dir=Path(pack_dir) if pack_dir else None)
    conn.send(("ready", Terms(ws.pack.shared_terms, tuple(ws.pack.titles().items()))))
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        conn.send(_answer(ws, request))


def _answer(ws, request: tuple) -> Verdict:
    kind, path, record, new = request
    try:
        if kind == "check":
            doc = _one(ws, path)
            return _verdict(doc, [], dataclasses.replace(doc, parsed=None))
        record = dataclasses.replace(record or _one(ws, path), path=Path(path))  # read only when not kept
        return _verdict(new, _cross_check(record, new, ws.pack), None)
    except MemoryError:
        return Verdict(error="读取该文件所需内存超过销售文件的上限")
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


def _verdict(doc, more: list, kept) -> Verdict:
    p = doc.printed
    return Verdict(
        doc.doc_id,
        str(p.typed("doc.number") or "") if p else "",
        str(p.typed("unit.code") or "") if p else "",
        [f.as_dict() for f in [*doc.findings, *more]],
        terms=_terms(p) if p else {},
        doc=kept,
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


PAGE_SECONDS = 45.0  # more time per page judged beyond the first: 2-10 s a scanned page on a loaded machine, up to
# 45 s for a page without a code, which is read whole by OCR
MAX_PAGES = 200  # the allowance stops growing here, whatever a file claims
_PDF_PAGE = re.compile(rb"/Type\s*/Page(?![A-Za-z])")


def time_limit(base: float, pages: int = 1, per_page: float = PAGE_SECONDS) -> float:
    """Return how long one check may take: the base limit for one page, plus an allowance per further page judged."""
    return base + per_page * (min(max(pages, 1), MAX_PAGES) - 1)


def pages_in(data: bytes | None, name: str) -> int:
    """Count a PDF's page objects in its bytes, without parsing it (1 when none is seen, or not a PDF).

    Pages inside compressed object streams are not seen: such a file gets the base limit, as before.
    """
    if not data or not name.lower().endswith(".pdf"):
        return 1
    return max(1, len(_PDF_PAGE.findall(data)))


class CheckWorker:
    """A worker process with a time limit per request; requests may be queued ahead and answered in order."""

    def __init__(self, project_dir: Path, pack_dir: Path | None, time_limit: float):
        self.project_dir, self.pack_dir, self.time_limit = project_dir, pack_dir, time_limit
        self.proc: Any = None
        self.conn: Any = None
        self.terms: Terms | None = None  # the pack's shared terms, for a cross-check in the inbox itself
        self.pending: deque[tuple[int, tuple]] = deque()  # sent, not yet answered, in order
        self.answers: dict[int, Verdict] = {}
        self.limits: dict[int, float] = {}  # a request's own time limit, when it is not the worker's (several pages)
        self.seq = 0
        self.greeted = False  # the launched worker said it is ready (its hello read)

    def start(self) -> None:
        """Start the worker and wait until it has opened the project."""
        self.launch()
        self.wait_ready()

    def launch(self) -> None:
        """Start the worker process (it opens the project by itself; `wait_ready` waits for that)."""
        ctx = mp.get_context("spawn")
        self.greeted = False
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(
            target=_serve,
            args=(child, str(self.project_dir), str(self.pack_dir) if self.pack_dir else None),
            daemon=True,
        )
        self.proc.start()
        child.close()

    def wait_ready(self) -> None:
        """Wait until the launched worker has opened the project."""
        hello = self.conn.recv() if self.conn.poll(120) else None
        if not isinstance(hello, tuple) or hello[0] != "ready":
            raise RuntimeError("the check worker did not start")
        self.terms, self.greeted = hello[1], True

    def warm(self) -> bool:
        """Start the worker without waiting for it; tell whether it is ready for requests (never blocks)."""
        if self.proc is None:
            self.launch()
        if not self.greeted:
            try:
                if not self.conn.poll(0):
                    return False
                self.wait_ready()
            except (EOFError, OSError, RuntimeError):
                self.stop()  # it died while starting: launched again at the next call
                return False
        return True

    def check(self, path: Path, sha256: str = "", limit: float | None = None) -> Verdict:
        """Check one file alone (within `limit` seconds, else the worker's time limit)."""
        return self.result(self.submit(path, limit))

    def pair(self, record: Path, kept: Any, new: Any) -> Verdict:
        """Cross-check a checked document with its counterpart on record (read from disk only if not kept)."""
        return self.result(self.submit_pair(record, kept, new))

    def submit(self, path: Path, limit: float | None = None) -> int:
        """Queue the check of one file (within `limit` seconds, else the worker's time limit); return a ticket."""
        ticket = self._send(("check", str(path), None, None))
        if limit:
            self.limits[ticket] = limit
        return ticket

    def submit_pair(self, record: Path, kept: Any, new: Any) -> int:
        """Queue a cross-check; return a ticket for `result`."""
        return self._send(("pair", str(record), kept, new))

    def _send(self, request: tuple) -> int:
        if self.proc is None or not self.proc.is_alive():
            self._restart()
        self.seq += 1
        self.pending.append((self.seq, request))
        try:
            self.conn.send(request)
        except (OSError, BrokenPipeError):
            pass  # the worker died: the answer is collected (or the request sent again) in result
        return self.seq

    def result(self, ticket: int) -> Verdict:
        """Wait for the answer to a ticket; a request over the time limit or a crash costs the worker."""
        while ticket not in self.answers:
            head, _ = self.pending[0]
            limit = self.limits.pop(head, self.time_limit)
            try:
                answer = self.conn.recv() if self.conn.poll(limit) else None
                why = f"检查超过{limit:.0f}秒的时限"
            except (EOFError, OSError):
                answer, why = None, "检查进程在读取该文件时中止"
            self.pending.popleft()
            if answer is None:
                self.answers[head] = Verdict(error=why)
                self._restart()  # the requests queued behind the culprit go to the new worker
            else:
                self.answers[head] = answer
        return self.answers.pop(ticket)

    def _restart(self) -> None:
        self.stop()
        if not self.pending and self.seq:
            return  # started again when the next request comes
        self.start()
        for _, request in self.pending:
            self.conn.send(request)

    def load(self) -> int:
        """Return how many requests wait for this worker."""
        return len(self.pending)

    def stop(self) -> None:
        """Stop the worker."""
        if self.proc is not None:
            self.proc.kill()
            self.proc.join(5)
        self.proc = None


class CheckPool:
    """As many check workers as the cores allow, started as the work needs them; same calls as one worker."""

    def __init__(
        self, project_dir: Path, pack_dir: Path | None, time_limit: float, size: int | None = None, eager: bool = False
    ):
        size = size or max(1, min(4, len(os.sched_getaffinity(0))))
        self.workers = [CheckWorker(project_dir, pack_dir, time_limit) for _ in range(size)]
        self.wide = False  # use every worker (a large drop), or only the first (a file now and then)
        self.eager = eager  # start every worker at once (a watcher: its memory stays the same through a drop)

    def start(self) -> None:
        """Start the first worker, or every worker side by side when eager (else they start when a drop needs them)."""
        started = self.workers if self.eager else self.workers[:1]
        for w in started:
            w.launch()
        for w in started:
            w.wait_ready()

    @property
    def terms(self) -> Terms | None:
        """Return the pack's shared terms, as the first worker reported them."""
        return self.workers[0].terms

    def check(self, path: Path, sha256: str = "", limit: float | None = None) -> Verdict:
        """Check one file alone (within `limit` seconds, else the workers' time limit)."""
        return self.result(self.submit(path, limit))

    def pair(self, record: Path, kept: Any, new: Any) -> Verdict:
        """Cross-check a checked document with its counterpart on record."""
        return self.result(self.submit_pair(record, kept, new))

    def submit(self, path: Path, limit: float | None = None) -> tuple[int, int]:
        """Queue the check of one file on the least busy worker."""
        i = self._least_busy()
        return i, self.workers[i].submit(path, limit)

    def submit_pair(self, record: Path, kept: Any, new: Any) -> tuple[int, int]:
        """Queue a cross-check on the least busy worker."""
        i = self._least_busy()
        return i, self.workers[i].submit_pair(record, kept, new)

    def result(self, ticket: tuple[int, int]) -> Verdict:
        """Wait for the answer to a ticket."""
        return self.workers[ticket[0]].result(ticket[1])

    def warm(self) -> None:
        """Start the workers not running yet, without waiting: files are on their way (a drop is arriving)."""
        for w in self.workers:
            w.warm()

    def _least_busy(self) -> int:
        """Choose the first worker, or in a drop the least busy of those ready (one still starting is skipped)."""
        ready = [0] + [i for i in range(1, len(self.workers)) if self.wide and self.workers[i].warm()]
        return min(ready, key=lambda i: self.workers[i].load())

    def stop(self) -> None:
        """Stop every worker."""
        for w in self.workers:
            w.stop()
