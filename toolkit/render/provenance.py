"""Provenance: which pack, version, template and input made a document, written into the document.

DOCX: custom properties (docProps/custom.xml). PDF: document information entries. Beside both, a JSON
sidecar holding the render input, so a document can be traced and re-rendered.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

CUSTOM = "docProps/custom.xml"
_CT = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"
_NS = (
    "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties",
    "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes",
)
PREFIX = "loupan."


def json_default(value: Any) -> Any:
    """Serialise decimals and dates as strings."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    raise TypeError(f"cannot serialise {type(value).__name__}")


def canonical_json(data: Any) -> str:
    """Serialise render input the same way every time: sorted keys, decimals as strings."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True, default=json_default, separators=(",", ":"))


def input_sha256(data: Any) -> str:
    """Hash the render input."""
    return hashlib.sha256(canonical_json(data).encode("utf-8")).hexdigest()


def custom_properties_xml(props: dict[str, str]) -> str:
    """Write the custom-properties part holding the provenance."""
    items = "".join(
        f'<property fmtid="{_FMTID}" pid="{pid}" name="{escape(PREFIX + k, {chr(34): "&quot;"})}">'
        f"<vt:lpwstr>{escape(str(v))}</vt:lpwstr></property>"
        for pid, (k, v) in enumerate(props.items(), start=2)
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<Properties xmlns="{_NS[0]}" xmlns:vt="{_NS[1]}">{items}</Properties>'
    )


def add_custom_properties_part(blobs: dict[str, bytes]) -> dict[str, bytes]:
    """Return [Content_Types].xml and _rels/.rels updated to declare the custom-properties part."""
    types = blobs["[Content_Types].xml"].decode("utf-8")
    rels = blobs["_rels/.rels"].decode("utf-8")
    if "/docProps/custom.xml" not in types:
        types = types.replace("</Types>", f'<Override PartName="/docProps/custom.xml" ContentType="{_CT}"/></Types>')
    if "docProps/custom.xml" not in rels:
        rels = rels.replace(
            "</Relationships>",
            f'<Relationship Id="rIdLoupanCustom" Type="{_REL}" Target="docProps/custom.xml"/></Relationships>',
        )
    return {"[Content_Types].xml": types.encode("utf-8"), "_rels/.rels": rels.encode("utf-8")}


def pdf_metadata(props: dict[str, str], title: str) -> dict[str, str]:
    """Map provenance onto PDF document-information entries."""
    meta = {"/Title": title, "/Producer": "loupan"}
    meta.update({f"/Loupan{k.title().replace('_', '')}": str(v) for k, v in props.items()})
    return meta


def recorded_terms(context: dict[str, Any], shared_paths: list[str]) -> str:
    """Return the shared terms of a render context, flattened to printed paths, as JSON for the properties."""
    flat: dict[str, Any] = {}
    for path in shared_paths:
        head, _, tail = path.partition(".")
        value = context.get(head)
        for key in tail.split(".") if tail else []:
            value = value.get(key) if isinstance(value, dict) else None
        flat.update(_flat_term(path, value))
    return json.dumps(flat, ensure_ascii=False, sort_keys=True, default=json_default, separators=(",", ":"))


def _flat_term(path: str, value: Any) -> dict[str, Any]:
    if isinstance(value, list):
        out: dict[str, Any] = {}
        for i, item in enumerate(value):
            for k, v in item.items() if isinstance(item, dict) else []:
                if k in ("name", "id_no", "amount", "due", "share_pct") and v is not None:
                    out[f"{path}[{i}].{k}"] = v
        return out
    return {} if value is None or isinstance(value, dict) else {path: value}
