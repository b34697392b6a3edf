"""The human-readable check report: findings per document, altered clauses as redlines."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from html import escape

from toolkit.findings import Finding

_STYLE = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:2em;color:#222}
h1{font-size:1.4em} h2{font-size:1.1em;margin-top:1.6em;border-bottom:1px solid #ccc}
table{border-collapse:collapse;width:100%} td,th{border:1px solid #ccc;padding:4px 6px;vertical-align:top}
th{background:#f3f3f3;text-align:left} .error{color:#b00020;font-weight:bold} .warning{color:#a86b00}
del{background:#ffd6d6;color:#8a0000} ins{background:#d6ffd6;color:#005a00;text-decoration:none}
.ok{color:#1b7f1b} .redline{font-family:"Noto Serif CJK SC",serif;line-height:1.7}
.rule{color:#777;font-size:.8em} .rule-text{color:#555;font-size:.9em;margin-top:.4em} .notes{color:#444}
td.where{min-width:4.5em} td.error,td.warning{white-space:nowrap} img.crop{border:1px solid #999;margin-top:.4em;width:auto;height:auto;zoom:1.6}
"""
SEVERITY = {"error": "错误", "warning": "提示"}
_PAGE = re.compile(r"^第(\d+)页：(.+)$")


def render_html(
    documents: list[tuple],
    title: str = "文件检查报告",
    notes: Sequence[str] = (),
    read: dict[str, list] | None = None,
    titles: Mapping[str, str] | None = None,
) -> str:
    """Write the report: what was done (notes), then per document its name, type, findings, how it was checked
    when known, and a scan's values as read.

    `documents` are (file name, document id, findings[, how checked]); `titles` names each document id as its
    pack does (商品房认购书): a document id without a title is shown as it is.
    """
    read, titles = read or {}, titles or {}
    body = "".join(
        _section(doc[0], titles.get(doc[1], doc[1]), doc[2])
        + _how(doc[3] if len(doc) > 3 else "")
        + _read(read.get(doc[0]))
        for doc in documents
    )
    said = "".join(f"<li>{escape(n)}</li>" for n in notes if n)
    said = f"<ul class='notes'>{said}</ul>" if said else ""
    return (
        f"<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'><title>{escape(title)}</title>"
        f"<style>{_STYLE}</style></head><body><h1>{escape(title)}</h1>{_summary(documents)}{said}{body}</body></html>"
    )


def checked_notes(checked: str) -> list[str]:
    """Turn how a document was checked ("第1页：…；第2页：…；签约审定：…") into report lines, like pages together."""
    lines: list[str] = []
    run: list[tuple[int, str]] = []
    for part in (p for p in checked.split("；") if p):
        page = _PAGE.match(part)
        if page and run and run[-1][1] == page[2] and run[-1][0] + len(run) - 1 == int(page[1]) - 1:
            run.append((run[-1][0], page[2]))
            continue
        lines += _pages_line(run)
        run = [(int(page[1]), page[2])] if page else []
        if not page:
            lines.append(part)
    return [*lines, *_pages_line(run)]


def _pages_line(run: list[tuple[int, str]]) -> list[str]:
    if not run:
        return []
    first, how = run[0]
    pages = f"第{first}页" if len(run) == 1 else f"第{first}–{first + len(run) - 1}页"
    return [f"检查方式（{pages}）：{how}"]


def _summary(documents: list[tuple]) -> str:
    errors = sum(f.severity == "error" for doc in documents for f in doc[2])
    warnings = sum(f.severity == "warning" for doc in documents for f in doc[2])
    verdict = "<span class='ok'>未发现错误</span>" if not errors else f"<span class='error'>{errors} 项错误</span>"
    return f"<p>{len(documents)} 份文件：{verdict}，{warnings} 项提示。</p>"


