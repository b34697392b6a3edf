"""Check filled or signed documents: read, identify, parse back, run the rules, cross-check the set."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable

from toolkit.checks import encumbrance, prominence, term_rules  # noqa: F401  (they register their rules)
from toolkit.checks.content import Wording, scan
from toolkit.checks.deal_rules import RULES, Breach, DealCase, yuan
from toolkit.checks.doc_rules import DocCase, doc_finding, run_doc_rules
from toolkit.checks.fees import unpublished_charges
from toolkit.checks.follows import group
from toolkit.checks.pages import PageOrder, printed_order, taken_out
from toolkit.checks.printed import Printed, printed_values
from toolkit.checks.seen import printed_findings, seen_findings
from toolkit.checks.where import Outline
from toolkit.domain.deal import Buyer, Deal, ExtraDiscount, Payment
from toolkit.domain.policy import Policy
from toolkit.domain.pricing import FEN, PlanRow, Pricing, quantize
from toolkit.domain.project import AVAILABLE, Project
from toolkit.findings import Finding
from toolkit.pack.clauses import CompiledDocument
from toolkit.pack.manifest import Pack
from toolkit.read.document import DocumentText, UnreadableError, read_document, terms_property
from toolkit.read.parse import Parsed, parse
from toolkit.render.context import base_context
from toolkit.rules import enabled, finding
from toolkit.script import convert
from toolkit.text import normalize

IDENTIFY_SCORE = 0.6
TEXT_COMPARED = "文本比对（文件存储的文字逐段与模板和生成时的数值比对）"  # how an electronic document is checked
# Which printed values each deal rule needs; a rule runs on a document only when they are all printed.
NEEDS = {
    "id.checksum": ("buyers",),
    "contact.phone": ("buyers",),
    "permit.missing": ("unit.code", "deal.subscribe_date"),
    "price.below_floor": ("unit.code", "deal.total"),
    "price.above_filed": ("unit.code", "deal.total"),
    "authority.discount": ("deal.discounts", "deal.payment_method"),  # a published discount's condition
    "deposit.over_limit": ("deal.deposit", "deal.total"),
    "shares.invalid": ("buyers",),
    "sign_deadline.invalid": ("deal.subscribe_date", "deal.sign_deadline"),
    "mortgage.disclosure": ("unit.code",),
}
CONTRACTABLE = (AVAILABLE, "已认购")
# A deal file's field names as the document prints them (the deal rules name the deal file's fields).
DEAL_TO_PRINTED = {
    "unit": "unit.code",
    "deposit": "deal.deposit",
    "sign_deadline": "deal.sign_deadline",
    "subscribe_date": "deal.subscribe_date",
    "extra_discount": "deal.discounts",
    "buyers": "buyers",
}


@dataclass
class CheckedDocument:
    """One file checked: what it was taken for and what was found."""

    path: Path
    doc_id: str = ""
    pack: str = ""
    version: str = ""
    printed: Printed | None = None
    parsed: Parsed | None = None
    findings: list[Finding] = field(default_factory=list)
    outline: Outline = field(default_factory=lambda: Outline(None))
    signed_copy: Any = None  # a scan's document id and page hashes, for 签约审定 (scan/approval.SignedCopy)
    how: str = (
        ""  # how the document was compared with what was printed (text; PDF pages; a scan's pages), for the report
    )
    values_read: list[dict[str, Any]] = field(default_factory=list)  # a scan's values as OCR read them (masked)
    pages_checked: dict[int, str] = field(default_factory=dict)  # a scan's page N → how it was checked, or why not


def check_documents(
    paths: list[Path], project: Project, policy: Policy, pack: Pack, script: str | None = None
) -> list[CheckedDocument]:
    """Check each file, then cross-check the deal documents given together."""
    docs = [check_one(Path(p), project, policy, pack, script) for p in paths]
    by_deal: dict[str, list[CheckedDocument]] = {}
    for d in docs:
        if d.printed is not None:
            by_deal.setdefault(str(d.printed.typed("doc.number") or ""), []).append(d)
    for same in by_deal.values():
        for a, b in zip(same, same[1:]):
            b.findings += cross_check(a, b, pack)
    for d in docs:
        d.findings = group(d.findings)
    return docs


def check_one(
    path: Path,
    project: Project,
    policy: Policy,
    pack: Pack,
    script: str | None = None,
    read: Callable[[Parsed, DocumentText], Parsed] | None = None,
) -> CheckedDocument:
    """Read one file and run every document rule on it (on the values `read` gives, for a scan of it)."""
    from toolkit.scan import kind  # scans, photos and signed PDFs (toolkit/scan sits above the checks)

    if kind.is_scan(path):
        from toolkit.scan import judge  # OpenCV and OCR, for scans only

        return judge.checked_scan(path, project, policy, pack, script)
    out = CheckedDocument(path)
    try:
        text = kind.signed_text(path, read_document) or read_document(path)  # what was signed, if updated since
    except UnreadableError as exc:
        out.findings.append(_finding(policy, "doc.unreadable", f"{path.name}：无法读取：{exc}", path.name))
        return out
    text, order = printed_order(text)  # pages missing, repeated or out of order: read in their printed order
    doc_id, parsed, note, script, compiled = identify(text, pack, script)
    if order is not None:
        gone = taken_out(parsed, order) if parsed else []
        out.findings.append(_pages_finding(policy, path, order, gone, Outline(compiled)))
    if doc_id is None or parsed is None:  # (identify gives a parse with every document id)
        out.findings.append(
            _finding(policy, "doc.unknown", f"{path.name}：不是已知模板包生成的文件（{note}）", path.name)
        )
        return out
    if read is not None:  # the printed PDF of a scan: the rules run on the values read from the paper
        parsed = read(parsed, text)
    out.doc_id, out.pack, out.version, out.parsed = doc_id, pack.name, pack.version, parsed
    out.printed = printed_values(path.name, parsed)
    if note:
        out.findings.append(_finding(policy, "doc.version_unarchived", note, path.name))
    ref, out.outline = reference(project, policy, out.printed), Outline(compiled)
    template = _template(pack, text, doc_id)
    case = DocCase(path.name, doc_id, text, parsed, out.printed, project, policy, ref, script, out.outline, template)
    deal_rules = printed_deal_rules(case) if doc_id in pack.docs_per("deal") else []  # a notice is no sale
    out.findings += run_doc_rules(case) + deal_rules + provenance_terms(case) + added_wording(case)
    out.findings += seen_findings(text, template, script, path.name, policy)
    drawn, pages = printed_findings(path, text, compiled, policy)
    out.how = "；".join(h for h in (TEXT_COMPARED, pages) if h)
    out.findings += drawn
    out.findings += kind.electronic(path, policy)
    return out


def _pages_finding(policy: Policy, path: Path, order: PageOrder, gone: list, outline: Outline) -> Finding:
    """One finding for the pages, with the clauses of a page taken out (not one clause.altered each)."""
    message = f"{path.name}：{order.describe()}"
    if gone:
        first, last = (outline.place(d.clause) for d in (gone[0], gone[-1]))
        span = "至".join(dict.fromkeys(p.location for p in (first, last) if p.location and p.location != p.clause))
        message += f"；缺页上的{len(gone)}段条款{f'（{span}）' if span else ''}无法核对"
    extra = {"printed_pages": order.printed, "missing": order.missing, "repeated": order.repeated}
    where = "第" + "、".join(map(str, order.named)) + "页"
    return _finding(
        policy, "scan.pages", message, path.name, location=where, extra=extra | {"clauses": [d.clause for d in gone]}
    )


def added_wording(c: DocCase) -> list[Finding]:
    """Run the content rules over what the document added or changed, and over its free-text values."""
    changed = [(d.clause, d.found) for d in c.parsed.deviations if d.kind != "missing" and d.found]
    typed = [(v.clause, v.text) for values in c.printed.by_path.values() for v in values if v.filter == "text"]
    items = []
    for key, text in changed + typed:
        place = c.outline.place(key)
        items.append(Wording(c.doc_id, c.name, place.location, place.clause, text))
    return scan(items, c.policy) + unpublished_charges(items, c.project.data, c.policy)


def _template(pack: Pack, text: DocumentText, doc_id: str) -> Path:
    """Return the template a document was made from: its recorded pack version's, else the current one."""
    version = text.properties.get("pack_version", pack.version)
    source = pack if version == pack.version else (pack.release(version) or pack)
    return source.document(doc_id).template


