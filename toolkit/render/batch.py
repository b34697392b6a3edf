"""Render a pack's documents for deals and projects: compiled templates, provenance, sidecars, PDFs."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

from toolkit.pack.manifest import DocumentSpec, Pack, file_sha256
from toolkit.render import pdf as pdf_mod
from toolkit.render.docx import CompiledTemplate, make_environment
from toolkit.render.filters import FILTERS
from toolkit.render.provenance import input_sha256, json_default, pdf_metadata, recorded_terms
from toolkit.script import convert


@dataclass
class RenderedDoc:
    """One document written: its DOCX, its PDF when asked for, and its provenance."""

    document: str
    docx: Path
    properties: dict[str, str]
    title: str
    pdf: Path | None = None


@dataclass
class Renderer:
    """Renders a pack's documents; each template is compiled once and reused for every deal."""

    pack: Pack
    _compiled: dict[str, CompiledTemplate] = field(default_factory=dict)
    _hashes: dict[str, str] = field(default_factory=dict)

    def template(self, spec: DocumentSpec, script: str = "hans") -> CompiledTemplate:
        """Return the compiled template of a document in a script, compiling it on first use."""
        key = f"{spec.id}@{script}"
        if key not in self._compiled:
            self.pack.compiled_for(spec.id, script)  # refuses wording that could not be read back, before rendering
            self._compiled[key] = CompiledTemplate(spec.template, make_environment(script), script)
            self._hashes[spec.id] = file_sha256(spec.template)
        return self._compiled[key]

    def render(
        self, doc_id: str, number: str, context: dict[str, Any], out_dir: Path, script: str = "hans"
    ) -> RenderedDoc:
        """Render one document into out_dir as `<number>-<doc_id>.docx` (`-hant` in traditional script)."""
        spec = self.pack.document(doc_id)
        compiled = self.template(spec, script)
        props = self._properties(spec, number, context)
        props["script"] = script
        context = {
            **context,
            "doc": {
                "title": convert(spec.title, script),
                "number": number,
                "pack": self.pack.name,
                "version": self.pack.version,
            },
        }
        target = out_dir / f"{number}-{doc_id}{'' if script == 'hans' else '-' + script}.docx"
        _write_atomic(target, compiled.render(context, props))
        sidecar = {"provenance": props, "input": context}
        _write_atomic(target.with_suffix(".json"), _pretty_json(sidecar).encode("utf-8"))
        return RenderedDoc(doc_id, target, props, convert(spec.title, script))

    def _properties(self, spec: DocumentSpec, number: str, context: dict[str, Any]) -> dict[str, str]:
        return {
            "document_id": f"{number}-{spec.id}",
            "document": spec.id,
            "pack": self.pack.name,
            "pack_version": self.pack.version,
            "template_sha256": self._hashes[spec.id],
            "input_sha256": input_sha256({k: v for k, v in context.items() if k != "doc"}),
            "rendered_at": dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat(),
            "terms": recorded_terms(context, [t.path for t in self.pack.shared_terms]),
        }


def to_pdf(docs: list[RenderedDoc], out_dir: Path) -> None:
    """Convert rendered documents to PDF in batches and stamp each with its provenance."""
    from toolkit.render.marks import add_marks  # segno, Pillow, pypdfium2: for PDF output only

    pdfs = pdf_mod.convert([d.docx for d in docs], out_dir)
    for doc, pdf in zip(docs, pdfs):
        pdf_mod.stamp_metadata(pdf, pdf_metadata(doc.properties, doc.title))
        add_marks(pdf, doc.properties["document_id"], doc.properties["pack"], doc.properties["pack_version"])
        doc.pdf = pdf


def render_text(source: str, context: dict[str, Any]) -> str:
    """Render a short pack text (a Q&A answer) with the same filters, as plain text."""
    env = ImmutableSandboxedEnvironment(autoescape=False, undefined=jinja2.StrictUndefined)
    env.filters.update(FILTERS)
    return env.from_string(source).render(context)


def _pretty_json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True, default=json_default) + "\n"


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    tmp.write_bytes(data)
    tmp.replace(path)
