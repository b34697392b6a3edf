"""`loupan pack lint`: what Word does to a template (split tags, curly quotes, tracked changes) and what a
pack can get wrong (syntax, undeclared or unused variables, clause ids, wording that cannot be read back).
Each finding names the file, the paragraph and shows its text.
"""

from __future__ import annotations

import re
import zipfile
from collections import Counter
from pathlib import Path

import jinja2
from docxtpl import DocxTemplate
from lxml import etree

from toolkit import yamlio
from toolkit.authoring.source import clause_ids, parse_source
from toolkit.authoring.versions import pack_release_problems
from toolkit.authoring.wording import lint_wording
from toolkit.errors import PackError
from toolkit.findings import Finding
from toolkit.pack.clauses import Cond, Loop, Segment, W, compile_template
from toolkit.pack.manifest import load_pack, template_clause_ids
from toolkit.read.document import read_docx
from toolkit.render import jinja_words
from toolkit.render.docx import make_environment
from toolkit.rules import finding

_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}")
_STRUCTURAL = re.compile(r"\{%(p|tr|tc|r)(\S)")
_CURLY = "“”‘’„″′"
_IDENT = re.compile(r"\b([A-Za-z_][\w]*(?:\.[A-Za-z_]\w*)*)")
_KEYWORDS = {
    "if",
    "elif",
    "else",
    "endif",
    "for",
    "endfor",
    "in",
    "not",
    "and",
    "or",
    "is",
    "p",
    "tr",
    "tc",
    "r",
    "true",
    "false",
    "none",
    "True",
    "False",
    "None",
}
PARTS = re.compile(r"word/(document|header\d*|footer\d*|footnotes)\.xml$")


def lint_pack(pack_dir: Path) -> list[Finding]:
    """Lint every template of a pack, each on its own, then the pack as a whole."""
    pack_dir = Path(pack_dir)
    try:
        documents = yamlio.read_file(pack_dir / "pack.yaml", PackError)["documents"]
        declared = _declared(pack_dir)
    except (PackError, KeyError, TypeError) as exc:
        return [finding("lint.pack", str(exc), document=str(pack_dir / "pack.yaml"))]
    findings = _manifest(pack_dir)
    used: dict[str, set[str]] = {"deal": set(), "project": set()}
    for doc_id, spec in documents.items():
        template = pack_dir / str(spec.get("template", ""))
        if not template.is_file():
            continue  # the manifest finding names it
        findings += lint_template(template, _source_clause_ids(pack_dir, spec, template))
        paths = _used_paths(template, doc_id)
        used.setdefault(spec.get("per", "deal"), set()).update(paths)
        findings += _undeclared(template, paths, declared.get(spec.get("per", "deal")))
    return findings + _unused(pack_dir, declared, used) + _released(pack_dir) + lint_wording(pack_dir)


def _manifest(pack_dir: Path) -> list[Finding]:
    """Report what makes the pack fail to load, unless it is a template's own fault (reported per template)."""
    try:
        load_pack(pack_dir)
    except PackError as exc:
        if exc.path.suffix != ".docx":
            return [finding("lint.pack", str(exc), document=exc.path.name, location=exc.field or "")]
    return []


def lint_template(path: Path, clauses: tuple[str, ...]) -> list[Finding]:
    """Lint one DOCX template against the clause ids the manifest gives it."""
    findings = _markup(path)
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist() if PARTS.match(n)}
    for name, xml in parts.items():
        findings += _paragraphs(path, name, xml)
        findings += _syntax(path, name, xml.decode("utf-8"))
    findings += _clause_ids(path, parts.get("word/document.xml", b""), clauses)
    findings += _reversible(path)
    return findings


def _finding(rule: str, path: Path, where: str, message: str, text: str = "") -> Finding:
    return finding(rule, message, document=path.name, location=where, found=text[:120])


_MARKUP_NAMES = {
    "tracked insertion": "修订（插入）",
    "tracked deletion": "修订（删除）",
    "tracked move": "修订（移动）",
    "content control": "内容控件",
    "comment": "批注",
    "hidden text": "隐藏文字",
}