def identify(
    text: DocumentText, pack: Pack, script: str | None
) -> tuple[str | None, Parsed | None, str, str, CompiledDocument | None]:
    """Take the document type and script from the provenance; failing that, from the best-matching wording."""
    props = text.properties
    doc_id = props.get("document")
    deal_docs = pack.docs_per("deal")
    if doc_id in deal_docs + pack.docs_per("notice") and props.get("pack") == pack.name:  # notices: by provenance
        script = props.get("script") or script or "hans"
        version = props.get("pack_version", pack.version)
        source = pack if version == pack.version else pack.release(version)
        note = (
            ""
            if source is not None
            else (f"文件由模板包{pack.name} {version}生成，该版本未存档（releases/），按当前版本{pack.version}检查")
        )
        compiled = (source or pack).compiled_for(doc_id, script)
        return doc_id, parse(text.stream, compiled, text.location_at), note, script, compiled
    scripts = [script] if script else ["hans", "hant"]
    scored = [(parse(text.stream, pack.compiled_for(d, s), text.location_at), d, s) for d in deal_docs for s in scripts]
    parsed, best, script = max(scored, key=lambda s: s[0].score)
    if parsed.score < IDENTIFY_SCORE:
        return None, None, f"与模板文字的最高吻合度为{parsed.score:.0%}", script, None
    return best, parsed, "", script, pack.compiled_for(best, script)


