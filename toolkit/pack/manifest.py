"""The pack model: a versioned folder of templates, a schema, clause ids and shared terms.

Loading reads the manifest and the schema only: a document's template is compiled on first use, and its
clause ids are the bookmarks of the template built from its source (declared once, in `src/`).
"""

from __future__ import annotations

import hashlib
import re
import zipfile
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from lxml import etree

from toolkit import yamlio
from toolkit.errors import PackError
from toolkit.pack.clauses import W, compile_template

CLAUSE_ID = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
VERSION = re.compile(r"^\d+\.\d+\.\d+$")
PER_KINDS = ("deal", "project", "change", "notice")  # notice: a letter from a ledger record (notices, cases)
SCHEMA_PARTS = ("project", "unit", "deal")


@dataclass(frozen=True)
class DocumentSpec:
    """One document of a pack: its template, what it is rendered for and its clause ids."""

    id: str
    title: str
    template: Path
    source: Path | None
    per: str

    @cached_property
    def clauses(self) -> tuple[str, ...]:
        """Return the clause ids of the template, in document order (its bookmarks, from the source's marks)."""
        return template_clause_ids(self.template)


@dataclass(frozen=True)
class SharedTerm:
    """A term that must read the same in every document of a deal."""

    id: str
    label: str
    path: str


@dataclass(frozen=True)
class Pack:
    """A loaded template pack."""

    name: str
    version: str
    title: str
    root: Path
    documents: dict[str, DocumentSpec]
    shared_terms: tuple[SharedTerm, ...]
    schema: dict[str, Any]
    qa: tuple[dict[str, str], ...] = field(default=())
    compiled: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def document(self, doc_id: str) -> DocumentSpec:
        """Return one document's spec, or raise naming the documents there are."""
        if doc_id not in self.documents:
            known = ", ".join(self.documents)
            raise PackError(
                path=self.root / "pack.yaml", field="documents", expected=f"以下之一：{known}", found=doc_id
            )
        return self.documents[doc_id]

    def compiled_for(self, doc_id: str, script: str = "hans") -> Any:
        """Return a document's clause registry in a script (traditional is compiled on first use)."""
        key = doc_id if script == "hans" else f"{doc_id}@{script}"
        if key not in self.compiled:
            self.compiled[key] = compile_template(self.document(doc_id).template, doc_id, script)
        return self.compiled[key]

    def release(self, version: str) -> Pack | None:
        """Return an earlier released version of this pack (PACK/releases/VERSION), or None."""
        key = f"@release:{version}"
        if key not in self.compiled:
            folder = self.root / "releases" / version
            self.compiled[key] = load_pack(folder) if (folder / "pack.yaml").is_file() else None
        return self.compiled[key]

    def titles(self) -> dict[str, str]:
        """Return each document's title by its id (subscription: 商品房认购书), as the reports name them."""
        return {d.id: d.title for d in self.documents.values()}

    def docs_per(self, per: str) -> list[str]:
        """List the documents rendered once per deal, or once per project."""
        return [d.id for d in self.documents.values() if d.per == per]


def load_pack(root: Path) -> Pack:
    """Load and check a pack folder; raise PackError naming the file and key on any fault."""
    root = Path(root)
    manifest_path = root / "pack.yaml"
    data = _read_yaml(manifest_path)
    base = _base(root, manifest_path, data)
    for key in ("name", "version", "documents", "schema"):
        if key not in data:
            raise PackError(path=manifest_path, field=key, expected="填写一个值")
    if not VERSION.match(str(data["version"])):
        raise PackError(path=manifest_path, field="version", expected="形如 1.2.0 的版本号", found=str(data["version"]))
    docs = {doc_id: _document(root, doc_id, spec) for doc_id, spec in data["documents"].items()}
    return Pack(
        name=str(data["name"]),
        version=str(data["version"]),
        title=str(data.get("title", data["name"])),
        root=root,
        documents=docs,
        shared_terms=_shared_terms(manifest_path, data["shared_terms"])
        if "shared_terms" in data
        else (base.shared_terms if base else ()),
        schema=_schema(root / data["schema"], base),
        qa=_qa(root, data.get("qa")) or (base.qa if base else ()),
    )


def _read_yaml(path: Path) -> Any:
    return yamlio.read_file(path, PackError)


def _document(root: Path, doc_id: str, spec: dict[str, Any]) -> DocumentSpec:
    where = root / "pack.yaml"
    template = root / spec.get("template", "")
    if not template.is_file():
        raise PackError(
            path=where, field=f"documents.{doc_id}.template", expected="已有的DOCX文件", found=str(template)
        )
    if spec.get("per") not in PER_KINDS:
        raise PackError(
            path=where,
            field=f"documents.{doc_id}.per",
            expected=f"{'、'.join(PER_KINDS)} 之一",
            found=str(spec.get("per")),
        )
    if "clauses" in spec:
        raise PackError(
            path=where,
            field=f"documents.{doc_id}.clauses",
            expected="此处不列条款：条款编号是源文件（src/）中的 [id] 标记，从生成的模板书签中读取",
            found="clauses 列表",
        )
    source = root / spec["source"] if spec.get("source") else None
    return DocumentSpec(doc_id, str(spec.get("title", doc_id)), template, source, spec["per"])


def template_clause_ids(path: Path) -> tuple[str, ...]:
    """Return a DOCX's clause ids: its bookmark names (Word's own start with '_'), once each, in order."""
    with zipfile.ZipFile(path) as z:
        root = etree.fromstring(z.read("word/document.xml"))
    names = (b.get(f"{W}name", "_") for b in root.iter(f"{W}bookmarkStart"))
    return tuple(dict.fromkeys(n for n in names if not n.startswith("_")))


def _shared_terms(where: Path, items: list[dict[str, str]]) -> tuple[SharedTerm, ...]:
    try:
        return tuple(SharedTerm(str(i["id"]), str(i["label"]), str(i["path"])) for i in items)
    except (KeyError, TypeError):
        raise PackError(path=where, field="shared_terms", expected="每项都有 id、label 和 path 的列表") from None


def _base(root: Path, manifest: Path, data: dict[str, Any]) -> Pack | None:
    """Load the pack this one extends: it inherits the schema parts, shared terms and Q&A it does not set."""
    if not data.get("extends"):
        return None
    base = (root / str(data["extends"])).resolve()
    if base == root.resolve() or not (base / "pack.yaml").is_file():
        raise PackError(path=manifest, field="extends", expected="另一个模板包的文件夹", found=str(base))
    return load_pack(base)


def _schema(path: Path, base: Pack | None = None) -> dict[str, Any]:
    schema = {**(base.schema if base else {}), **(_read_yaml(path) or {})}
    for part in SCHEMA_PARTS:
        if not isinstance(schema, dict) or not isinstance(schema.get(part), dict):
            raise PackError(path=path, field=part, expected="字段规则映射（cerberus 格式）")
    return schema


def _qa(root: Path, name: str | None) -> tuple[dict[str, str], ...]:
    if not name:
        return ()
    items = _read_yaml(root / name)
    if not isinstance(items, list) or not all(isinstance(i, dict) and "q" in i and "a" in i for i in items):
        raise PackError(path=root / name, expected="每项都有 q 和 a 的列表")
    return tuple({"topic": str(i.get("topic", "")), "q": str(i["q"]), "a": str(i["a"])} for i in items)


def file_sha256(path: Path) -> str:
    """Hash a file's bytes."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()
