"""What a reader sees besides the body: parts compared with the template's, hidden text, active content."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from toolkit.findings import Finding
from toolkit.pack.clauses import HARD, CompiledDocument, paragraph_segment
from toolkit.read.document import DocumentText
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
        out += part_findings(doc, template, script, name, policy)
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