def _markup(path: Path) -> list[Finding]:
    doc = read_docx(path, path.read_bytes())
    return [
        _finding("lint.markup", path, tag, f"模板中留有{_MARKUP_NAMES.get(label, label)}：请在Word中接受或删除", text)
        for label, tag, text in doc.markup
    ]


def _paragraphs(path: Path, part: str, xml: bytes) -> list[Finding]:
    out = []
    root = etree.fromstring(xml)
    for n, p in enumerate(root.iter(f"{W}p"), start=1):
        runs = [t.text or "" for t in p.iter(f"{W}t")]
        text = "".join(runs)
        if "{" not in text:
            continue
        where = f"{part} 第{n}段"
        out += _tag_rules(path, where, text) + _split(path, where, runs, text)
    return out


def _tag_rules(path: Path, where: str, text: str) -> list[Finding]:
    out = []
    for tag in _TAG.findall(text):
        if any(q in tag for q in _CURLY):
            out.append(
                _finding(
                    "lint.curly_quote",
                    path,
                    where,
                    "标签中有弯引号（Word自动更正所致）：请改用直引号",
                    text,
                )
            )
    for m in _STRUCTURAL.finditer(text):
        if m.group(2) not in " \t":
            out.append(_finding("lint.tag", path, where, f"{{%{m.group(1)} 之后缺少空格", text))
    stripped = text.strip()
    if re.search(r"\{%(p|tr|tc)\s", stripped) and not re.fullmatch(r"\{%(p|tr|tc)\s.*?%\}", stripped):
        out.append(_finding("lint.tag", path, where, "{%p %}/{%tr %}/{%tc %} 标签必须单独成段", text))
    return out


def _split(path: Path, where: str, runs: list[str], text: str) -> list[Finding]:
    """A tag whose characters sit in more than one run: Word split it (spell check, an edit, formatting)."""
    bounds, pos = [], 0
    for r in runs:
        bounds.append((pos, pos + len(r)))
        pos += len(r)
    out = []
    for m in _TAG.finditer(text):
        if not any(a <= m.start() and m.end() <= b for a, b in bounds):
            out.append(
                _finding(
                    "lint.split_tag",
                    path,
                    where,
                    f"标签 {m.group(0)[:40]} 被拆分在多个文字段中：请一次重新输入，或清除其格式",
                    text,
                )
            )
    return out


def _syntax(path: Path, part: str, xml: str) -> list[Finding]:
    patched = DocxTemplate(None).patch_xml(xml)
    try:
        make_environment().parse(patched)
    except jinja2.TemplateSyntaxError as exc:
        line = patched.splitlines()[exc.lineno - 1] if exc.lineno else ""
        context = re.sub(r"<[^>]+>", "", line)[:120]
        return [
            _finding(
                "lint.syntax",
                path,
                part,
                f"模板语法错误（Jinja）：{jinja_words.in_chinese(exc.message or '')}",
                context,
            )
        ]
    return []


def _clause_ids(path: Path, xml: bytes, declared: tuple[str, ...]) -> list[Finding]:
    if not xml:
        return []
    root = etree.fromstring(xml)
    marks = [b.get(f"{W}name") for b in root.iter(f"{W}bookmarkStart") if not b.get(f"{W}name", "_").startswith("_")]
    out = [
        _finding("lint.clause_duplicate", path, name, f"条款编号 {name} 使用了{n}次")
        for name, n in Counter(marks).items()
        if n > 1
    ]
    out += [
        _finding(
            "lint.clause_missing",
            path,
            c,
            f"条款 {c} 在源文件中有、模板中没有：请运行 `loupan pack build`",
        )
        for c in declared
        if c not in marks
    ]
    out += [
        _finding("lint.clause_unknown", path, m, f"条款编号 {m} 在模板中有、源文件中没有")
        for m in dict.fromkeys(marks)
        if m not in declared
    ]
    return out


