"""`loupan pack diff`: which clauses changed between two packs (or two versions of one), with redlines."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from pathlib import Path

from docx import Document
from docx.enum.text import WD_COLOR_INDEX
from docx.shared import Pt

from toolkit.authoring.clause_text import clause_texts
from toolkit.pack.manifest import Pack, load_pack
from toolkit.textdiff import redline


@dataclass(frozen=True)
class ClauseChange:
    """One clause that differs between two packs."""

    document: str
    clause: str
    kind: str  # changed | added | removed
    old: str
    new: str

    @property
    def kind_name(self) -> str:
        """Return the kind as legal reads it (修改, 新增, 删除)."""
        return {"changed": "修改", "added": "新增", "removed": "删除"}[self.kind]

    @property
    def redline(self) -> list[list[str]]:
        """Return the character-level redline of the wording."""
        return redline(self.old, self.new)


def resolve(spec: str) -> Path:
    """Turn `PACK` or `PACK@VERSION` into a pack folder (a version lives in PACK/releases/VERSION)."""
    folder, _, version = str(spec).partition("@")
    path = Path(folder)
    return path / "releases" / version if version else path


def diff_packs(old_dir: Path, new_dir: Path) -> tuple[Pack, Pack, list[ClauseChange]]:
    """Compare the clause wording of every document the two packs share (and those only one has)."""
    old, new = load_pack(old_dir), load_pack(new_dir)
    changes: list[ClauseChange] = []
    for doc_id in dict.fromkeys([*old.documents, *new.documents]):
        a = clause_texts(old.documents[doc_id].template) if doc_id in old.documents else {}
        b = clause_texts(new.documents[doc_id].template) if doc_id in new.documents else {}
        changes += _compare(doc_id, a, b)
    return old, new, changes


def _compare(doc_id: str, a: dict[str, str], b: dict[str, str]) -> list[ClauseChange]:
    out = []
    for clause in dict.fromkeys([*a, *b]):
        if clause not in b:
            out.append(ClauseChange(doc_id, clause, "removed", a[clause], ""))
        elif clause not in a:
            out.append(ClauseChange(doc_id, clause, "added", "", b[clause]))
        elif a[clause] != b[clause]:
            out.append(ClauseChange(doc_id, clause, "changed", a[clause], b[clause]))
    return out


def html_report(old: Pack, new: Pack, changes: list[ClauseChange]) -> str:
    """Write the diff as a page a lawyer reads."""
    head = f"{escape(old.name)} {escape(old.version)} → {escape(new.name)} {escape(new.version)}"
    rows = "".join(
        f"<tr><td>{escape(c.document)}</td><td>{escape(c.clause)}</td><td>{c.kind_name}</td>"
        f"<td class='r'>{_html_redline(c.redline)}</td></tr>"
        for c in changes
    )
    body = (
        f"<table><tr><th>文件</th><th>条款</th><th>变化</th><th>文字</th></tr>{rows}</table>"
        if changes
        else "<p>两个版本的条款文字完全相同。</p>"
    )
    return (
        "<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'><title>条款对比</title><style>"
        "body{font-family:'Noto Sans CJK SC',sans-serif;margin:2em}table{border-collapse:collapse;width:100%}"
        "td,th{border:1px solid #ccc;padding:4px;vertical-align:top}del{background:#ffd6d6}"
        "ins{background:#d6ffd6;text-decoration:none}.r{font-family:'Noto Serif CJK SC',serif;line-height:1.7}"
        f"</style></head><body><h1>条款对比：{head}</h1><p>{len(changes)} 处变化。</p>{body}</body></html>"
    )


def _html_redline(lines: list[list[str]]) -> str:
    tags = {"=": "{}", "-": "<del>{}</del>", "+": "<ins>{}</ins>"}
    return "".join(tags[op].format(escape(text)) for op, text in lines)


def docx_report(old: Pack, new: Pack, changes: list[ClauseChange], target: Path) -> None:
    """Write the diff as a Word document: removed text struck through in red, added text underlined green."""
    doc = Document()
    doc.add_heading(f"条款对比：{old.name} {old.version} → {new.name} {new.version}", level=1)
    doc.add_paragraph(f"{len(changes)} 处变化。" if changes else "两个版本的条款文字完全相同。")
    for c in changes:
        doc.add_paragraph(f"{c.document} · {c.clause} · {c.kind_name}").runs[0].bold = True
        p = doc.add_paragraph()
        for op, text in c.redline:
            run = p.add_run(text)
            run.font.size = Pt(10.5)
            if op == "-":
                run.font.strike = True
                run.font.highlight_color = WD_COLOR_INDEX.PINK
            elif op == "+":
                run.font.underline = True
                run.font.highlight_color = WD_COLOR_INDEX.BRIGHT_GREEN
    doc.save(str(target))
