"""The human-readable check report: findings per document, altered clauses as redlines."""

from __future__ import annotations

from html import escape

from toolkit.findings import Finding

_STYLE = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:2em;color:#222}
h1{font-size:1.4em} h2{font-size:1.1em;margin-top:1.6em;border-bottom:1px solid #ccc}
table{border-collapse:collapse;width:100%} td,th{border:1px solid #ccc;padding:4px 6px;vertical-align:top}
th{background:#f3f3f3;text-align:left} .error{color:#b00020;font-weight:bold} .warning{color:#a86b00}
del{background:#ffd6d6;color:#8a0000} ins{background:#d6ffd6;color:#005a00;text-decoration:none}
.ok{color:#1b7f1b} .redline{font-family:"Noto Serif CJK SC",serif;line-height:1.7}
"""


def render_html(documents: list[tuple], title: str = "文件检查报告") -> str:
    """Write the report: one section per document (name, type, findings, and how it was checked when known)."""
    body = "".join(_section(*doc[:3]) + _how(doc[3] if len(doc) > 3 else "") for doc in documents)
    return (
        f"<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'><title>{escape(title)}</title>"
        f"<style>{_STYLE}</style></head><body><h1>{escape(title)}</h1>{_summary(documents)}{body}</body></html>"
    )


def _summary(documents: list[tuple]) -> str:
    errors = sum(f.severity == "error" for doc in documents for f in doc[2])
    warnings = sum(f.severity == "warning" for doc in documents for f in doc[2])
    verdict = "<span class='ok'>未发现错误</span>" if not errors else f"<span class='error'>{errors} 项错误</span>"
    return f"<p>{len(documents)} 份文件：{verdict}，{warnings} 项提示。</p>"


def _section(name: str, kind: str, findings: list[Finding]) -> str:
    head = f"<h2>{escape(name)} <small>{escape(kind or '未识别')}</small></h2>"
    if not findings:
        return head + "<p class='ok'>无问题。</p>"
    rows = "".join(_row(f) for f in findings)
    return head + "<table><tr><th>规则</th><th>级别</th><th>位置</th><th>说明</th></tr>" + rows + "</table>"


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
    if f.extra.get("crop_png"):  # a scan's altered region (toolkit/scan)
        detail += f"<br><img alt='' src='data:image/png;base64,{f.extra['crop_png']}'>"
    return (
        f"<tr><td>{escape(f.rule)}</td><td class='{escape(f.severity)}'>{escape(f.severity)}</td>"
        f"<td>{escape(' '.join(p for p in (f.location, f.clause) if p))}</td><td>{detail}</td></tr>"
    )


def _redline(lines: list[list[str]]) -> str:
    tags = {"=": "{}", "-": "<del>{}</del>", "+": "<ins>{}</ins>"}
    return "".join(tags[op].format(escape(text)) for op, text in lines)
