"""The public surface of the toolkit: open a project, check deals, render documents, run the inbox, author packs.

Every function returns a typed result (a dataclass or a named tuple). Sales control (units, deals, changes,
money, reports) is in `toolkit/api/sales.py`, re-exported here so `api.deal_subscribe(...)` works.
"""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from toolkit.checks.documents import CheckedDocument, check_documents
from toolkit.checks.run import DealCheck, check_deal, duplicate_deal_numbers
from toolkit.domain.ids import mask_data
from toolkit.errors import PdfUnavailableError, ToolkitError, UsageError
from toolkit.findings import Finding
from toolkit.ledger.states import FILE_OUTCOMES as FILE_OUTCOMES  # a dropped file's outcomes, named
from toolkit.script import SCRIPTS
from toolkit.workspace import Workspace, open_project, templates_dir

if TYPE_CHECKING:  # imported where used, so `loupan check` does not load the inbox, ledger and renderer
    from toolkit.inbox.pipeline import InboxConfig
    from toolkit.inbox.watcher import QueueSource, Watcher
    from toolkit.render.batch import RenderedDoc

Progress = Callable[[int, int, str], None]
__all__ = ["Workspace", "open_project", "templates_dir"]  # re-exported from toolkit.workspace


@dataclass
class DealOutcome:
    """A deal of a batch: its findings and, when clean, the documents written."""

    check: DealCheck
    documents: list[RenderedDoc] = field(default_factory=list)

    @property
    def findings(self) -> list[Finding]:
        """Return the deal's findings."""
        return self.check.findings


@dataclass
class RenderResult:
    """What a render run did: every deal's outcome and the project documents written."""

    deals: list[DealOutcome] = field(default_factory=list)
    project_docs: list[RenderedDoc] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def findings(self) -> list[Finding]:
        """Return every finding of every deal."""
        return [f for d in self.deals for f in d.findings]

    @property
    def documents(self) -> list[RenderedDoc]:
        """Return every document written."""
        return self.project_docs + [doc for d in self.deals for doc in d.documents]


def deal_files(ws: Workspace) -> list[Path]:
    """List the deal files of the project's deals/ folder."""
    folder = ws.project_dir / "deals"
    if not folder.is_dir():
        raise UsageError(f"{folder}：没有交易文件夹（deals）")
    return sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and p.name != "expected.yaml")


def check_deals(ws: Workspace, paths: Sequence[Path]) -> list[DealCheck]:
    """Check deal files without rendering anything."""
    checks = [check_deal(Path(p), ws.project, ws.pack, ws.policy) for p in paths]
    duplicate_deal_numbers(checks)
    return checks


def render(
    ws: Workspace,
    *,
    deals: Sequence[Path] = (),
    docs: Sequence[str],
    out: Path,
    pdf: bool = False,
    progress: Progress | None = None,
    script: str = "hans",
) -> RenderResult:
    """Check every deal, render the documents of the clean ones and the project documents asked for."""
    unknown = [d for d in docs if d not in ws.pack.documents]
    if unknown:
        raise UsageError(f"未知的文件 {unknown[0]!r}：模板包 {ws.pack.name} 中有 {'、'.join(ws.pack.documents)}")
    deal_docs = [d for d in docs if ws.pack.document(d).per == "deal"]
    if script not in SCRIPTS:
        raise UsageError(f"未知的简繁选项 {script!r}（hans 简体，hant 繁体）：应为 {'、'.join(SCRIPTS)} 之一")
    result = RenderResult(project_docs=[_render_project_doc(ws, d, out, script) for d in docs if d not in deal_docs])
    checks = check_deals(ws, deals)
    for i, check in enumerate(checks, start=1):
        outcome = DealOutcome(check)
        if check.ok and deal_docs:
            outcome.documents = _render_deal(ws, check, deal_docs, out, script)
        result.deals.append(outcome)
        if progress:
            progress(i, len(checks), check.deal_no)
    if pdf:
        _pdf(result, out)
    return result


