"""One file's way through the inbox: claim, judge, record, file, report. Nothing is deleted or overwritten.

Order of durability: the file is claimed by an atomic rename out of the inbox and read once; its verdict is
committed to the ledger (state 'filing'); the file is put in its place whole and verified; only then is its
report written and the row marked filed. A restart finishes whatever was in flight, and goes on past a file
it cannot finish (saying which, and where it is).
"""

from __future__ import annotations

import dataclasses
import json
import os
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from toolkit.domain.ids import mask_text
from toolkit.fields import label
from toolkit.findings import Finding
from toolkit.inbox import shared_kept
from toolkit.inbox.filing import (
    ClaimGone,
    Content,
    FilingError,
    Staged,
    discard,
    fsync_dir,
    name_staged,
    place,
    put,
    read_claim,
    release_claim,
    stage,
    write_file,
)
from toolkit.inbox.names import ACCEPTED_SUFFIXES, display_name, filed_name, for_log, safe_name
from toolkit.inbox.photos import Given, Photos, is_photo, release
from toolkit.inbox.worker import PAGE_SECONDS, CheckWorker, Verdict, cross_check, pages_in, time_limit
from toolkit.ledger.states import AFTER_DOCUMENT, FILE_OUTCOMES, UnitStatus
from toolkit.ledger.store import FileRow, Ledger
from toolkit.reports.check_html import checked_notes, render_html
from toolkit.rules import finding
from toolkit.scan.approval import approval_findings

OUTCOMES = ("accepted", "rejected", "quarantine", "duplicates")
MAX_SIZE = 50 * 1024 * 1024
UNIT_AFTER = AFTER_DOCUMENT
COUNTERPART = {"subscription": "contract", "contract": "subscription"}
CLAIM_NAME_BYTES = 180  # the claim prefix and a filed name's suffixes must fit in 255 bytes
GROUP = 8  # verdicts committed together: a crash before the commit leaves them claimed, to be judged again
AHEAD = 32  # files claimed, read and sent to the check workers ahead: they keep busy while groups are filed
WIDE = 8  # a drop of at least this many files uses every check worker
OUTCOME_TITLES = {
    "accepted": "已接收归档",
    "rejected": "已退回",
    "quarantine": "已隔离，待重新提交",
    "duplicates": "重复文件",
}
NEXT = {  # what the sales admin does next, at the top of the report
    "accepted": "文件已作为签署件归档，无需处理。",
    "rejected": "文件未作为签署件归档（存于 rejected 文件夹）：请核实下列错误，按审定的版本重新打印签署后再放入收件夹。",
    "quarantine": "无法判断该文件（存于 quarantine 文件夹）：请按说明重新扫描或重新导出后再放入收件夹。",
    "duplicates": "与已收文件内容相同，未重复归档。",
}
KEEP = 128  # checked documents kept (without their parse tree) for the cross-check with their counterpart


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
    page_time_limit: float = PAGE_SECONDS  # more per page judged beyond the first (worker.time_limit)
    max_size: int = MAX_SIZE
    polling: bool = False
    tick: float = 0.05
    ledger_url: str | None = None  # the ledger's URL (None: LOUPAN_DB, else the project's SQLite file)

    def __post_init__(self) -> None:
        """Make the folders absolute once, against the working folder of now."""
        # Every path recorded and logged is then the same whatever folder a watcher or another worker runs in.
        # Links are kept as given, not resolved: workers on several machines mount one share at one path (README).
        self.project_dir, self.inbox, self.filed = (_absolute(p) for p in (self.project_dir, self.inbox, self.filed))
        self.pack_dir = _absolute(self.pack_dir) if self.pack_dir is not None else None

    @property
    def work(self) -> Path:
        """Return the claim area: in the filed tree, or a hidden folder of the inbox across devices."""
        if _device(self.filed) == _device(self.inbox):
            return self.filed / ".claimed"
        return self.inbox / ".loupan-claimed"


def _absolute(path: Path | str) -> Path:
    return Path(os.path.abspath(path))


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
    photos: list[str] = field(default_factory=list)  # the photo files judged together as this document
    checked: str = ""  # how the pages were compared with what was printed (a scan's, an electronic PDF's)
    values_read: list[dict[str, Any]] = field(default_factory=list)  # a scan's values as OCR read them (masked)