def _section(name: str, title: str, findings: list[Finding]) -> str:
    head = f"<h2>{escape(name)} <small>{escape(title or '未识别')}</small></h2>"
    if not findings:
        return head + "<p class='ok'>无问题。</p>"
    rows = "".join(_row(f) for f in findings)
    return head + "<table><tr><th>问题</th><th>级别</th><th>位置</th><th>说明</th></tr>" + rows + "</table>"


def _how(how: str) -> str:
    """List how the document was checked: a scan's pages one by one (二维码+图像比对, 文字识别+文本比对, 未核对)."""
    if not how:
        return ""
    items = "".join(f"<li>{escape(part)}</li>" for part in how.split("；") if part)
    return f"<p>核对方式：</p><ul class='how'>{items}</ul>"


def _row(f: Finding) -> str:
    detail = _redline(f.extra["redline"]) if f.extra.get("redline") else escape(f.message)
    if f.extra.get("redline"):
        detail = escape(f.message.split("：")[0]) + "<div class='redline'>" + detail + "</div>"
    if f.extra.get("crop_png"):  # a scan's altered region (toolkit/scan), enlarged: a person reads it at a glance
        detail += f"<br><img class='crop' alt='扫描件局部' src='data:image/png;base64,{f.extra['crop_png']}'>"
    title, text = _declared(f.rule)
    if text:  # what the rule asks for says what to do about it
        detail += f"<div class='rule-text'>规定：{escape(text)}</div>"
    severity = SEVERITY.get(f.severity, f.severity)
    return (
        f"<tr><td>{escape(title)}<br><span class='rule'>{escape(f.rule)}</span></td>"
        f"<td class='{escape(f.severity)}'>{escape(severity)}</td>"
        f"<td class='where'>{_where(f)}</td><td>{detail}</td></tr>"
    )


def _where(f: Finding) -> str:
    """Say where a finding is as a reader finds it; the clause id, for whoever looks it up, small beneath."""
    clause = f"<br><span class='rule'>{escape(f.clause)}</span>" if f.clause else ""
    return escape(f.location) + clause if f.location else clause


def text_line(f: Finding) -> str:
    """Write a finding on one line for the terminal as the report says it: 错误：title（rule id）[place]：message."""
    follows = f.extra.get("follows") or []
    titles = sorted({_declared(g["rule"])[0] for g in follows})  # the findings that follow, by their titles
    more = f"（由此引起{len(follows)}项：{'、'.join(titles)}）" if follows else ""
    where = f"[{f.location}]" if f.location else ""
    return f"{SEVERITY.get(f.severity, f.severity)}：{_declared(f.rule)[0]}（{f.rule}）{where}：{f.message}{more}"


def _declared(rule_id: str) -> tuple[str, str]:
    """Return a rule's title and text as the toolkit declares them (a rule unknown here: its id alone)."""
    from toolkit.rules import registry

    spec = registry().get(rule_id)
    return (spec.title, spec.text) if spec is not None else (rule_id, "")


_HOW = {
    "same": "与打印件一致",
    "ocr_differs": "识别不一致，该处无改动痕迹，按打印件",
    "handwritten": "手写改动，按手写值检查",
}


def _read(rows: list[dict] | None) -> str:
    """List the values read from a scan, page by page (personal numbers already masked)."""
    if not rows:
        return ""
    head = "<tr><th>页</th><th>位置</th><th>打印</th><th>识别</th><th>检查所用</th><th>说明</th></tr>"
    cells = (
        (
            r["page"],
            f"{r.get('where') or r['path']} {r.get('option', '')}".strip(),
            r["printed"],
            r["read"],
            r["taken"],
            _HOW.get(r["how"], r["how"]),
        )
        for r in rows
    )
    body = "".join("<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in row) + "</tr>" for row in cells)
    return f"<h3>扫描件识别的数值</h3><table>{head}{body}</table>"


def _redline(lines: list[list[str]]) -> str:
    tags = {"=": "{}", "-": "<del>{}</del>", "+": "<ins>{}</ins>"}
    return "".join(tags[op].format(escape(text)) for op, text in lines)
