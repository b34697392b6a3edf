"""DOCX rendering: a template is patched and compiled once by docxtpl's rules, then rendered many times.

Plain docxtpl re-reads the package, re-patches the XML and recompiles the Jinja template for every
document, then re-parses the result; that is most of its time. Here the body, headers and footers are
patched (split runs, `{%p %}`/`{%tr %}` tags) and compiled once; a render is one Jinja call per part and one
zip write, the other parts copied as bytes.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from docxtpl import DocxTemplate
from jinja2.sandbox import ImmutableSandboxedEnvironment

from toolkit.errors import RenderError
from toolkit.render.filters import filters_for
from toolkit.render.jinja_words import in_chinese
from toolkit.render.provenance import add_custom_properties_part, custom_properties_xml
from toolkit.script import to_hant

DOCUMENT = "word/document.xml"
_PART = re.compile(r"^word/(header|footer)\d*\.xml$")


def make_environment(script: str = "hans") -> jinja2.Environment:
    """Return the sandboxed, strict, escaping environment every pack template runs in."""
    env = ImmutableSandboxedEnvironment(autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    env.filters.update(filters_for(script))
    return env


_TAG = re.compile(r"(\{\{.*?\}\}|\{%.*?%\})", re.S)


def in_script(xml: str, script: str) -> str:
    """Write a template's fixed wording in a script, leaving its tags (and their string literals) alone."""
    if script != "hant":
        return xml
    return "".join(part if i % 2 else to_hant(part) for i, part in enumerate(_TAG.split(xml)))


@dataclass
class _Part:
    name: str
    template: jinja2.Template


class CompiledTemplate:
    """A DOCX template compiled once and rendered for many contexts."""

    def __init__(self, path: Path, env: jinja2.Environment | None = None, script: str = "hans"):
        self.path, self.script = Path(path), script
        self.env = env or make_environment(script)
        raw = self.path.read_bytes()
        with zipfile.ZipFile(io.BytesIO(raw)) as z:
            self._infos = [i for i in z.infolist() if i.filename != "docProps/custom.xml"]
            self._blobs = {i.filename: z.read(i.filename) for i in self._infos}
        self._blobs.update(add_custom_properties_part(self._blobs))
        if script == "hant":  # the traditional-script cut of the CJK fonts
            self._blobs = {
                n: b.replace(b"CJK SC", b"CJK TC") if n.endswith(".xml") else b for n, b in self._blobs.items()
            }
        self._parts = [self._compile(name) for name in self._blobs if name == DOCUMENT or _PART.match(name)]
        self._static = self._static_zip({p.name for p in self._parts})

    def _static_zip(self, rendered: set[str]) -> bytes:
        """Compress the parts no render changes once; each render appends its own parts to a copy."""
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            for info in self._infos:
                if info.filename not in rendered:
                    z.writestr(info.filename, self._blobs[info.filename])
        return buf.getvalue()

    def _compile(self, name: str) -> _Part:
        tpl = DocxTemplate(io.BytesIO(b""))  # only its XML patching is used, no package is loaded
        xml = self._blobs[name].decode("utf-8")
        patched = re.sub(r"<w:p([ >])", r"\n<w:p\1", in_script(tpl.patch_xml(xml), self.script))
        try:
            return _Part(name, self.env.from_string(patched))
        except jinja2.TemplateSyntaxError as exc:
            raise RenderError(
                f"{self.path.name}（{name}）第{exc.lineno}行：模板语法错误（Jinja）：{in_chinese(exc.message or '')}"
            ) from None

    def render(self, context: dict[str, Any], properties: dict[str, str]) -> bytes:
        """Render one document and return the DOCX bytes."""
        rendered = {p.name: self._render_part(p, context) for p in self._parts}
        rendered["docProps/custom.xml"] = custom_properties_xml(properties).encode("utf-8")
        out = io.BytesIO(self._static)
        with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
            for name, data in rendered.items():
                z.writestr(name, data)
        return out.getvalue()

    def _render_part(self, part: _Part, context: dict[str, Any]) -> bytes:
        try:
            xml = part.template.render(context)
        except jinja2.UndefinedError as exc:
            raise RenderError(
                f"{self.path.name}（{part.name}）：模板用到未定义的变量（Jinja）：{in_chinese(exc.message or '')}"
            ) from None
        except jinja2.TemplateError as exc:
            raise RenderError(f"{self.path.name}（{part.name}）：模板出错（Jinja）：{in_chinese(str(exc))}") from None
        return re.sub(r"\n<w:p([ >])", r"<w:p\1", xml).encode("utf-8")