def reference(project: Project, policy: Policy, printed: Printed) -> dict[str, Any]:
    """Return, by dotted path, what the project says for the values a document takes from it."""
    ctx = base_context(project, policy, {})
    unit = project.units.get(str(printed.typed("unit.code") or ""))
    if unit is not None:
        ctx["unit"] = {k: getattr(unit, k) for k in unit.__dataclass_fields__}
        on = printed.typed("deal.subscribe_date")
        permit = project.permit_for(unit.building, on) if on else project.any_permit_for(unit.building)
        if permit:
            ctx["permit"] = {"no": permit.no, "issued": permit.issued, "authority": permit.authority}
    return dict(_flatten(ctx, ""))


def _flatten(value: Any, prefix: str):
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _flatten(v, f"{prefix}.{k}" if prefix else str(k))
    else:
        yield prefix, value


def printed_deal_rules(c: DocCase) -> list[Finding]:
    """Run the deal rules of the rendering step on the values the document prints."""
    p = c.printed
    unit = c.project.units.get(str(p.typed("unit.code") or ""))
    if unit is None:
        return []
    deal, pricing = _deal(p, c.project, c.script), _pricing(p, unit)
    out = []
    for rule_id, needs in NEEDS.items():
        if all(_printed(p, n) for n in needs) and enabled(rule_id, c.policy):
            case = DealCase(Path(c.name), c.project, c.policy, deal, unit, pricing)
            out += [doc_finding(c, b.rule or rule_id, _on_document(b, needs)) for b in RULES[rule_id](case)]
    allowed = (AVAILABLE,) if c.doc_id == "subscription" else CONTRACTABLE
    if unit.status not in allowed:
        place = c.outline.place("unit.code", c.printed)
        message = f"房号{unit.code}当前状态为{unit.status}"
        out.append(
            _finding(c.policy, "unit.unavailable", message, c.name, location=place.location, clause=place.clause)
        )
    return out


def _on_document(b: Breach, needs: tuple[str, ...]) -> Breach:
    """Point a deal rule's breach at the printed values it read (the deal file's field names mean nothing here)."""
    path = DEAL_TO_PRINTED.get(b.location.split(".")[0], b.location)
    path = "deal." + path if path.startswith("discounts[") else path
    return b._replace(location=path, paths=(path, *needs))


def _printed(p: Printed, path: str) -> bool:
    return bool(p.items(path)) if path in ("buyers", "deal.discounts") else p.typed(path) is not None


def _buyer(p: Printed, i: int) -> Buyer:
    name, id_type, id_no, phone, address = (
        str(p.typed(f"buyers[{i}].{k}") or "") for k in ("name", "id_type", "id_no", "phone", "address")
    )
    return Buyer(name, id_type, id_no, phone, address, share_pct=p.typed(f"buyers[{i}].share_pct") or Decimal(0))


def _deal(p: Printed, project: Project, script: str) -> Deal:
    buyers = tuple(_buyer(p, i) for i in p.items("buyers"))
    rows = [
        [str(p.typed(f"deal.discounts[{i}].{k}") or "") for k in ("name", "kind", "approved_by", "approval_no")]
        for i in p.items("deal.discounts")
    ]
    rates = [p.typed(f"deal.discounts[{i}].rate_pct") or Decimal(0) for i in p.items("deal.discounts")]
    extra_kind = normalize(convert("额外优惠", script))
    staff = tuple(project.staff)
    extra = next(
        (
            ExtraDiscount(r, _option(row[2], staff, script), row[3])
            for row, r in zip(rows, rates)
            if row[1] == extra_kind
        ),
        None,
    )
    codes = {normalize(convert(d.name, script)): d.code for d in project.discounts}  # printed names -> codes
    return Deal(
        deal_no=str(p.typed("doc.number") or ""),
        unit=str(p.typed("unit.code") or ""),
        subscribe_date=p.typed("deal.subscribe_date") or dt.date.min,
        sign_deadline=p.typed("deal.sign_deadline") or dt.date.max,
        salesperson=_option(str(p.typed("deal.salesperson") or ""), staff, script),
        buyers=buyers,
        payment=Payment(method=_option(str(p.typed("deal.payment_method") or ""), PAYMENT_METHODS, script)),
        discounts=tuple(codes.get(row[0], row[0]) for row in rows if row[1] != extra_kind),
        extra_discount=extra,
        deposit=p.typed("deal.deposit") or Decimal(0),
    )


