"""One file's way through the inbox: claim, judge, report, record, file. Nothing is deleted or overwritten.

Order of durability: the file is claimed by an atomic rename out of the inbox; its report is written and its
verdict committed to the ledger before it leaves the claim area; a restart finishes whatever was in flight.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from toolkit.errors import ToolkitError
from toolkit.findings import Finding
from toolkit.inbox.names import ACCEPTED_SUFFIXES, filed_name, mask
from toolkit.inbox.worker import CheckWorker, Verdict
from toolkit.ledger.states import AFTER_DOCUMENT, UnitStatus
from toolkit.ledger.store import FileRow, Ledger
from toolkit.reports.check_html import render_html

OUTCOMES = ("accepted", "rejected", "quarantine", "duplicates")
MAX_SIZE = 50 * 1024 * 1024
UNIT_AFTER = AFTER_DOCUMENT
COUNTERPART = {"subscription": "contract", "contract": "subscription"}


@dataclass
class InboxConfig:
    """Where the inbox is, where files go, and its limits."""

    project_dir: Path
    inbox: Path
    filed: Path
    pack_dir: Path | None = None
    stability: float = 2.0
    incomplete_grace: float = 30.0
    rescan: float = 60.0
    time_limit: float = 60.0
    max_size: int = MAX_SIZE
    polling: bool = False
    tick: float = 0.05

    @property
    def work(self) -> Path:
        """Return the claim area: in the filed tree, or a hidden folder of the inbox across devices."""
        if _device(self.filed) == _device(self.inbox):
            return self.filed / ".claimed"
        return self.inbox / ".loupan-claimed"


def _device(path: Path) -> int:
    return os.stat(path).st_dev


@dataclass
class Judgement:
    """The verdict on one file."""

    outcome: str
    reasons: list[dict[str, Any]]
    document: str = ""
    deal_no: str = ""
    unit: str = ""
    duplicate_of: FileRow | None = None
    terms: dict[str, Any] | None = None


class Pipeline:
    """Claims, judges and files inbox files, one at a time."""

    def __init__(self, cfg: InboxConfig, ledger: Ledger, worker: CheckWorker, log: Callable[[str], None]):
        self.cfg, self.ledger, self.worker, self.log = cfg, ledger, worker, log
        self._sales_view = None
        for outcome in OUTCOMES:
            (cfg.filed / outcome).mkdir(parents=True, exist_ok=True)
        cfg.work.mkdir(parents=True, exist_ok=True)

    def recover(self) -> int:
        """Finish what was in flight when the last run stopped; return how many files that was."""
        done = 0
        for row in self.ledger.unfinished():
            done += self._finish(row)
        for claim in sorted(self.cfg.work.iterdir()):
            if claim.is_file() and self.ledger.by_claim(claim) is None:
                self.process(claim, claim.name.split("__", 1)[-1])
                done += 1
        return done

    def _finish(self, row: FileRow) -> int:
        claim, target = Path(row.claim_path), Path(row.filed_path) if row.filed_path else None
        if row.state == "filing" and target is not None:
            if claim.exists():
                _move(claim, target)
            self.ledger.filed(row.id)
            return 1
        if claim.exists():
            self.process(claim, row.name)
            return 1
        return 0

    def take(self, path: Path) -> Path | None:
        """Claim a stable inbox file by an atomic rename and process it; None when it went away."""
        claim = self.cfg.work / f"{os.getpid()}-{os.urandom(4).hex()}__{path.name}"
        try:
            os.rename(path, claim)
        except FileNotFoundError:
            return None
        self.process(claim, path.name)
        return claim

    def process(self, claim: Path, name: str) -> None:
        """Judge a claimed file, write its report, record the verdict, then file it."""
        file_id = self.ledger.claim(name, claim, claim.stat().st_size)
        sha = _sha256(claim)
        judgement = self.judge(claim, name, file_id, sha)
        target = self.cfg.filed / judgement.outcome / filed_name(file_id, name)
        report = self._reports(target, file_id, name, sha, judgement)
        if judgement.outcome == "accepted" and judgement.unit and judgement.document in UNIT_AFTER:
            self.ledger.move_unit(judgement.unit, UNIT_AFTER[judgement.document], judgement.deal_no, file_id)
            self._record_deal(judgement)
        self.ledger.decide(
            file_id,
            sha256=sha,
            outcome=judgement.outcome,
            filed_path=str(target),
            report_path=str(report),
            reasons=judgement.reasons,
            document=judgement.document or None,
            deal_no=judgement.deal_no or None,
            unit=judgement.unit or None,
            duplicate_of=judgement.duplicate_of.id if judgement.duplicate_of else None,
        )
        _move(claim, target)
        self.ledger.filed(file_id)
        self.log(
            mask(
                f"{judgement.outcome}: {name} -> {target.relative_to(self.cfg.filed)}"
                + (f" ({', '.join(sorted({r['rule'] for r in judgement.reasons}))})" if judgement.reasons else "")
            )
        )

    def _sales(self):
        """Open sales control on the inbox's ledger once (its schema is checked when it opens)."""
        from toolkit.ledger.sales import Sales

        if self._sales_view is None:
            self._sales_view = Sales(self.ledger, {})
        return self._sales_view

    def _record_deal(self, j: Judgement) -> None:
        """Keep the deal of an accepted 认购书 (or contract) in the ledger, as sales control knows deals."""
        t = j.terms or {}
        if not t.get("total") or not t.get("subscribe_date") and j.document == "subscription":
            return
        sales = self._sales()
        status = UNIT_AFTER[j.document]
        known = sales.has_deal(j.deal_no)
        fields = (
            {"status": status}
            if known
            else {
                "status": status,
                "unit": j.unit,
                "buyers": t["buyers"],
                "total": t["total"],
                "deposit": t["deposit"],
                "payment_method": t["payment_method"],
                "subscribe_date": t.get("subscribe_date") or "",
            }
        )
        with sales.transaction():
            sales.save_deal(j.deal_no, **fields)

    # -- the verdict --------------------------------------------------------------------------------
    def judge(self, claim: Path, name: str, file_id: int, sha: str) -> Judgement:
        """Decide where a file goes and why."""
        unsafe = _unsafe(claim, name, self.cfg.max_size)
        if unsafe:
            return Judgement("quarantine", [_reason("doc.unreadable", unsafe)])
        first = self.ledger.first_with_hash(sha, file_id)
        if first is not None:
            return Judgement(
                "duplicates",
                [_reason("duplicate", f"same content as file {first.id} ({first.name}), filed as {first.filed_path}")],
                duplicate_of=first,
            )
        verdict = self.worker.check([claim], {})
        if verdict.error:
            return Judgement("quarantine", [_reason("doc.unreadable", verdict.error.replace(claim.name, name))])
        verdict = self._with_counterpart(claim, verdict)
        return self._decide(verdict, claim.name, name)

    def _with_counterpart(self, claim: Path, verdict: Verdict) -> Verdict:
        """Check a contract against the accepted 认购书 on record (and the reverse)."""
        other = COUNTERPART.get(verdict.document)
        record = self.ledger.accepted(verdict.deal_no, other) if other and verdict.deal_no else None
        if record is None or not Path(record.filed_path or "").is_file():
            return verdict
        paired = self.worker.check([Path(record.filed_path), claim], {})
        return verdict if paired.error else paired

    def _decide(self, verdict: Verdict, claimed_as: str, name: str) -> Judgement:
        findings = verdict.findings + self._unit_findings(verdict)
        reasons = [
            {k: mask(str(f.get(k, "")).replace(claimed_as, name)) for k in ("rule", "severity", "message", "location")}
            for f in findings
        ]
        errors = [f for f in findings if f.get("severity") == "error"]
        if any(f["rule"] == "doc.unreadable" for f in errors):
            outcome = "quarantine"
        else:
            outcome = "rejected" if errors else "accepted"
        return Judgement(outcome, reasons, verdict.document, verdict.deal_no, verdict.unit, terms=verdict.terms)

    def _unit_findings(self, verdict: Verdict) -> list[dict[str, Any]]:
        """A unit held by another deal, locked by a change or waiting for re-pricing cannot be sold."""
        held = self.ledger.unit(verdict.unit) if verdict.unit else None
        if not held or verdict.document not in UNIT_AFTER:
            return []
        backwards = self.ledger.backwards(verdict.unit, verdict.deal_no, verdict.document)
        if backwards:  # a late 认购书 after its contract, or an old one of a refunded deal
            return [backwards.as_dict()]
        if held.get("pending"):
            return [_found("unit.locked", f"房号{verdict.unit}有{held['pending']}申请正在审批（台账）")]
        if held["deal_no"] == verdict.deal_no:
            return []
        if held.get("needs_pricing"):
            return [_found("unit.needs_pricing", f"房号{verdict.unit}退房或换房后尚未完成价格审核（台账）")]
        if held["status"] != UnitStatus.AVAILABLE:
            return [_found("unit.unavailable", f"房号{verdict.unit}已由{held['deal_no']}{held['status']}（台账）")]
        return []

    # -- the report -----------------------------------------------------------------------------
    def _reports(self, target: Path, file_id: int, name: str, sha: str, j: Judgement) -> Path:
        data = {
            "id": file_id,
            "file": name,
            "filed_as": str(target),
            "sha256": sha,
            "outcome": j.outcome,
            "document": j.document,
            "deal_no": j.deal_no,
            "unit": j.unit,
            "reasons": j.reasons,
            "duplicate_of": {
                "id": j.duplicate_of.id,
                "file": j.duplicate_of.name,
                "filed_as": j.duplicate_of.filed_path,
            }
            if j.duplicate_of
            else None,
        }
        report = target.with_name(target.name + ".report.json")
        _write(report, json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8"))
        findings = [
            Finding(r["rule"], r["severity"] or "error", r["message"], location=r.get("location", ""))
            for r in j.reasons
        ]
        html = render_html([(name, j.document, findings)], title=f"收件检查报告：{j.outcome}")
        _write(target.with_name(target.name + ".report.html"), html.encode("utf-8"))
        return report


def _unsafe(path: Path, name: str, max_size: int) -> str:
    """Say why a file cannot safely be read, or return ''."""
    size = path.stat().st_size
    suffix = Path(name).suffix.lower()
    if size == 0:
        return "the file is empty (0 bytes)"
    if size > max_size:
        return f"the file is {size} bytes, larger than the {max_size} byte limit for a sales document"
    if suffix not in ACCEPTED_SUFFIXES:
        return f"'{suffix or 'no extension'}' is not a document the inbox takes (.docx or .pdf)"
    with path.open("rb") as f:
        head = f.read(5)
    kind = ".pdf" if head.startswith(b"%PDF") else ".docx" if head.startswith(b"PK") else ""
    if kind != suffix:
        return f"the name says {suffix} but the content is " + (kind or "neither a DOCX nor a PDF")
    return ""


def _found(rule: str, message: str) -> dict[str, Any]:
    return Finding(rule, "error", message, location="unit.code").as_dict()


def _reason(rule: str, message: str) -> dict[str, str]:
    return {"rule": rule, "severity": "error", "message": mask(message), "location": ""}


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _write(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".part")
    with tmp.open("wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def _move(source: Path, target: Path) -> None:
    """Move a claimed file to its place; never onto an existing file."""
    if target.exists():
        raise ToolkitError(f"{target} already exists: the inbox never overwrites a filed document")
    try:
        os.rename(source, target)
    except OSError:
        shutil.copy2(source, target)  # another device: copy, make it durable, then let the claim go
        with target.open("rb") as f:
            os.fsync(f.fileno())
        source.unlink()
