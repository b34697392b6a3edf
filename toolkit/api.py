"""The public surface of the toolkit: open a project, check deals, render documents."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import signal
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from toolkit import yamlio
from toolkit.checks.documents import CheckedDocument, check_documents
from toolkit.checks.inputs import load_project
from toolkit.checks.run import DealCheck, check_deal, duplicate_deal_numbers
from toolkit.domain.ids import mask_data, mask_id
from toolkit.domain.policy import Policy, load_policy
from toolkit.domain.project import Project
from toolkit.errors import PdfUnavailableError, ToolkitError, UsageError
from toolkit.findings import Finding
from toolkit.inbox.lock import InboxLock, check_ledger
from toolkit.inbox.names import for_log, mask
from toolkit.inbox.pipeline import InboxConfig, Pipeline
from toolkit.inbox.watcher import QueueSource, WatchdogSource, Watcher, check_folders
from toolkit.inbox.worker import CheckPool
from toolkit.ledger.store import Ledger, ledger_path
from toolkit.pack.manifest import Pack, load_pack
from toolkit.render.batch import RenderedDoc, Renderer, render_text, to_pdf
from toolkit.render.context import change_context, deal_context, project_context
from toolkit.render.pdf import find_soffice
from toolkit.script import SCRIPTS

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PACKS = {"预售": "prc-presale", "现售": "prc-completed"}
Progress = Callable[[int, int, str], None]


def templates_dir() -> Path:
    """Return the folder holding the packs (LOUPAN_TEMPLATES overrides the repository's templates/)."""
    return Path(os.environ.get("LOUPAN_TEMPLATES", ROOT / "templates"))


@dataclass
class Workspace:
    """A project opened with its pack and policy, ready to check and render."""

    project_dir: Path
    pack: Pack
    project: Project
    policy: Policy
    renderer: Renderer


def open_project(project_dir: Path, *, pack_dir: Path | None = None) -> Workspace:
    """Open a project folder with its pack (by sale type, unless one is given) and merged policy."""
    project_dir = Path(project_dir)
    if not (project_dir / "project.yaml").is_file():
        raise UsageError(f"{project_dir}: not a project folder (no project.yaml)")
    pack = load_pack(pack_dir or _default_pack(project_dir))
    project = load_project(project_dir, pack)
    policy = load_policy(project_dir, project.authority)
    return Workspace(project_dir, pack, project, policy, Renderer(pack))


def _default_pack(project_dir: Path) -> Path:
    try:
        data = yamlio.load_yaml((project_dir / "project.yaml").read_text(encoding="utf-8")) or {}
        sale_type = (data.get("project") or {}).get("sale_type", "预售")
        name = data.get("pack") or DEFAULT_PACKS.get(sale_type, "prc-presale")
    except Exception:  # a broken project.yaml is reported by load_project with its details
        name = "prc-presale"
    return templates_dir() / name


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
        raise UsageError(f"{folder}: no deals folder")
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
        raise UsageError(f"unknown document {unknown[0]!r}: pack {ws.pack.name} has {', '.join(ws.pack.documents)}")
    deal_docs = [d for d in docs if ws.pack.document(d).per == "deal"]
    if script not in SCRIPTS:
        raise UsageError(f"unknown script {script!r}: use one of {', '.join(SCRIPTS)}")
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
    case = check.case
    assert case is not None  # check.ok guarantees it
    ctx = deal_context(ws.project, ws.policy, {}, case.deal, case.unit, case.pricing)
    return [ws.renderer.render(d, case.deal.deal_no, ctx, out, script) for d in docs]


def _render_project_doc(ws: Workspace, doc_id: str, out: Path, script: str) -> RenderedDoc:
    ctx = project_context(ws.project, ws.policy, {}, ())
    qa = tuple({**item, "a": render_text(item["a"], ctx), "q": render_text(item["q"], ctx)} for item in ws.pack.qa)
    ctx["qa"] = [dict(item) for item in qa]
    return ws.renderer.render(doc_id, ws.project.code, ctx, out, script)


def _pdf(result: RenderResult, out: Path) -> None:
    if find_soffice() is None:
        result.notes.append(str(PdfUnavailableError()))
        return
    if result.documents:
        to_pdf(result.documents, out)


@dataclass
class CheckResult:
    """What `check` found in a set of documents."""

    documents: list[CheckedDocument]

    @property
    def findings(self) -> list[Finding]:
        """Return every finding of every document."""
        return [f for d in self.documents for f in d.findings]


def check(ws: Workspace, files: Sequence[Path], *, script: str | None = None) -> CheckResult:
    """Check filled or signed documents (DOCX or text PDF); files given together are cross-checked."""
    for f in files:
        if not Path(f).is_file():
            raise UsageError(f"{f}: no such file")
    return CheckResult(check_documents([Path(f) for f in files], ws.project, ws.policy, ws.pack, script))


def inbox_config(project_dir: Path, inbox: Path, filed: Path, **options) -> InboxConfig:
    """Describe an inbox: where files arrive and where they are filed."""
    return InboxConfig(Path(project_dir), Path(inbox), Path(filed), **options)


@contextlib.contextmanager
def _inbox(cfg: InboxConfig, log: Callable[[str], None], source: QueueSource | None = None):
    """Open the ledger and the check worker, finish what was in flight, and close both at the end."""
    if not (cfg.project_dir / "project.yaml").is_file():
        raise UsageError(f"{cfg.project_dir}: not a project folder (no project.yaml)")
    check_folders(cfg)
    check_ledger(ledger_path(cfg.project_dir))
    lock = InboxLock(cfg.inbox, ledger_path(cfg.project_dir))  # one watcher per inbox and ledger
    ledger = Ledger(ledger_path(cfg.project_dir))
    worker = CheckPool(cfg.project_dir, cfg.pack_dir, cfg.time_limit)
    try:
        worker.start()
        pipeline = Pipeline(cfg, ledger, worker, log)
        recovered = pipeline.recover()
        if recovered:
            log(f"finished {recovered} file(s) left in flight by the last run")
        yield Watcher(cfg, pipeline, source or QueueSource(), log)
    finally:
        worker.stop()
        ledger.close()
        lock.release()


def ingest(cfg: InboxConfig, *, log: Callable[[str], None] = print) -> int:
    """Process what is in the inbox now (each file once it is stable), then return how many were taken."""
    with _inbox(cfg, log) as watcher:
        taken = watcher.run(once=True)
        if watcher.pipeline.unfinished:  # a run that could not file everything must not look like success
            left = "; ".join(f"{for_log(n)}: {why}" for n, why in sorted(watcher.pipeline.unfinished.items()))
            raise ToolkitError(f"{taken} file(s) taken, {len(watcher.pipeline.unfinished)} could not be filed: {left}")
        return taken


def watch(
    cfg: InboxConfig,
    *,
    log: Callable[[str], None] = print,
    source: QueueSource | None = None,
    ready: Callable[[Watcher], None] | None = None,
) -> int:
    """Watch the inbox until SIGINT or SIGTERM; return how many files were taken."""
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


def inbox_status(project_dir: Path, *, recent: int = 10) -> dict:
    """Count the files per outcome and list the latest rejections with their reasons (personal data masked)."""
    path = ledger_path(Path(project_dir))
    if not path.is_file():
        return {"ledger": str(path), "counts": {}, "recent_rejections": [], "recent_quarantine": []}
    check_ledger(path)
    ledger = Ledger(path)
    try:

        def rows(outcome: str) -> list[dict]:
            return [
                {
                    "id": r.id,
                    "file": for_log(r.name),
                    "document": r.document,
                    "deal_no": r.deal_no,
                    "decided_at": r.decided_at,
                    "reasons": r.reasons,
                }
                for r in ledger.recent(outcome, recent)
            ]

        return mask_data(
            {
                "ledger": str(path),
                "counts": ledger.counts(),
                "recent_rejections": rows("rejected"),
                "recent_quarantine": rows("quarantine"),
            }
        )
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


def _render_samples(pack_dir: Path, samples: dict, out: Path) -> dict[str, dict[str, Path]]:
    project = (pack_dir / samples["project"]).resolve()
    ws = open_project(project, pack_dir=pack_dir)
    rendered: dict[str, dict[str, Path]] = {}
    for deal in samples.get("deals", []):
        path = project / deal
        result = render(ws, deals=[path], docs=ws.pack.docs_per("deal"), out=out / path.stem)
        if not result.documents:
            raise UsageError(f"sample deal {path} does not render: {[f.message for f in result.findings]}")
        rendered[path.stem] = {d.document: d.docx for d in result.documents}
        roundtrip = check(ws, [d.docx for d in result.documents]).findings
        if roundtrip:  # a pack whose own documents do not read back clean cannot be released
            rendered.setdefault("_findings", {})[path.stem] = roundtrip
    project_docs = ws.pack.docs_per("project")
    if project_docs:
        result = render(ws, docs=project_docs, out=out / "project")
        rendered["project"] = {d.document: d.docx for d in result.documents}
    return rendered


def pack_diff(old: str, new: str):
    """Compare the clause wording of two packs, or of two versions of one (PACK@VERSION)."""
    from toolkit.authoring.diff import diff_packs, resolve

    return diff_packs(resolve(old), resolve(new))


def pack_release(pack_dir: Path) -> Path:
    """Keep the pack's current version under releases/ so its documents can still be checked."""
    from toolkit.authoring.release import release_pack

    return release_pack(Path(pack_dir))


# -- sales control (销控) -------------------------------------------------------------------------------
def sales(ws: Workspace):
    """Open the project's sales control on its ledger (the caller closes it with `.ledger.close()`)."""
    from toolkit.ledger.sales import Sales

    return Sales(Ledger(ledger_path(ws.project_dir)), {c: u.status for c, u in ws.project.units.items()})


@contextlib.contextmanager
def _sales(ws: Workspace):
    s = sales(ws)
    try:
        yield s
    finally:
        s.ledger.close()


def unit_show(ws: Workspace, code: str) -> dict:
    """Return a unit's status, price, deal, documents, changes and history (personal numbers masked)."""
    return mask_data(_unit_show(ws, code))


def _unit_show(ws: Workspace, code: str) -> dict:
    unit = ws.project.units.get(code)
    if unit is None:
        raise UsageError(f"no unit {code} in the price list of {ws.project.code}")
    with _sales(ws) as s:
        state = s.unit(code)
        deal = s.deal(state.deal_no) if state.deal_no else None
        docs = [
            {"id": r.id, "file": mask(r.name), "document": r.document, "outcome": r.outcome, "filed_as": r.filed_path}
            for r in s.ledger.all_files()
            if r.unit == code
        ]
        changes = [
            dict(r)
            for r in s.db.execute(
                "SELECT no, kind, status, date FROM changes WHERE unit=? OR payload LIKE ? ORDER BY no",
                (code, f'%"new_unit": "{code}"%'),
            )
        ]
        return {
            "code": code,
            "status": state.status,
            "pending": state.pending,
            "needs_pricing": state.needs_pricing,
            "price": {
                "list_unit_price": str(unit.list_unit_price),
                "building_area": str(unit.building_area),
                "list_total": str((unit.list_unit_price * unit.building_area).quantize(Decimal("0.01"))),
            },
            "deal": _masked_deal(deal),
            "documents": docs,
            "changes": changes,
            "history": s.history(code),
        }


def _masked_deal(deal: dict | None) -> dict | None:
    if deal is None:
        return None
    return {
        **deal,
        "buyers": [
            {"name": b["name"], "id_no": mask_id(b["id_no"]), "share_pct": b["share_pct"]} for b in deal["buyers"]
        ],
    }


def deal_subscribe(ws: Workspace, deal_file: Path) -> None:
    """Record a signed 认购 in the ledger: every deal rule, and the unit free in the ledger."""
    from toolkit.control.changes import subscribe

    with _sales(ws) as s:
        subscribe(s, check_deal(Path(deal_file), ws.project, ws.pack, ws.policy))


def deal_sign(ws: Workspace, deal_no: str) -> None:
    """Record the contract of a subscribed deal."""
    from toolkit.control.changes import sign

    with _sales(ws) as s:
        sign(s, deal_no)


def change(
    ws: Workspace,
    kind: str,
    *,
    out: Path | None = None,
    deal_file: Path | None = None,
    deal_no: str | None = None,
    **options,
):
    """Record a 换房 (room), 退房 (refund), 更名 (rename) or 价格变更 (price); render its form when it has one."""
    from toolkit.control import changes as flows

    options.setdefault("date", dt.date.today())
    with _sales(ws) as s:
        if kind == "refund":
            result = flows.refund(s, ws.project, ws.policy, deal_no, **options)
        else:
            if deal_file is None:
                raise UsageError(f"{kind} needs --deal FILE: the deal as amended")
            amended = check_deal(Path(deal_file), ws.project, ws.pack, ws.policy)
            result = getattr(flows, kind)(s, ws.project, ws.policy, amended, **options)
        form = _change_form(ws, s, result.no, out)
    return result, form


def change_approve(ws: Workspace, no: str, *, approved_by: str, approval_no: str = "", out: Path | None = None):
    """Approve a requested change and carry it out."""
    from toolkit.control.changes import approve

    with _sales(ws) as s:
        result = approve(s, ws.project, ws.policy, no, approved_by=approved_by, approval_no=approval_no)
        return result, _change_form(ws, s, no, out)


def _change_form(ws: Workspace, s, no: str, out: Path | None) -> RenderedDoc | None:
    change_ = s.change(no)
    doc_id = f"change_{change_['kind']}"
    if out is None or doc_id not in ws.pack.documents:
        return None
    ctx = change_context(ws.project, ws.policy, change_, s.deal(change_["deal_no"]), s.paid(change_["deal_no"]))
    return ws.renderer.render(doc_id, no, ctx, Path(out))


def unit_action(ws: Workspace, action: str, code: str, *, approved_by: str) -> None:
    """价格审核 (reprice), 销控 (hold) or 解除销控 (release) a unit."""
    from toolkit.control import changes as flows

    with _sales(ws) as s:
        if action == "reprice":
            flows.reprice(s, ws.project, ws.policy, code, approved_by=approved_by)
        else:
            flows.hold(s, ws.project, ws.policy, code, approved_by=approved_by, release=action == "release")


def money_receipt(ws: Workspace, **receipt) -> dict:
    """Record a receipt after the cashier's checks."""
    from toolkit.control.money import add_receipt

    with _sales(ws) as s:
        return add_receipt(s, ws.project, ws.policy, **receipt)


def money_import(ws: Workspace, path: Path):
    """Import receipts from an XLSX sheet; return how many were taken and the refused rows."""
    from toolkit.control.money import import_receipts

    with _sales(ws) as s:
        return import_receipts(s, ws.project, ws.policy, Path(path))


def money_deposit(ws: Workspace, *, date: str, kind: str, amount, account: str, reference: str = "") -> None:
    """Record a cash deposit (现金存款) or a bank credit (银行入账)."""
    if kind not in ("现金存款", "银行入账"):
        raise UsageError(f"deposit kind must be 现金存款 or 银行入账, not {kind!r}")
    try:
        value = Decimal(str(amount).replace(",", ""))
    except ArithmeticError:
        raise UsageError(f"--amount: expected a number of yuan, found {amount!r}") from None
    with _sales(ws) as s:
        s.add_deposit(date, kind, value, account, reference)


def report_daily(ws: Workspace, *, date: str, out: Path, pdf: bool = True):
    """Write the daily sales and cash report (XLSX, and PDF when LibreOffice is there)."""
    from toolkit.reports import daily as report

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    with _sales(ws) as s:
        d = report.daily(s, date)
    stem = out / f"{ws.project.code}-daily-{date}"
    files = [report.write_xlsx(d, ws.project.name, stem.with_suffix(".xlsx"))]
    docx_path = report.write_docx(d, ws.project.name, stem.with_suffix(".docx"))
    files.append(docx_path)
    if pdf and find_soffice():
        from toolkit.render.pdf import convert as to_pdf_files

        files += to_pdf_files([docx_path], out)
    return d, files


def board(ws: Workspace, *, out: Path, date: str | None = None) -> list[Path]:
    """Write the 销控表 as an HTML page and a PNG."""
    from toolkit.reports import board as wall

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    date = date or dt.date.today().isoformat()
    with _sales(ws) as s:
        states = s.all_units()
    page = out / f"{ws.project.code}-board.html"
    page.write_text(wall.html(ws.project, states, date), encoding="utf-8")
    return [page, wall.png(ws.project, states, date, out / f"{ws.project.code}-board.png")]
