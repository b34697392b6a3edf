"""What a reader sees besides the body: parts compared with the template's, hidden text, active content."""

from __future__ import annotations

from collections import Counter
from functools import lru_cache
from pathlib import Path

from toolkit.findings import Finding
from toolkit.pack.clauses import HARD, CompiledDocument, _walk, paragraph_segment
from toolkit.read.document import DocumentText, read_document
from toolkit.read.docx import _PART_NAMES
from toolkit.read.kept import template_parts
from toolkit.read.parse import parse
from toolkit.rules import finding


def seen_findings(doc: DocumentText, template: Path | None, script: str, name: str, policy=None) -> list[Finding]:
    """Report hidden text, active content and parts (headers, footers, notes, text boxes) unlike the template."""
    out = [
        finding(
            "doc.hidden",
            f"{where}：阅读者看不到的文字（{how}）：{text[:60]}",
            policy=policy,
            document=name,
            location=where,
            expected="",
            found=text,
        )
        for where, how, text in doc.hidden
    ]
    out += [
        finding("doc.active", f"文件含有{what}：{where}", policy=policy, document=name, location=where, found=what)
        for what, where in doc.active
    ]
    if template is not None and doc.kind == "docx":
        out += part_findings(doc, template, script, name, policy) + shape_findings(doc, template, name, policy)
    elif template is not None:
        out += running_header_findings(doc, template, script, name, policy)
    return out


def shape_findings(doc: DocumentText, template: Path, name: str, policy=None) -> list[Finding]:
    """Report the drawings the template does not have: over or under text doc.hidden, beside it clause.altered."""
    left = Counter((s.what, s.sits) for s in _template_shapes(str(template)))
    out = []
    for s in doc.shapes:
        if left[(s.what, s.sits)] > 0:
            left[(s.what, s.sits)] -= 1
            continue
        words = f"，其中文字：{s.text[:60]}" if s.text else ""
        if s.may_hide:
            message = f"{s.where}：{s.sits}的{s.what}可能遮盖正文，阅读者看不到其下的文字{words}"
            out.append(finding("doc.hidden", message, policy=policy, document=name, location=s.where, found=s.text))
        else:
            message = f"{s.where}：插入了模板中没有的{s.what}（{s.sits}）{words}"
            out.append(finding("clause.altered", message, policy=policy, document=name, location=s.where, found=s.text))
    return out


@lru_cache(maxsize=32)
def _template_shapes(template: str) -> tuple:
    return tuple(read_document(Path(template)).shapes)


def running_header_findings(doc: DocumentText, template: Path, script: str, name: str, policy=None) -> list[Finding]:
    """Compare each PDF page's running header (the line the reader set apart) with the template's header."""
    want = _template_parts(str(template), script).get("header", ())
    compiled = CompiledDocument("header", list(want), [], ())
    out = []
    for page, line in enumerate(doc.header, start=1):
        for d in parse(line, compiled).deviations if line else ():
            where = f"第{page}页 页眉"
            out.append(
                finding(
                    "clause.altered",
                    f"{where}：文字与模板不一致：{d.found or '（缺失）'}",
                    policy=policy,
                    document=name,
                    location=where,
                    expected=d.expected,
                    found=d.found,
                    extra={"part": "header", "page": page},
                )
            )
    return out


def part_findings(doc: DocumentText, template: Path, script: str, name: str, policy=None) -> list[Finding]:
    """Compare each part outside the body with the same part of the template, like the body."""
    want = _template_parts(str(template), script)
    out = []
    for kind in sorted(set(doc.parts) | set(want)):
        label = _PART_NAMES.get(kind, kind)
        compiled = CompiledDocument(kind, list(want.get(kind, ())), [], ())
        parsed = parse(HARD.join(doc.parts.get(kind, [])), compiled)
        for d in parsed.deviations:
            message = f"{label}：文字与模板不一致：{d.found or '（缺失）'}"
            out.append(
                finding(
                    "clause.altered",
                    message,
                    policy=policy,
                    document=name,
                    location=label,
                    expected=d.expected,
                    found=d.found,
                    extra={"part": kind},
                )
            )
    return out


@lru_cache(maxsize=32)
def _template_parts(template: str, script: str) -> dict[str, tuple]:
    parts = template_parts(Path(template))  # kept in the cache (read/kept.py)
    return {
        kind: tuple(s for s in (paragraph_segment(t, _PART_NAMES.get(kind, kind), script) for t in texts) if s)
        for kind, texts in parts.items()
    }


def printed_findings(
    path: Path, doc: DocumentText, compiled: CompiledDocument | None, policy=None
) -> tuple[list[Finding], str]:
    """Compare a PDF's pages with the PDF as printed (beside it or in LOUPAN_PRINTED); say how it was compared."""
    if doc.kind != "pdf":
        return [], ""
    from toolkit.read.printed import Comparison, compare, find_printed  # renders pages: for PDFs only

    props = doc.properties
    printed = find_printed(props.get("document_id", ""), [path.parent], path, props.get("script", ""))
    if printed is None:
        return [], Comparison(None).how()
    result = compare(path.read_bytes(), printed)
    segments = list(_walk(compiled.nodes)) if compiled is not None else []
    return [_drawn_otherwise(path.name, d, segments, policy) for d in result.differences], result.how()


def _drawn_otherwise(name: str, d, segments: list, policy) -> Finding:
    from toolkit.scan.where import clause_of, page_place  # the clause whose fixed wording a line of print holds

    clause = clause_of(d.near, segments) if d.near else ""
    where = page_place(d.page, clause, segments)
    printed = f"打印件此处印有“{d.printed}”" if d.printed else "打印件此处空白"
    stored = f"，文件存储的文字为“{d.stored}”" if d.stored else ""
    return finding(
        "clause.altered",
        f"{name}：{where}：页面显示的与打印件不同（{printed}{stored}，显示的却是别的字形或内容）",
        policy=policy,
        document=name,
        location=f"第{d.page}页",
        clause=clause,
        expected=d.printed,
        found=d.stored,
        extra={"page": d.page, "box": [round(v, 1) for v in d.box], "seen": "page image"},
    )