def _reversible(path: Path) -> list[Finding]:
    try:
        compile_template(path, path.stem)
    except PackError as exc:
        return [
            _finding("lint.irreversible", path, exc.field or "", f"无法从签署件读回：应为{exc.expected}", exc.found)
        ]
    return []


def _declared(pack_dir: Path) -> dict[str, set[str]]:
    path = pack_dir / "context.yaml"
    if not path.is_file():
        return {}
    data = yamlio.read_file(path, PackError) or {}
    return {kind: set(paths or []) for kind, paths in data.items()}


def _used_paths(path: Path, doc_id: str) -> set[str]:
    """Return the context paths a template reads (loop items as `name[]`), from its compiled form and tags."""
    try:
        compiled = compile_template(path, doc_id)
    except PackError:
        return set()
    used: set[str] = set()
    _walk(compiled.nodes + compiled.header, {}, used)
    with zipfile.ZipFile(path) as z:
        xml = z.read("word/document.xml").decode("utf-8")
        others = [z.read(n).decode("utf-8") for n in z.namelist() if PARTS.match(n) and "document" not in n]
    for other in others:  # footers and footnotes are not read back, but their variables count
        used |= set(re.findall(r"\{\{\s*([A-Za-z_][\w.]*)", re.sub(r"<[^>]+>", "", other)))
    for cond in re.findall(r"\{%-?\s*(?:p|tr)?\s*(?:if|elif)\s(.*?)%\}", re.sub(r"<[^>]+>", "", xml)):
        used |= {i for i in _IDENT.findall(re.sub(r"'[^']*'|\"[^\"]*\"", "", cond)) if i not in _KEYWORDS}
    return used


def _walk(nodes: list, loops: dict[str, str], used: set[str]) -> None:
    for node in nodes:
        if isinstance(node, Segment):
            used |= {_resolve(t.path, loops) for t in node.tokens if t.is_var}
        elif isinstance(node, Loop):
            iterable = _resolve(node.iterable, loops)
            _walk(node.body, {**loops, node.var: iterable + "[]"}, used)
        elif isinstance(node, Cond):
            for branch in node.branches:
                _walk(branch, loops, used)


def _resolve(path: str, loops: dict[str, str]) -> str:
    head, _, tail = path.partition(".")
    return (loops[head] + ("." + tail if tail else "")) if head in loops else path


def _undeclared(path: Path, used: set[str], declared: set[str] | None) -> list[Finding]:
    if declared is None:
        return []
    prefixes = {d.rsplit(".", 1)[0] for d in declared} | {d.split("[]")[0] for d in declared}
    return [
        _finding("lint.undeclared", path, p, f"{p} 被模板使用，但未在 context.yaml 中声明")
        for p in sorted(used)
        if p not in declared and p not in prefixes
    ]


_PER = {"deal": "交易", "project": "项目"}


def _unused(pack_dir: Path, declared: dict[str, set[str]], used: dict[str, set[str]]) -> list[Finding]:
    where = pack_dir / "context.yaml"
    return [
        finding(
            "lint.unused",
            f"{p} 已为{_PER.get(kind, kind)}文件声明，但没有模板使用",
            document=where.name,
            location=p,
        )
        for kind, paths in declared.items()
        for p in sorted(paths - used.get(kind, set()))
    ]


def _source_clause_ids(pack_dir: Path, spec: dict, template: Path) -> tuple[str, ...]:
    """Return the clause ids a template must carry: its source's marks (a template without source: its own)."""
    if not spec.get("source"):
        return template_clause_ids(template)
    try:
        return tuple(clause_ids(parse_source(pack_dir / str(spec["source"]))))
    except (PackError, OSError):
        return template_clause_ids(template)


def _released(pack_dir: Path) -> list[Finding]:
    """Changed wording at a version already released (releases/VERSION/) would make signed documents fail."""
    try:
        problems = pack_release_problems(pack_dir)
    except PackError:
        return []  # a broken manifest or source is reported by the other checks
    return [
        finding("lint.released", f"应为{expected}", document="pack.yaml", location="version", found=found)
        for expected, found in problems
    ]