PAYMENT_METHODS = ("一次性付款", "分期付款", "商业贷款", "公积金贷款", "组合贷款")


def _option(printed: str, options: tuple[str, ...], script: str) -> str:
    """Map a printed option (in the document's script) back to the name the rules use."""
    return next((o for o in options if normalize(convert(o, script)) == printed), printed)


def _pricing(p: Printed, unit) -> Pricing:
    rows = p.items("deal.plan")
    total = p.typed("deal.total") or Decimal(0)
    return Pricing(
        list_total=p.typed("deal.list_total") or Decimal(0),
        discounts=(),
        total=total,
        unit_price=p.typed("deal.unit_price") or Decimal(0),
        floor_total=quantize(unit.floor_unit_price * unit.building_area, FEN),
        filed_total=quantize(unit.filed_unit_price * unit.building_area, FEN),
        plan=tuple(
            PlanRow(
                str(p.typed(f"deal.plan[{i}].item")),
                p.typed(f"deal.plan[{i}].amount") or Decimal(0),
                p.typed(f"deal.plan[{i}].due"),
            )
            for i in rows
        ),
    )


def cross_check(a: CheckedDocument, b: CheckedDocument, pack: Pack) -> list[Finding]:
    """Compare the shared terms of two documents of one deal."""
    out: list[Finding] = []
    if a.printed is None or b.printed is None:  # (only read deal documents are cross-checked)
        return out
    for term in pack.shared_terms:
        for path in _paths(a.printed, b.printed, term.path):
            va, vb = a.printed.typed(path), b.printed.typed(path)
            if va is not None and vb is not None and va != vb:
                place = b.outline.place(path, b.printed)
                out.append(
                    finding(
                        "terms.mismatch",
                        f"{term.label}不一致：{a.path.name}为“{va}”，{b.path.name}为“{vb}”",
                        document=b.path.name,
                        location=place.location,
                        clause=place.clause,
                        expected=str(va),
                        found=str(vb),
                        extra={"term": term.id, "documents": [a.path.name, b.path.name], "paths": [path]}
                        | _read_from_scan((a, b), path),
                    )
                )
    return out


def _read_from_scan(docs: tuple[CheckedDocument, ...], path: str) -> dict[str, Any]:
    """Say which of the values compared a scan carries written by hand (scan/values.py read them)."""
    rows = [r for d in docs for r in d.values_read if r["how"] == "handwritten" and r["path"] == path]
    return {"read_from_scan": rows} if rows else {}


def _paths(a: Printed, b: Printed, path: str) -> list[str]:
    """Expand a shared term to the printed paths both documents have (a list term to its items)."""
    if a.typed(path) is not None or b.typed(path) is not None:
        return [path]
    both = set(a.by_path) & set(b.by_path)
    return sorted(p for p in both if p.startswith(path + "["))


def provenance_terms(c: DocCase) -> list[Finding]:
    """Compare what the document prints with the terms recorded when it was rendered."""
    recorded = terms_property(c.text)
    out = []
    for path, raw in recorded.items():
        printed = c.printed.typed(path)
        if printed is None:
            continue
        want = _recorded(raw, printed, c.script)
        if want != printed:
            place = c.outline.place(path, c.printed)
            out.append(
                _finding(
                    c.policy,
                    "terms.mismatch",
                    f"印为“{_shown(printed)}”，生成时为“{_shown(want)}”：文件在生成后被改动",
                    c.name,
                    location=place.location,
                    clause=place.clause,
                    expected=str(want),
                    found=str(printed),
                    extra={"paths": [path], "provenance": True},
                )
            )
    return out


def _shown(value: Any) -> str:
    """Write a value for a message as the document prints it (amounts with separators and two decimals)."""
    return yuan(value) if isinstance(value, Decimal) else str(value)


def _recorded(raw: Any, like: Any, script: str) -> Any:
    if isinstance(like, Decimal):
        return Decimal(str(raw))
    if isinstance(like, dt.date):
        return dt.date.fromisoformat(str(raw))
    return normalize(convert(str(raw), script))


def _finding(policy: Policy, rule: str, message: str, document: str, **kw: Any) -> Finding:
    return finding(rule, message, policy=policy, document=document, **kw)
