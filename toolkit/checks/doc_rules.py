"""The rules a filled or signed document must pass, on the values it prints, each registered by rule id."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from toolkit.checks.deal_rules import Breach, yuan
from toolkit.checks.printed import Printed, expected_text, typed
from toolkit.checks.where import Outline, Place, describe
from toolkit.domain.money import CapitalsError, lint_capitals, parse_capitals
from toolkit.domain.policy import Policy
from toolkit.domain.pricing import FEN, YUAN, quantize
from toolkit.domain.project import Project
from toolkit.findings import Finding
from toolkit.read.document import DocumentText
from toolkit.read.parse import Parsed
from toolkit.rules import enabled, finding
from toolkit.text import normalize
from toolkit.textdiff import redline, show

HUNDRED = Decimal(100)
_PATH = re.compile(r"^[a-z_]+[.\[]")
PROJECT_PATHS = ("project.", "seller.", "land.", "escrow.", "terms.", "policy.", "permit.", "unit.")


@dataclass
class DocCase:
    """One document read back: its text, what it prints and the project it belongs to."""

    name: str
    doc_id: str
    text: DocumentText
    parsed: Parsed
    printed: Printed
    project: Project
    policy: Policy
    reference: dict[str, Any]  # what the project says for project-level paths
    script: str = "hans"
    outline: Outline = field(default_factory=lambda: Outline(None))
    template: Path | None = None  # the DOCX template the document was made from


DocRule = Callable[[DocCase], Iterator[Breach]]
DOC_RULES: list[tuple[str, DocRule]] = []


def doc_rule(rule_id: str) -> Callable[[DocRule], DocRule]:
    """Register a document rule."""

    def register(fn: DocRule) -> DocRule:
        DOC_RULES.append((rule_id, fn))
        return fn

    return register


@doc_rule("clause.altered")
def _altered(c: DocCase) -> Iterator[Breach]:
    for run in _runs(c.parsed.deviations):
        if len(run) > 1:  # a page taken out: one finding with the range, not one per clause
            text = "".join(d.expected for d in run)
            yield Breach(f"{_span(c, run)}共{len(run)}段条款缺失（可能缺页）", run[0].clause, text, "", paths=())
            continue
        d = run[0]
        lines = redline(d.expected, d.found)
        what = {"altered": "条款文字与模板不一致", "missing": "条款缺失", "inserted": "插入了模板中没有的文字"}[d.kind]
        yield Breach(f"{what}：{show(lines)}", d.clause, d.expected, d.found)


def _heading_of(c: DocCase, clause: str) -> str:
    """Return the heading a clause stands under (第四条), '' when none: its id is no place a reader finds."""
    return c.outline.at.get(clause, Place("")).location


def _span(c: DocCase, run: list) -> str:
    """Name a run of clauses by the headings it runs between (自第十五条至第十六条), or its one heading."""
    first, last = _heading_of(c, run[0].clause), _heading_of(c, run[-1].clause)
    return f"自{first}至{last}" if first and last and first != last else first or last


def _places(c: DocCase, values: list) -> str:
    """List the headings the values are printed under, once each, in order (第三条、第四条)."""
    return "、".join(dict.fromkeys(h for h in (_heading_of(c, v.clause) for v in values) if h))


def _runs(deviations: list) -> list[list]:
    """Split deviations into runs: consecutive missing clauses together, every other deviation alone."""
    runs: list[list] = []
    for d in deviations:
        if runs and d.kind == "missing" and runs[-1][-1].kind == "missing":
            runs[-1].append(d)
        else:
            runs.append([d])
    return runs


@doc_rule("doc.markup")
def _markup(c: DocCase) -> Iterator[Breach]:
    for label, tag, text in c.text.markup:
        yield Breach(f"文档含有{label}（{tag}），阅读者可能看不到或误读这部分文字：{text}", tag, "none", text or label)


@doc_rule("amount.words_mismatch")
def _words(c: DocCase) -> Iterator[Breach]:
    for path, values in c.printed.by_path.items():
        for v in values:
            if v.filter == "capitals":
                yield from _one_capital(v, _figures(values, v))


def _figures(values: list, capital) -> Decimal | None:
    """Return the figures the capitals stand beside: in the same clause, else the first printed."""
    same = [typed(v) for v in values if v.filter == "yuan" and v.clause == capital.clause]
    anywhere = [typed(v) for v in values if v.filter == "yuan"]
    return (same or anywhere or [None])[0]


def _one_capital(v, figures: Decimal | None) -> Iterator[Breach]:
    try:
        amount = parse_capitals(v.text)
    except CapitalsError as exc:
        yield Breach(f"大写金额“{v.text}”无法识别：{exc}", v.clause, "可识别的大写金额", v.text, paths=(v.path,))
        return
    if figures is not None and amount != figures:
        yield Breach(
            f"大写金额{v.text}（{yuan(amount)}）与小写金额{yuan(figures)}不一致",
            v.clause,
            yuan(figures),
            f"{v.text} = {yuan(amount)}",
            paths=(v.path,),
        )
    for problem in lint_capitals(v.text):
        yield Breach(f"大写金额书写不规范：{problem}", v.clause, "", v.text, "amount.words_style", (v.path,))


@doc_rule("terms.mismatch")
def _inside(c: DocCase) -> Iterator[Breach]:
    """The same term printed twice in one document must read the same."""
    for path, values in c.printed.by_path.items():
        by_type: dict[str, set] = {}
        for v in values:
            if v.filter != "capitals":
                by_type.setdefault(v.filter, set()).add(typed(v) if typed(v) is not None else v.text)
        for filter_, seen in by_type.items():
            if len(seen) > 1:
                where = _places(c, values)
                yield Breach(
                    f"{describe(path, c.printed)}在本文件中前后不一致{f'（{where}）' if where else ''}："
                    f"{' / '.join(map(str, seen))}",
                    path,
                    "one value",
                    " / ".join(map(str, seen)),
                    paths=(path,),
                )


@doc_rule("terms.mismatch")
def _against_project(c: DocCase) -> Iterator[Breach]:
    """What the project decides (seller, land, permit, escrow, terms, the unit's areas) must be printed as is."""
    for path, values in c.printed.by_path.items():
        if not path.startswith(PROJECT_PATHS) or path not in c.reference:
            continue
        for v in values:
            want = expected_text(c.reference[path], v.filter, c.script)
            if normalize(v.text) != want:
                yield Breach(f"印为“{v.text}”，项目资料为“{want}”", v.clause, want, v.text, paths=(path,))
                break


@doc_rule("terms.mismatch")
def _ticks(c: DocCase) -> Iterator[Breach]:
    for path, boxes in c.printed.ticks.items():
        chosen = [b.tick_value for b in boxes if b.text == "■"]
        if len(chosen) != 1:
            yield Breach(
                f"{describe(path, c.printed)}的选择项应勾选且只勾选一项，实际勾选{len(chosen)}项",
                boxes[0].clause,
                "exactly one ■",
                "、".join(chosen) or "none",
                "option.ticks",
                (path,),
            )
            continue
        text = c.printed.first(path, "text")
        if text is not None and normalize(text.text) != normalize(chosen[0]):
            yield Breach(
                f"勾选为“{chosen[0]}”，正文为“{text.text}”", boxes[0].clause, chosen[0], text.text, paths=(path,)
            )


@doc_rule("amount.arithmetic")
def _areas(c: DocCase) -> Iterator[Breach]:
    p = c.printed
    build, inner, shared = (p.typed(f"unit.{k}") for k in ("building_area", "inner_area", "shared_area"))
    if None not in (build, inner, shared) and abs(build - inner - shared) > Decimal("0.01"):
        yield Breach(
            f"建筑面积{build}不等于套内面积{inner}加分摊面积{shared}",
            "unit.building_area",
            str(inner + shared),
            str(build),
            paths=("unit.building_area", "unit.inner_area", "unit.shared_area"),
        )


@doc_rule("amount.arithmetic")
def _prices(c: DocCase) -> Iterator[Breach]:
    p = c.printed
    area, unit_price, total = p.typed("unit.building_area"), p.typed("deal.unit_price"), p.typed("deal.total")
    if None not in (area, unit_price, total) and abs(unit_price * area - total) > 1:
        yield Breach(
            f"成交单价{yuan(unit_price)}×建筑面积{area}={yuan(unit_price * area)}，与成交总价{yuan(total)}不符",
            "deal.total",
            yuan(quantize(unit_price * area, YUAN)),
            yuan(total),
            paths=("deal.total", "deal.unit_price", "unit.building_area"),
        )
    list_price, list_total = p.typed("unit.list_unit_price"), p.typed("deal.list_total")
    if None not in (area, list_price, list_total) and quantize(list_price * area, FEN) != list_total:
        yield Breach(
            f"标价{yuan(list_price)}×{area}与标价总价{yuan(list_total)}不符",
            "deal.list_total",
            yuan(quantize(list_price * area, FEN)),
            yuan(list_total),
            paths=("deal.list_total", "unit.list_unit_price", "unit.building_area"),
        )
    yield from _discount_stack(c, list_total, total)


def _discount_stack(c: DocCase, list_total: Decimal | None, total: Decimal | None) -> Iterator[Breach]:
    rates = [c.printed.typed(f"deal.discounts[{i}].rate_pct") for i in c.printed.items("deal.discounts")]
    if list_total is None or total is None or None in rates:
        return
    factor = Decimal(1)
    for r in rates:
        factor *= (HUNDRED - r) / HUNDRED
    step = YUAN if c.project.data["pricing"]["total_rounding"] == "yuan" else FEN
    want = quantize(list_total * factor, step)
    if want != total:
        yield Breach(
            f"标价总价{yuan(list_total)}依次扣除所列优惠后应为{yuan(want)}，文件所印成交总价为{yuan(total)}",
            "deal.total",
            yuan(want),
            yuan(total),
            paths=("deal.total", "deal.list_total", "deal.discounts"),
        )


@doc_rule("amount.arithmetic")
def _plan(c: DocCase) -> Iterator[Breach]:
    p = c.printed
    rows = p.items("deal.plan")
    amounts = [p.typed(f"deal.plan[{i}].amount") for i in rows]
    total, deposit = p.typed("deal.total"), p.typed("deal.deposit")
    if rows and total is not None and None not in amounts and sum(amounts) != total:
        yield Breach(
            f"付款计划合计{yuan(sum(amounts))}不等于成交总价{yuan(total)}",
            "deal.plan",
            yuan(total),
            yuan(sum(amounts)),
            paths=("deal.plan", "deal.total"),
        )
    if rows and deposit is not None and amounts[0] is not None and amounts[0] != deposit:
        yield Breach(
            f"付款计划首行定金{yuan(amounts[0])}与约定定金{yuan(deposit)}不一致",
            "deal.plan[0]",
            yuan(deposit),
            yuan(amounts[0]),
            paths=("deal.plan[0]", "deal.deposit"),
        )
    dues = [d for d in (p.typed(f"deal.plan[{i}].due") for i in rows) if d is not None]
    if dues != sorted(dues):
        yield Breach(
            "付款计划的应付日期未按先后顺序排列",
            "deal.plan",
            "increasing dates",
            ", ".join(map(str, dues)),
            paths=("deal.plan",),
        )


def run_doc_rules(case: DocCase) -> list[Finding]:
    """Run every document rule on one document and return its findings, placed as a reader finds them."""
    return [
        doc_finding(case, b.rule or rule_id, b)
        for rule_id, fn in DOC_RULES
        if enabled(rule_id, case.policy)
        for b in fn(case)
        if enabled(b.rule or rule_id, case.policy)
    ]


def doc_finding(case: DocCase, rule_id: str, b: Breach) -> Finding:
    """Turn a breach into a finding: located by heading, table and row, with the clause id beside it."""
    paths = list(b.paths) or ([b.location] if _PATH.match(b.location) and b.location not in case.outline.at else [])
    place = case.outline.place(b.location, case.printed, paths[0] if paths else "")
    extra: dict[str, Any] = {"paths": paths} if paths else {}
    if rule_id == "clause.altered":
        extra["redline"] = redline(b.expected, b.found)
    return finding(
        rule_id,
        b.message,
        policy=case.policy,
        document=case.name,
        location=place.location,
        clause=place.clause,
        expected=str(b.expected),
        found=str(b.found),
        extra=extra,
    )