def _render_deal(ws: Workspace, check: DealCheck, docs: list[str], out: Path, script: str) -> list[RenderedDoc]:
    from toolkit.render.context import deal_context

    case = check.case
    assert case is not None  # check.ok guarantees it
    ctx = deal_context(ws.project, ws.policy, {}, case.deal, case.unit, case.pricing)
    return [ws.renderer.render(d, case.deal.deal_no, ctx, out, script) for d in docs]


def _render_project_doc(ws: Workspace, doc_id: str, out: Path, script: str) -> RenderedDoc:
    from toolkit.render.batch import render_text
    from toolkit.render.context import project_context

    ctx = project_context(ws.project, ws.policy, {}, ())
    qa = tuple({**item, "a": render_text(item["a"], ctx), "q": render_text(item["q"], ctx)} for item in ws.pack.qa)
    ctx["qa"] = [dict(item) for item in qa]
    return ws.renderer.render(doc_id, ws.project.code, ctx, out, script)


def _pdf(result: RenderResult, out: Path) -> None:
    from toolkit.render.batch import to_pdf
    from toolkit.render.pdf import find_soffice

    if find_soffice() is None:
        result.notes.append(str(PdfUnavailableError()))
        return
    if result.documents:
        to_pdf(result.documents, out)


@dataclass
class CheckResult:
    """What `check` found in a set of documents."""

    documents: list[CheckedDocument]
    titles: dict[str, str] = field(default_factory=dict)  # each document id's title in the pack (商品房认购书)

    def title(self, doc: CheckedDocument) -> str:
        """Name a checked document as its pack does (商品房认购书), else by its id ('' when not identified)."""
        return self.titles.get(doc.doc_id, doc.doc_id)

    @property
    def findings(self) -> list[Finding]:
        """Return every finding of every document."""
        return [f for d in self.documents for f in d.findings]


def check(ws: Workspace, files: Sequence[Path], *, script: str | None = None) -> CheckResult:
    """Check filled or signed documents (DOCX or text PDF); files given together are cross-checked."""
    for f in files:
        if not Path(f).is_file():
            raise UsageError(f"{f}：文件不存在")
    docs = check_documents([Path(f) for f in files], ws.project, ws.policy, ws.pack, script)
    from toolkit.scan.approval import approval_findings  # 签约审定: a signed copy against its approved draft

    for d in docs:
        d.findings += approval_findings(ws.project_dir, d, ws.ledger_url)
    return CheckResult(docs, ws.pack.titles())


def check_report(result: CheckResult, out: Path) -> Path:
    """Write a check's findings as an HTML report a person reads."""
    from toolkit.reports.check_html import render_html

    report = [(d.path.name, d.doc_id, d.findings, d.how) for d in result.documents]
    read = {d.path.name: d.values_read for d in result.documents if getattr(d, "values_read", None)}
    Path(out).write_text(render_html(report, read=read, titles=result.titles), encoding="utf-8")
    return Path(out)


def inbox_config(project_dir: Path, inbox: Path, filed: Path, **options) -> InboxConfig:
    """Describe an inbox: where files arrive and where they are filed."""
    from toolkit.inbox.pipeline import InboxConfig

    return InboxConfig(Path(project_dir), Path(inbox), Path(filed), **options)