@dataclass
class Claimed:
    """A file claimed and read, maybe already sent to a check worker."""

    claim: Path
    name: str
    content: Content
    ticket: Any = None
    row: int | None = None  # its ledger id when recorded at the claim, 0 when known to have none, None unknown


@dataclass
class Pipeline:
    """Claims, judges and files inbox files, one at a time."""

    cfg: InboxConfig
    ledger: Ledger
    worker: CheckWorker
    sink: Callable[[str], None]
    unfinished: dict[str, str] = field(default_factory=dict)  # file -> why and where, for the exit message
    filed_ids: list[int] = field(default_factory=list)  # in place with their reports, not yet marked filed
    unflushed: set[Path] = field(default_factory=set)  # folders given reports not yet made durable (one at a time)
    kept: OrderedDict = field(default_factory=OrderedDict)
    kept_by: dict = field(default_factory=dict)  # (deal, document) -> sha256 of its latest kept copy
    recent: dict = field(
        default_factory=dict
    )  # (deal, document) -> (id, sha, target): accepted, maybe not filed  # sha256 -> checked document: filed files never change
    _sales_view: Any = None
    photos: Any = None  # photos held for the other pages of their document (inbox/photos.py)

    def __post_init__(self) -> None:
        self.photos = Photos(self.cfg.incomplete_grace)
        for outcome in OUTCOMES:
            (self.cfg.filed / outcome).mkdir(parents=True, exist_ok=True)
        self.cfg.work.mkdir(parents=True, exist_ok=True)

    def log(self, line: str) -> None:
        """Log a line with personal numbers masked and control characters escaped."""
        self.sink(for_log(line))

    # -- recovery -------------------------------------------------------------------------------
    def recover(self) -> int:
        """Finish what was in flight when the last run stopped; return how many files that was."""
        done = sum(self._attempt(row.name, self._finish, row) for row in self.ledger.unfinished())
        for claim in sorted(self.cfg.work.iterdir()):
            if (
                not claim.name.startswith(".")
                and self.ledger.by_claim(claim) is None
                and not self._rehold(claim)
                and self._orphan(claim)
            ):
                done += self._attempt(claim.name, self.process, claim, claim.name.split("__", 1)[-1])
        self._flush_filed()
        return done

    def _orphan(self, claim: Path) -> bool:
        """Say whether a claim with no row is this worker's to finish: alone always; shared, once it lapsed."""
        if not self.ledger.shared:
            return True
        try:
            age = time.time() - os.lstat(claim).st_ctime  # the rename into the claim area set it
        except OSError:
            return False
        name = claim.name.split("__", 1)[-1]
        return age > self.ledger.lease and self.ledger.adopt(name, claim, 0) is not None

    def _attempt(self, name: str, step: Callable, *args) -> int:
        """Run one file's step; a file that cannot be finished is reported and the others go on."""
        return int(self._try(name, lambda: step(*args) or True) is not None)

    def _try(self, name: str, step: Callable, *args) -> Any:
        """Return what one file's step returns, or None when it failed (reported; the others go on)."""
        try:
            done = step(*args)
        except Exception as exc:  # noqa: BLE001 - one file must never stop the inbox
            why = f"{exc.__class__.__name__}: {exc}" if not isinstance(exc, FilingError) else str(exc)
            self.unfinished[name] = why
            self.log(f"未能处理完 {name}：{why}；下次启动时继续处理")
            return None
        self.unfinished.pop(name, None)
        return done

    def _finish(self, row: FileRow) -> None:
        claim = Path(row.claim_path)
        if row.state == "filing" and row.filed_path:
            duplicate_of = self.ledger.get(row.duplicate_of) if row.duplicate_of else None
            j = Judgement(row.outcome or "quarantine", row.reasons, row.document or "", row.deal_no or "",
                          row.unit or "", duplicate_of)  # fmt: skip
            content = read_claim(claim, self.cfg.max_size)
            if content.kind == "gone":
                content = Content("file", sha256=row.sha256 or "")  # filed already, or gone: place() tells
            elif content.kind == "file" and row.sha256 and content.sha256 != row.sha256:
                raise FilingError(f"已领取的文件 {claim} 在判定之后被改动；留在原处")
            try:
                self._complete(row.id, row.name, claim, Path(row.filed_path), content.sha256, j, content)
            except ClaimGone:
                self._gone(row)
        elif os.path.lexists(claim):
            self.process(claim, row.name)
        else:
            self._gone(row)

    def _gone(self, row: FileRow) -> None:
        self.ledger.gone(row.id)
        self.log(f"已移走：{row.name} 已领取，但已不在领取区；记为已移走")

    # -- one file ---------------------------------------------------------------------------------
    def take(self, path: Path) -> Path | None:
        """Claim a stable inbox file by an atomic rename and process it; None when it went away."""
        item = self._claim(path)
        if item is not None and not self._hold(item):
            self._attempt(item.name, self.process, item.claim, item.name, item)
            self._flush_filed()
        self.release_photos()
        return item.claim if item else None

    def _hold(self, item: Claimed) -> bool:
        """Hold a photo until the other pages of its document are here (inbox/photos.py)."""
        return self.photos.hold(item, lambda sha: self.ledger.first_with_hash(sha, 0) is not None)

    def _rehold(self, claim: Path) -> bool:
        """Hold a photo left in the claim area (held when the last run stopped), or tell that it is held."""
        name = claim.name.split("__", 1)[-1]
        if self.photos.holds(claim):
            return True
        if not is_photo(name):
            return False
        try:
            return self._hold(Claimed(claim, name, read_claim(claim, self.cfg.max_size)))
        except OSError:
            return False  # processed alone, which says what is wrong with it

    def limit_for(self, pages: int) -> float:
        """Return the time limit of a check that judges this many pages."""
        return time_limit(self.cfg.time_limit, pages, self.cfg.page_time_limit)

    def release_photos(self, force: bool = False) -> int:
        """Judge the held photos whose documents are complete or waited for long enough; return how many."""
        return release(self, force)

    def take_many(self, paths: Sequence[Path]) -> int:
        """Take files in order, the next few claimed and checked while one is filed; return how many."""
        if hasattr(self.worker, "wide"):
            self.worker.wide = len(paths) >= WIDE
        todo, taken = iter(paths), 0
        ahead: deque[Claimed] = deque()
        while True:
            while len(ahead) < AHEAD and (path := next(todo, None)) is not None:
                item = self._claim(path)
                if item is not None and not self._hold(item):
                    self._send_ahead(item, ahead)
                    ahead.append(item)
            if not ahead:
                self._flush_filed()
                return taken + self.release_photos()
            group: list[tuple] = []
            tried = 0
            with self.ledger.batch():  # the verdicts of a few files in one commit, then they are filed
                self._flush_filed()
                while ahead and tried < (self.ledger.group or GROUP):
                    tried += 1
                    item = ahead.popleft()
                    taken += 1
                    decided = self._try(item.name, self._record, item.claim, item.name, item)
                    group += [decided] if decided else []
            self._complete_group(group)

    def _claim(self, path: Path) -> Claimed | None:
        name = display_name(path.name)
        claim = self.cfg.work / f"{os.getpid()}-{os.urandom(4).hex()}__{safe_name(name, CLAIM_NAME_BYTES)}"
        try:
            os.rename(path, claim)
        except FileNotFoundError:
            return None
        except OSError as exc:
            self.unfinished[name] = f"无法领取（{exc.strerror}）；仍留在收件夹 {self.cfg.inbox}"
            self.log(f"未能收取 {name}：{self.unfinished[name]}")
            return None
        try:
            item = Claimed(claim, name, read_claim(claim, self.cfg.max_size), row=0)  # a new name: no row yet
            if self.ledger.shared:  # held in the database at once: a lease another worker takes if this one dies
                item.row = self.ledger.adopt(name, claim, item.content.size) or self.ledger.claim(
                    name, claim, item.content.size
                )
            return item
        except OSError as exc:
            self.unfinished[name] = f"无法读取（{exc.strerror}）；仍留在领取区 {claim.parent}"
            self.log(f"未能读取 {name}：{self.unfinished[name]}")
            return None

    def _send_ahead(self, item: Claimed, ahead: deque) -> None:
        """Start checking a file that will need it: not unsafe, not a copy of one taken or one ahead of it."""
        c = item.content
        if _unsafe(c, item.name, self.cfg.max_size) or any(a.content.sha256 == c.sha256 for a in ahead):
            return
        if self.ledger.first_with_hash(c.sha256, 0) is None:
            item.ticket = self.worker.submit(item.claim, self.limit_for(pages_in(c.data, item.name)))

    def process(self, claim: Path, name: str, item: Claimed | None = None) -> None:
        """Judge a claimed file, record the verdict, file it whole, then write its report."""
        with self.ledger.batch():
            self._flush_filed()
            decided = self._record(claim, name, item)
        self._complete(*decided)

    def _record(self, claim: Path, name: str, item: Claimed | None, judgement: Judgement | None = None) -> tuple:
        """Judge a claimed file (unless judged with others) and record the verdict in the caller's commit."""
        content = item.content if item else read_claim(claim, self.cfg.max_size)
        if content.kind == "gone":
            raise FilingError(f"已领取的文件 {claim} 在读取之前不见了")
        known = item.row if item and item.row is not None else getattr(self.ledger.by_claim(claim), "id", 0)
        if judgement is None:
            judgement = self.judge(content, claim, name, known, item.ticket if item else None)
        moves = judgement.outcome == "accepted" and judgement.unit and judgement.document in UNIT_AFTER
        file_id = self._row(name, claim, content.size, known)  # the claim, unit, deal and verdict: one commit
        target = self.cfg.filed / judgement.outcome / filed_name(file_id, name)
        if content.kind == "symlink":
            target = target.with_name(target.name + ".symlink.txt")
        if moves:
            self.ledger.move_unit(judgement.unit, UNIT_AFTER[judgement.document], judgement.deal_no, file_id)
            self._record_deal(judgement)
            self.recent[(judgement.deal_no, judgement.document)] = (file_id, content.sha256, target)
        self.ledger.decide(
            file_id,
            sha256=content.sha256,
            outcome=judgement.outcome,
            filed_path=str(target),
            report_path=str(_report_path(target)),
            reasons=judgement.reasons,
            document=judgement.document or None,
            deal_no=judgement.deal_no or None,
            unit=judgement.unit or None,
            duplicate_of=judgement.duplicate_of.id if judgement.duplicate_of else None,
            kept=shared_kept.dump(self.kept.get(content.sha256)) if judgement.outcome == "accepted" else None,
        )
        return file_id, name, claim, target, content.sha256, judgement, content

    def _row(self, name: str, claim: Path, size: int, known: int) -> int:
        """Return the claim's row in the verdict's commit: recorded now when it has none, else held (shared ledger)."""
        if not known and not self.ledger.shared:
            recorded = self.ledger.adopt(name, claim, size)
            if recorded is not None:
                return recorded
        return self.ledger.claim(name, claim, size)  # shared: locked until the verdict commits, still this worker's

    def _complete(self, file_id: int, name: str, claim: Path, target: Path, sha: str, j: Judgement,
                  content: Content | None) -> None:  # fmt: skip
        """Put the file in place (verified, durable, its claim gone), then its reports; it is marked filed next."""
        if target.name.endswith(".symlink.txt"):
            link = content.link if content else "?"
            if not os.path.lexists(target):
                write_file(target, f"symbolic link, refused; it pointed to: {link}\n".encode())
            if os.path.lexists(claim):
                os.unlink(claim)  # the link itself: its target is left alone, and is named in the report
        else:
            place(claim, target, content or Content("file", sha256=sha), f"{file_id:06d}")
        _name_all(self._stage_reports(target, file_id, name, sha, j))
        self.unflushed.add(target.parent)  # the reports' names are made durable before the row is marked filed
        self._settle(file_id, name, claim, target, sha, j, content)

    def _complete_group(self, group: list[tuple]) -> None:
        """File a group's files: each given its name and its reports, each folder made durable once, then the claims go."""
        placed = [d for d in group if self._try(d[1], self._put, *d)]
        staged = [(d, s) for d in placed if (s := self._try(d[1], self._stage_reports, *_report_args(d)))]
        reported = [d for d, s in staged if self._try(d[1], _name_all, s) is not None]  # written first, flushed after
        for folder in {d[3].parent for d in reported}:
            try:
                fsync_dir(folder)  # the files' names and their reports' names, all at once
            except OSError as exc:  # its files stay claimed, and the next rescan or start files them
                for d in [d for d in reported if d[3].parent == folder]:
                    reported.remove(d)
                    _unlink_reports(d[3])  # no report says accepted for a file still claimed
                    self.unfinished[d[1]] = f"{folder} 未能写入磁盘（{exc.strerror}）；文件仍处于已领取状态"
                    self.log(f"未能处理完 {d[1]}：{self.unfinished[d[1]]}；下次启动时继续处理")
        for decided in reported:
            self._attempt(decided[1], self._settle, *decided)

    def _put(self, file_id: int, name: str, claim: Path, target: Path, sha: str, j: Judgement,
             content: Content | None) -> bool:  # fmt: skip
        """Give a file its name in place (not yet durable); a link refused is filed at once. True: report it."""
        if target.name.endswith(".symlink.txt"):
            self._complete(file_id, name, claim, target, sha, j, content)
            return False
        put(claim, target, content or Content("file", sha256=sha), f"{file_id:06d}")
        return True

    def _settle(self, file_id: int, name: str, claim: Path, target: Path, sha: str, j: Judgement,
                content: Content | None) -> None:  # fmt: skip
        """Finish a file durable in place with its reports: the claim goes, it is marked filed with the next commit."""
        release_claim(claim)
        self.filed_ids.append(file_id)  # marked filed with the next commit: a restart before redoes the above
        rules = f" ({', '.join(sorted({r['rule'] for r in j.reasons}))})" if j.reasons else ""
        self.log(f"{FILE_OUTCOMES.get(j.outcome, j.outcome)}：{name} -> {target.relative_to(self.cfg.filed)}{rules}")

    def _flush_filed(self) -> None:
        """Mark the files that reached their place as filed (inside the caller's commit, or in one of its own)."""
        if not self.filed_ids:
            return
        try:
            for folder in sorted(self.unflushed):  # reports named one file at a time: durable before the rows say filed
                fsync_dir(folder)
        except OSError as exc:  # marked at a later commit; a restart before that writes their reports again
            self.log(f"未能将 {folder} 中的报告写入磁盘（{exc.strerror}）；处理下一个文件时重试")
            return
        self.unflushed.clear()
        with self.ledger.batch():
            for file_id in self.filed_ids:
                self.ledger.filed(file_id)
        self.filed_ids.clear()

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
        new = {  # a deal not on record yet is recorded whole; one on record only moves
            "unit": j.unit,
            "buyers": t["buyers"],
            "total": t["total"],
            "deposit": t["deposit"],
            "payment_method": t["payment_method"],
            "subscribe_date": t.get("subscribe_date") or "",
        }
        self._sales().save_deal(j.deal_no, status=UNIT_AFTER[j.document], new=new)  # inside the verdict's commit

    # -- the verdict --------------------------------------------------------------------------------
    def judge(self, content: Content, claim: Path, name: str, file_id: int, ticket: Any = None) -> Judgement:
        """Decide where a file goes and why."""
        unsafe = _unsafe(content, name, self.cfg.max_size)
        if unsafe:
            return Judgement("quarantine", [_reason("doc.unreadable", unsafe)])
        first = self.ledger.first_with_hash(content.sha256, file_id)
        if first is not None:
            if ticket is not None:
                self.worker.result(ticket)  # checked ahead for nothing: collect the answer all the same
            return Judgement(
                "duplicates",
                [_duplicate(f"与第{first.id}号文件（{first.name}）内容相同，该文件已归档为 {first.filed_path}")],
                duplicate_of=first,
            )
        if isinstance(ticket, Given):  # photos judged together as one document (inbox/photos.py)
            verdict = ticket.verdict
        else:
            limit = self.limit_for(pages_in(content.data, name))
            verdict = (
                self.worker.result(ticket) if ticket is not None else self.worker.check(claim, content.sha256, limit)
            )
        if verdict.error:
            return Judgement("quarantine", [_reason("doc.unreadable", verdict.error.replace(claim.name, name))])
        self._keep(content.sha256, verdict.doc)
        signed = [
            f.as_dict() for f in approval_findings(self.cfg.project_dir, verdict.doc, self.cfg.ledger_url)
        ]  # 签约审定
        verdict = self._with_counterpart(verdict)
        verdict = dataclasses.replace(verdict, findings=verdict.findings + signed)
        judgement = self._decide(verdict, claim.name, name)
        self._settle_kept(content.sha256, judgement)
        return judgement

    def _with_counterpart(self, verdict: Verdict) -> Verdict:
        """Cross-check a contract with the accepted 认购书 on record (and the reverse), kept parsed by the worker."""
        other = COUNTERPART.get(verdict.document)
        record = self.ledger.accepted(verdict.deal_no, other) if other and verdict.deal_no else None
        recent = self.recent.get((verdict.deal_no, other))
        if recent and (record is None or recent[0] > record.id) and recent[1] in self.kept:
            record = FileRow(recent[0], "", "", recent[1], "filing", "accepted", other, verdict.deal_no, None,
                             str(recent[2]), None, None, [], "", None)  # fmt: skip
        elif record is None or not (record.kept or Path(record.filed_path or "").is_file()):
            return verdict
        kept, terms, filed = self.kept.get(record.sha256 or ""), getattr(self.worker, "terms", None), record.filed_path
        kept = kept or shared_kept.load(record)  # accepted by another worker: its printed values, from its row
        if kept is not None and verdict.doc is not None and terms is not None:
            kept = dataclasses.replace(kept, path=Path(filed or ""))
            more = cross_check(kept, verdict.doc, terms)  # both kept: no worker, no disk
            return dataclasses.replace(verdict, findings=verdict.findings + more)
        paired = self.worker.pair(Path(filed or ""), kept, verdict.doc)
        return verdict if paired.error else paired

    def _keep(self, sha: str, doc: Any) -> None:
        """Keep a checked document for its counterpart's cross-check (a bounded number: memory stays flat)."""
        if doc is None:
            return
        self.kept[sha] = doc
        self.kept.move_to_end(sha)
        while len(self.kept) > KEEP:
            self.kept.popitem(last=False)
        if len(self.kept_by) > 2 * KEEP:  # forget the deals whose documents are no longer kept
            self.kept_by = {key: sha for key, sha in self.kept_by.items() if sha in self.kept}

    def _settle_kept(self, sha: str, j: Judgement) -> None:
        """Keep only the latest accepted copy of a deal's document: the one its counterpart is checked with."""
        if j.outcome != "accepted" or not j.deal_no:
            self.kept.pop(sha, None)  # never a counterpart: only accepted documents are
            return
        older = self.kept_by.get((j.deal_no, j.document))
        if older is not None and older != sha:
            self.kept.pop(older, None)
        self.kept_by[(j.deal_no, j.document)] = sha

    def _decide(self, verdict: Verdict, claimed_as: str, name: str) -> Judgement:
        findings = verdict.findings + self._unit_findings(verdict)
        reasons = [
            {
                k: mask_text(str(f.get(k, "")).replace(claimed_as, name))
                for k in ("rule", "severity", "message", "location")
            }
            | _redline(f)
            for f in findings
        ]
        errors = [f for f in findings if f.get("severity") == "error"]
        if any(f["rule"] in ("doc.unreadable", "scan.unreadable") for f in errors):  # rescan it
            outcome = "quarantine"
        else:
            outcome = "rejected" if errors else "accepted"
        copy = getattr(verdict.doc, "signed_copy", None)  # a scan: how each page was checked
        how = mask_text(
            getattr(verdict.doc, "how", "") or getattr(copy, "how", "") or ""
        )  # a scan's doc.how has its pages
        return Judgement(
            outcome,
            reasons,
            verdict.document,
            verdict.deal_no,
            verdict.unit,
            None,
            verdict.terms,
            checked=how,
            values_read=list(getattr(verdict.doc, "values_read", None) or []),
        )

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
    def _stage_reports(self, target: Path, file_id: int, name: str, sha: str, j: Judgement) -> list[Staged]:
        """Write a file's JSON report (to be made durable) and its HTML report under temporary names."""
        data = {
            "id": file_id,
            "file": mask_text(name),
            "filed_as": str(target),
            "sha256": sha,
            "outcome": j.outcome,
            "document": j.document,
            "deal_no": j.deal_no,
            "unit": j.unit,
            "reasons": j.reasons,
            "photos": [mask_text(p) for p in j.photos],
            "checked": j.checked,
            "values_read": j.values_read,
            "duplicate_of": {
                "id": j.duplicate_of.id,
                "file": mask_text(j.duplicate_of.name),
                "filed_as": j.duplicate_of.filed_path,
            }
            if j.duplicate_of
            else None,
        }
        report = stage(_report_path(target), json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8"))
        findings = [
            Finding.from_dict(
                {
                    **r,
                    "severity": r.get("severity") or "error",
                    "extra": {k: r[k] for k in ("redline", "crop_png") if r.get(k)},
                }
            )
            for r in j.reasons
        ]
        title = f"收件检查报告：{OUTCOME_TITLES.get(j.outcome, j.outcome)}"
        notes = [NEXT.get(j.outcome, ""), *checked_notes(j.checked)]
        read = {mask_text(name): j.values_read}
        terms = getattr(self.worker, "terms", None)  # the pack's document titles, as the worker reported them
        titles = dict(terms.titles) if terms is not None else {}
        html = render_html(
            [(mask_text(name), j.document, findings)], title=title, notes=notes, read=read, titles=titles
        )
        try:
            return [report, stage(_html_path(target), html.encode("utf-8"), durable=False)]
        except FilingError:
            discard(report)
            raise


def _report_path(target: Path) -> Path:
    return target.with_name(target.name + ".report.json")


def _html_path(target: Path) -> Path:
    return target.with_name(target.name + ".report.html")


def _report_args(decided: tuple) -> tuple:
    """Return what `_stage_reports` takes of a decided file: its place, id, name, SHA-256 and judgement."""
    file_id, name, _, target, sha, j, _ = decided
    return target, file_id, name, sha, j


def _name_all(staged: list[Staged]) -> bool:
    """Name a file's staged reports (the JSON one durable first); on a failure none of them is left."""
    try:
        for s in staged:
            name_staged(s)
    except FilingError:
        for s in staged:
            discard(s)
        _unlink_quietly(*(s.path for s in staged))
        raise
    return True


def _unlink_reports(target: Path) -> None:
    """Remove a file's reports (its filing could not be finished: no report may say it was)."""
    _unlink_quietly(_report_path(target), _html_path(target))


def _unlink_quietly(*paths: Path) -> None:
    for path in paths:
        try:
            os.unlink(path)
        except OSError:
            pass


def _unsafe(content: Content, name: str, max_size: int) -> str:
    """Say why a file cannot safely be read, or return ''."""
    if content.kind == "symlink":
        return f"是符号链接（指向 {content.link}），不是文件：拒收，不读取其指向的内容"
    if content.kind != "file":
        return "不是普通文件（文件夹、设备或管道）：拒收"
    suffix = Path(name).suffix.lower()
    if content.size == 0:
        return "文件为空（0字节）"
    if content.size > max_size:
        return f"文件有{content.size}字节，超过销售文件{max_size}字节的上限"
    if suffix not in ACCEPTED_SUFFIXES:
        return f"“{suffix or '无扩展名'}”不是收件箱接收的文件类型（.docx、.pdf、.jpg、.png、.tif）"
    head = (content.data or b"")[:5]
    kind = ".pdf" if head.startswith(b"%PDF") else ".docx" if head.startswith(b"PK") else ""
    kind = kind or _IMAGE_MAGIC.get(head[:2], "")
    if kind != {".jpeg": ".jpg", ".tif": ".tiff"}.get(suffix, suffix):
        return f"文件名为{suffix}，内容却是" + (kind or "既非DOCX也非PDF的文件")
    return ""


_IMAGE_MAGIC = {b"\xff\xd8": ".jpg", b"\x89P": ".png", b"II": ".tiff", b"MM": ".tiff"}  # scans and photos


def _redline(f: dict[str, Any]) -> dict[str, Any]:
    """Keep an altered clause's redline (masked) and a scan's crop with the reason, for the report and web page."""
    extra = f.get("extra") or {}
    kept: dict[str, Any] = {"crop_png": extra["crop_png"]} if extra.get("crop_png") else {}
    if extra.get("redline"):
        kept["redline"] = [[op, mask_text(str(text))] for op, text in extra["redline"]]
    return kept


def _found(rule: str, message: str) -> dict[str, Any]:
    return finding(rule, message, location=label("unit.code")).as_dict()  # 房号: a place a reader finds


def _reason(rule: str, message: str) -> dict[str, str]:
    return _as_reason(finding(rule, mask_text(message)))


def _duplicate(message: str) -> dict[str, str]:
    """A copy of a file already taken is set aside under duplicates/ (a warning: the first copy's verdict stands)."""
    return _reason("file.duplicate", message)


def _as_reason(f: Finding) -> dict[str, str]:
    return {"rule": f.rule, "severity": f.severity, "message": f.message, "location": f.location}
