"""Signature and stamp places: declared per document in pack.yaml, found on the printed PDF by their label."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium

from toolkit import yamlio
from toolkit.errors import PackError
from toolkit.pack.manifest import Pack

MM = 72 / 25.4
LINE_WIDTH = 70 * MM  # where a signature is written: on the line right of the label
STAMP_REACH = 22 * MM  # a 40 mm seal pressed on the seller's line reaches this far above and below it
SIGN_REACH = 6 * MM


@dataclass(frozen=True)
class PlaceSpec:
    """A place as the pack declares it."""

    place: str
    label: str
    party: str
    kind: str = "signature"


@dataclass(frozen=True)
class Place:
    """A place found on a page: `core` must carry ink to count as signed; ink anywhere in `zone` is expected."""

    name: str
    label: str
    page: int  # 1-based
    core: tuple[float, float, float, float]  # left, bottom, right, top in PDF points
    zone: tuple[float, float, float, float]
    kind: str = "signature"


def declared(pack: Pack, doc_id: str) -> list[PlaceSpec]:
    """Return the places a pack declares for a document (its own pack.yaml, else the pack it extends)."""
    for root in _roots(pack.root):
        where = root / "pack.yaml"
        spec = (yamlio.read_file(where, PackError).get("documents") or {}).get(doc_id) or {}
        if "signatures" in spec:
            return [_spec(where, doc_id, item) for item in spec["signatures"] or []]
    return []


def _roots(root: Path):
    yield root
    data = yamlio.read_file(root / "pack.yaml", PackError)
    if data.get("extends"):
        yield from _roots((root / data["extends"]).resolve())


def _spec(where: Path, doc_id: str, item: dict) -> PlaceSpec:
    if not isinstance(item, dict) or not item.get("place") or not item.get("label"):
        raise PackError(
            path=where, field=f"documents.{doc_id}.signatures", expected="每项含 place、label、party 的列表"
        )
    return PlaceSpec(
        str(item["place"]), str(item["label"]), str(item.get("party", "")), str(item.get("kind", "signature"))
    )


def locate(pdf: Path, specs: list[PlaceSpec]) -> list[Place]:
    """Find every occurrence of each place's label on the PDF's pages; a `buyers` place is numbered per buyer."""
    doc = pdfium.PdfDocument(str(pdf))
    try:
        found: list[Place] = []
        for spec in specs:
            hits = [(i, box) for i in range(len(doc)) for box in _label_boxes(doc[i], spec.label)]
            width = [float(doc[i].get_size()[0]) for i, _ in hits]
            for n, ((i, box), w) in enumerate(zip(hits, width), start=1):
                name = f"{spec.place}[{n}]" if len(hits) > 1 else spec.place
                found.append(_place(spec, name, i + 1, box, w))
        return found
    finally:
        doc.close()


def _label_boxes(page, label: str) -> list[tuple[float, float, float, float]]:
    tp = page.get_textpage()
    searcher = tp.search(label, match_case=True)
    out = []
    while (hit := searcher.get_next()) is not None:
        start, count = hit
        boxes = [tp.get_charbox(k) for k in range(start, start + count)]
        out.append(
            (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))
        )
    return out


def _place(spec: PlaceSpec, name: str, page: int, box, page_width: float) -> Place:
    left, bottom, right, top = box
    core = (right, bottom - 2 * MM, min(right + LINE_WIDTH, page_width - 22 * MM), top + 2 * MM)
    reach = STAMP_REACH if spec.kind == "stamp" else SIGN_REACH
    zone = (left - 5 * MM, bottom - reach, page_width - 22 * MM, top + reach)
    return Place(name, spec.label, page, core, zone, spec.kind)