@contextlib.contextmanager
def _inbox(cfg: InboxConfig, log: Callable[[str], None], source: QueueSource | None = None, eager: bool = False):
    """Open the ledger and the check worker, finish what was in flight, and close both at the end."""
    from toolkit.inbox.lock import InboxLock, check_ledger
    from toolkit.inbox.pipeline import Pipeline
    from toolkit.inbox.watcher import QueueSource, Watcher, check_folders, fewer_collections
    from toolkit.inbox.worker import CheckPool
    from toolkit.ledger.db import is_pg, resolve
    from toolkit.ledger.store import open_ledger

    if not (cfg.project_dir / "project.yaml").is_file():
        raise UsageError(f"{cfg.project_dir}：不是项目文件夹（没有 project.yaml）")
    check_folders(cfg)
    url = resolve(cfg.project_dir, cfg.ledger_url)
    shared = is_pg(url)  # a shared database: many workers on one inbox, claims and leases in the database
    if not shared:
        check_ledger(Path(url))
    lock = InboxLock(cfg.inbox, Path(url)) if not shared else None  # alone: one watcher per inbox and ledger
    ledger = open_ledger(cfg.project_dir, url)
    worker: Any = CheckPool(cfg.project_dir, cfg.pack_dir, cfg.time_limit, eager=eager)  # a CheckWorker-like pool
    try:
        worker.start()
        pipeline = Pipeline(cfg, ledger, worker, log)
        recovered = pipeline.recover()
        if recovered:
            log(f"finished {recovered} file(s) left in flight by the last run")
        with fewer_collections():
            yield Watcher(cfg, pipeline, source or QueueSource(), log)
    finally:
        worker.stop()
        ledger.close()
        if lock:
            lock.release()


def ingest(cfg: InboxConfig, *, log: Callable[[str], None] = print) -> int:
    """Process what is in the inbox now (each file once it is stable), then return how many were taken."""
    from toolkit.inbox.names import for_log

    with _inbox(cfg, log) as watcher:
        taken = watcher.run(once=True)
        if watcher.pipeline.unfinished:  # a run that could not file everything must not look like success
            left = "; ".join(f"{for_log(n)}: {why}" for n, why in sorted(watcher.pipeline.unfinished.items()))
            raise ToolkitError(f"已收取{taken}个文件，{len(watcher.pipeline.unfinished)}个未能归档：{left}")
        return taken


def watch(
    cfg: InboxConfig,
    *,
    log: Callable[[str], None] = print,
    source: QueueSource | None = None,
    ready: Callable[[Watcher], None] | None = None,
) -> int:
    """Watch the inbox until SIGINT or SIGTERM; return how many files were taken."""
    from toolkit.inbox.watcher import WatchdogSource

    source = source or WatchdogSource(cfg.inbox, cfg.polling)
    with _inbox(cfg, log, source) as watcher:
        stop = lambda *_: setattr(watcher, "stopping", True)  # noqa: E731
        previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
        source.start()
        try:
            if ready:
                ready(watcher)
            return watcher.run()
        finally:
            source.stop()
            for sig, handler in previous.items():
                signal.signal(sig, handler)


@dataclass(frozen=True)
class FileSummary:
    """A file the inbox decided on, personal data masked."""

    id: int
    file: str
    document: str | None
    deal_no: str | None
    decided_at: str | None
    reasons: list[dict]


@dataclass(frozen=True)
class InboxStatus:
    """Files per outcome and the latest rejections and quarantines."""

    ledger: str
    counts: dict[str, int] = field(default_factory=dict)
    recent_rejections: list[FileSummary] = field(default_factory=list)
    recent_quarantine: list[FileSummary] = field(default_factory=list)


def inbox_status(project_dir: Path, *, recent: int = 10, db: str | None = None) -> InboxStatus:
    """Count the files per outcome and list the latest rejections with their reasons (personal data masked)."""
    from toolkit.inbox.lock import check_ledger
    from toolkit.inbox.names import for_log
    from toolkit.ledger.db import is_pg, resolve
    from toolkit.ledger.store import open_ledger

    url = resolve(Path(project_dir), db)
    if not is_pg(url):
        if not Path(url).is_file():
            return InboxStatus(url)
        check_ledger(Path(url))
    ledger = open_ledger(Path(project_dir), url)
    try:

        def rows(outcome: str) -> list[FileSummary]:
            return [
                FileSummary(r.id, for_log(r.name), r.document, r.deal_no, r.decided_at, mask_data(r.reasons))
                for r in ledger.recent(outcome, recent)
            ]

        return InboxStatus(ledger.where, ledger.counts(), rows("rejected"), rows("quarantine"))
    finally:
        ledger.close()


def pack_lint(pack_dir: Path) -> list[Finding]:
    """Lint a pack: templates, tags, variables, clause ids, reversibility."""
    from toolkit.authoring.lint import lint_pack

    return lint_pack(Path(pack_dir))


def pack_test(pack_dir: Path, *, update: bool = False):
    """Render the pack's samples and compare each clause with its baseline (or store them with update)."""
    from toolkit.authoring.baseline import test_pack

    return test_pack(Path(pack_dir), update=update, render=_render_samples)


def _render_samples(pack_dir: Path, samples: dict, out: Path) -> dict[str, dict[str, Any]]:
    project = (pack_dir / samples["project"]).resolve()
    ws = open_project(project, pack_dir=pack_dir)
    rendered: dict[str, dict[str, Any]] = {}  # deal -> document -> DOCX, and "_findings" -> deal -> findings
    for deal in samples.get("deals", []):
        path = project / deal
        result = render(ws, deals=[path], docs=ws.pack.docs_per("deal"), out=out / path.stem)
        if not result.documents:
            raise UsageError(f"样例交易 {path} 无法生成文件：{'；'.join(f.message for f in result.findings)}")
        rendered[path.stem] = {d.document: d.docx for d in result.documents}
        roundtrip = check(ws, [d.docx for d in result.documents]).findings
        if roundtrip:  # a pack whose own documents do not read back clean cannot be released
            rendered.setdefault("_findings", {})[path.stem] = roundtrip
    project_docs = ws.pack.docs_per("project")
    if project_docs:
        result = render(ws, docs=project_docs, out=out / "project")
        rendered["project"] = {d.document: d.docx for d in result.documents}
    return rendered


class PackDiff(NamedTuple):
    """Two packs and the clauses that differ between them."""

    old: Any
    new: Any
    changes: list[Any]


def pack_diff(old: str, new: str) -> PackDiff:
    """Compare the clause wording of two packs, or of two versions of one (PACK@VERSION)."""
    from toolkit.authoring.diff import diff_packs, resolve

    return PackDiff(*diff_packs(resolve(old), resolve(new)))


def pack_diff_report(old: Any, new: Any, changes: list[Any], out: Path) -> Path:
    """Write a pack diff for legal to read: DOCX when `out` ends in .docx, else HTML."""
    from toolkit.authoring.diff import docx_report, html_report

    out = Path(out)
    if out.suffix.lower() == ".docx":
        docx_report(old, new, changes, out)
    else:
        out.write_text(html_report(old, new, changes), encoding="utf-8")
    return out


def pack_build(pack_dir: Path) -> dict[str, int]:
    """Build a pack's DOCX templates from their sources; return the clause count per document."""
    from toolkit.authoring.pack_build import build_pack

    return build_pack(Path(pack_dir))


def pack_release(pack_dir: Path) -> Path:
    """Keep the pack's current version under releases/ so its documents can still be checked."""
    from toolkit.authoring.release import release_pack

    return release_pack(Path(pack_dir))


GROUPS = ("toolkit.api.sales", "toolkit.api.paper")  # sales control; the office paperwork (pricing, notices, cases)


def __getattr__(name: str) -> Any:
    """Load the api's groups (sales, paper) on first use of one of their names, so a check does not import them."""
    import importlib

    names: dict[str, Any] = {}
    for group in GROUPS:
        module = importlib.import_module(group)
        names.update({n: getattr(module, n) for n in module.__all__})
    globals().update(names)  # importing bound `sales` and `paper` to the modules; the functions win, as before
    if name not in names:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return names[name]
